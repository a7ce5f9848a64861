// Reads one policy YAML text safely and keeps where every node came from, so that any
// problem found later (schema, semantic, override bound) can be reported at its line and column.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { DiagnosticCode, Problem } from './diagnostics.ts';
import { splitPointer } from './pointer.ts';

export const MAX_POLICY_BYTES = 1024 * 1024;
/** Aliases a document may dereference in total; a "billion laughs" file exceeds it at once. */
export const MAX_ALIAS_COUNT = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface Position {
  line: number;
  column: number;
  /** Set when the node came from another text than the document's own (an override's). */
  file?: string;
}

export interface SourceMap {
  /** Position of the node at `pointer` (its key with `atKey`), or of the nearest ancestor that exists. */
  locate(pointer: string, atKey?: boolean): Position;
}

export interface ParsedYaml {
  /** The plain JS value, or undefined when the text could not be read as one document. */
  value: unknown;
  source: SourceMap;
  /** Problems with positions already resolved. */
  problems: (Problem & Position)[];
}

const START: Position = { line: 1, column: 1 };

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid. */
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function positionOfByte(buf: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) { line++; lineStart = i + 1; }
  const column = new TextDecoder().decode(buf.subarray(lineStart, offset)).length + 1;
  return { line, column };
}

/** Decode bytes as UTF-8, refusing invalid input and oversized files with positioned problems. */
export function decodePolicyBytes(buf: Uint8Array): { text?: string; problems: (Problem & Position)[] } {
  if (buf.length > MAX_POLICY_BYTES) {
    return { problems: [{ path: '', code: 'FILE_TOO_LARGE', message: `File is ${buf.length} bytes; at most ${MAX_POLICY_BYTES} are accepted.`, ...START, params: { size: buf.length, limit: MAX_POLICY_BYTES } }] };
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    return { problems: [{ path: '', code: 'INVALID_UTF8', message: `Invalid UTF-8 byte 0x${buf[bad]!.toString(16).padStart(2, '0')} at byte ${bad}; save the file as UTF-8.`, ...positionOfByte(buf, bad), params: { byte: buf[bad]!, offset: bad } }] };
  }
  let text = new TextDecoder('utf-8').decode(buf);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, problems: [] };
}

const YAML_CODE_MAP: Record<string, DiagnosticCode> = {
  DUPLICATE_KEY: 'YAML_DUPLICATE_KEY',
  TAB_AS_INDENT: 'YAML_TAB_INDENT',
  MULTIPLE_DOCS: 'YAML_MULTI_DOCUMENT',
};

function nodeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

class DocumentSourceMap implements SourceMap {
  constructor(private readonly doc: Document | undefined, private readonly lines: LineCounter) {}

  private at(offset: number | undefined): Position {
    if (offset === undefined) return START;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  locate(pointer: string, atKey = false): Position {
    if (!this.doc) return START;
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    let segments: string[];
    try { segments = splitPointer(pointer); } catch { return START; }
    for (const seg of segments) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
        if (!pair) return this.at(nodeStart(keyNode ?? node));
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined || !/^\d+$/.test(seg)) return this.at(nodeStart(node));
        keyNode = item;
        node = item;
      } else {
        return this.at(nodeStart(node ?? keyNode));
      }
    }
    return this.at(nodeStart(atKey && keyNode ? keyNode : node ?? keyNode));
  }
}

/** Parse policy YAML text: one document, unique keys, bounded aliases, no prototype keys. */
export function parsePolicyYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const problems: (Problem & Position)[] = [];
  const pos = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };

  // Tabs used for indentation: report every such line ourselves (yaml only flags some of them).
  text.split('\n').forEach((line, i) => {
    const m = /^( *)\t/.exec(line);
    if (m && line.trim() !== '') {
      problems.push({ path: '', code: 'YAML_TAB_INDENT', message: 'Tab used for indentation; indent with spaces.', line: i + 1, column: m[1]!.length + 1 });
    }
  });
  if (problems.length > 0) return { value: undefined, source: new DocumentSourceMap(undefined, lines), problems };

  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
  const all = Array.isArray(docs) ? docs : [];
  const doc = all[0] as Document | undefined;
  const source = new DocumentSourceMap(doc, lines);
  if (all.length > 1) {
    problems.push({ path: '', code: 'YAML_MULTI_DOCUMENT', message: 'A policy file holds one YAML document; found another after `---`.', ...pos(nodeStart(all[1]!.contents) ?? 0) });
  }
  for (const d of all) {
    for (const err of d.errors) {
      const code = YAML_CODE_MAP[err.code] ?? 'YAML_SYNTAX';
      const at = pos(err.pos[0]);
      // yaml may report one fault several ways at one spot: keep the first.
      if (problems.some((p) => p.code === code && p.line === at.line && p.column === at.column)) continue;
      problems.push({ path: '', code, message: err.message.split('\n')[0]!, ...at, params: { yaml: err.code } });
    }
  }
  if (!doc || problems.length > 0) return { value: undefined, source, problems };

  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && FORBIDDEN_KEYS.has(key)) {
        problems.push({ path: '', code: 'YAML_FORBIDDEN_KEY', message: `The key "${key}" is not allowed in a policy document.`, ...pos(nodeStart(pair.key) ?? 0), params: { value: key } });
      }
    },
  });
  if (problems.length > 0) return { value: undefined, source, problems };

  try {
    const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { value, source, problems };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code: DiagnosticCode = /alias/i.test(message) ? 'YAML_ALIAS_LIMIT' : 'YAML_SYNTAX';
    let at = START;
    visit(doc, { Alias(_, node) { at = pos(nodeStart(node) ?? 0); return visit.BREAK; } });
    return { value: undefined, source, problems: [{ path: '', code, message: code === 'YAML_ALIAS_LIMIT' ? `Aliases expand past ${MAX_ALIAS_COUNT} nodes; write the values out instead.` : message, ...at, ...(code === 'YAML_ALIAS_LIMIT' ? { params: { limit: MAX_ALIAS_COUNT } } : {}) }] };
  }
}
