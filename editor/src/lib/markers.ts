// Policy problems from the server (`details: [{kind, path, line, column, code, message, params?}]`,
// 1-based positions into the YAML that was sent) → marker data for the editor. Positions travel as
// data: a line is never recovered from a message. The range runs to the end of the token at the
// position so that a squiggle covers the offending value, not a single character. A marker's text
// is the problem's detail in the reader's language when the caller says how (`describe`).
import type { DiagnosticParams } from '../../../src/policy/diagnostics.ts';

export interface PolicyProblem {
  kind?: string;
  /** Present when the server says which text the problem is in (e.g. head office's document). */
  file?: string;
  path: string;
  line: number;
  column: number;
  code: string;
  message: string;
  severity?: 'error' | 'warning';
  /** The facts the message is made of (docs/messages.md), for saying it in the reader's language. */
  params?: DiagnosticParams;
}

/** A problem's text for people: its detail in the reader's language (detail-messages.ts), or the server's message. */
export type Describe = (p: PolicyProblem) => string;

export interface MarkerData {
  severity: 'error' | 'warning';
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
  code: string;
  /** JSON Pointer of the node, for the problem list beside the editor. */
  path: string;
  /** The problem the marker shows, for the list beside the editor to explain. */
  problem?: PolicyProblem;
}

/** Reads an unknown `details` value into problems, dropping entries that carry no position. */
export function problemsFrom(details: unknown): PolicyProblem[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d): PolicyProblem[] => {
    if (d === null || typeof d !== 'object') return [];
    const r = d as Record<string, unknown>;
    if (typeof r.line !== 'number' || typeof r.column !== 'number') return [];
    return [{
      ...(typeof r.kind === 'string' ? { kind: r.kind } : {}),
      ...(typeof r.file === 'string' ? { file: r.file } : {}),
      path: typeof r.path === 'string' ? r.path : '',
      line: r.line,
      column: r.column,
      code: typeof r.code === 'string' ? r.code : 'PROBLEM',
      message: typeof r.message === 'string' ? r.message : '',
      ...(r.severity === 'warning' ? { severity: 'warning' as const } : {}),
      ...(r.params !== null && typeof r.params === 'object' && !Array.isArray(r.params) ? { params: r.params as DiagnosticParams } : {}),
    }];
  });
}

/** Where a token starting at a 0-based index of a line ends (exclusive, 0-based). */
function tokenEnd(line: string, start: number): number {
  const ch = line[start];
  if (ch === undefined) return start;
  if (ch === '"' || ch === "'") {
    const close = line.indexOf(ch, start + 1);
    return close === -1 ? line.length : close + 1;
  }
  if (ch === '{' || ch === '[') {
    // A flow collection: to its matching bracket on this line, else the line's end.
    let depth = 0;
    for (let i = start; i < line.length; i++) {
      if (line[i] === '{' || line[i] === '[') depth++;
      else if (line[i] === '}' || line[i] === ']') depth--;
      if (depth === 0) return i + 1;
    }
    return line.length;
  }
  // A plain scalar or key: up to a comment, a flow separator or a key's colon.
  let end = start;
  while (end < line.length) {
    const c = line[end]!;
    if (c === '#' && end > start && line[end - 1] === ' ') break;
    if (c === ',' || c === '}' || c === ']') break;
    if (c === ':' && (line[end + 1] === undefined || line[end + 1] === ' ')) break;
    end++;
  }
  return Math.max(start + 1, line.slice(0, end).trimEnd().length);
}

/** Clamps a problem's position into the text and widens it to the token there. */
export function markerFor(text: string, p: PolicyProblem, describe: Describe = (q) => q.message): MarkerData {
  const lines = text.split(/\r?\n/);
  const lineNumber = Math.min(Math.max(1, Math.trunc(p.line)), Math.max(1, lines.length));
  const line = lines[lineNumber - 1] ?? '';
  const startColumn = Math.min(Math.max(1, Math.trunc(p.column)), line.length + 1);
  const endColumn = Math.max(startColumn + 1, tokenEnd(line, startColumn - 1) + 1);
  return {
    severity: p.severity ?? 'error',
    startLineNumber: lineNumber,
    startColumn,
    endLineNumber: lineNumber,
    endColumn,
    message: `${describe(p)} (${p.code})`,
    code: p.code,
    path: p.path,
    problem: p,
  };
}

/**
 * Splits problems into those in the text that was sent (markers) and those elsewhere (e.g. in
 * head office's document that an override merges into), which are listed but not placed.
 * `isElsewhere` says which is which; by default every problem is in the sent text.
 */
export function placeProblems(
  text: string,
  problems: readonly PolicyProblem[],
  isElsewhere: (p: PolicyProblem) => boolean = () => false,
  describe?: Describe,
): { markers: MarkerData[]; elsewhere: PolicyProblem[] } {
  const markers: MarkerData[] = [];
  const elsewhere: PolicyProblem[] = [];
  for (const p of problems) {
    if (isElsewhere(p)) elsewhere.push(p);
    else markers.push(markerFor(text, p, describe));
  }
  markers.sort((a, b) => a.startLineNumber - b.startLineNumber || a.startColumn - b.startColumn);
  return { markers, elsewhere };
}

/** The kind a problem's `file` names ("rules/vip.yaml", "vip"), if it names one of `kinds`. */
export function fileKind(p: PolicyProblem, kinds: readonly string[]): string | undefined {
  const base = p.file?.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  return base !== undefined && kinds.includes(base) ? base : undefined;
}

/**
 * Server problems with monaco-yaml's schema problems: both are shown, except a schema problem
 * at the very place the server already reported one (the same fault said twice).
 */
export function mergeMarkers(server: readonly MarkerData[], schema: readonly MarkerData[]): MarkerData[] {
  const at = new Set(server.map((m) => `${m.startLineNumber}:${m.startColumn}`));
  return [...server, ...schema.filter((m) => !at.has(`${m.startLineNumber}:${m.startColumn}`))]
    .sort((a, b) => a.startLineNumber - b.startLineNumber || a.startColumn - b.startColumn);
}

/** Problems by kind, for publishing several documents at once. Unnamed ones go to `fallbackKind`. */
export function problemsByKind(problems: readonly PolicyProblem[], fallbackKind: string): Map<string, PolicyProblem[]> {
  const out = new Map<string, PolicyProblem[]>();
  for (const p of problems) {
    const kind = p.kind ?? p.file?.replace(/^.*\//, '').replace(/\.ya?ml$/, '') ?? fallbackKind;
    const list = out.get(kind) ?? [];
    list.push(p);
    out.set(kind, list);
  }
  return out;
}
