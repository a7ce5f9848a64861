// A policy set: one document per kind, loaded from files or memory, schema-checked and
// semantically checked as a whole (cross-file references resolve inside the set).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { boundProblems } from './bounds.ts';
import { SEMANTIC_CHECKS } from './checks/index.ts';
import { testCaseProblems } from './checks/tests.ts';
import { byPosition, type Diagnostic, type Problem } from './diagnostics.ts';
import { isPolicyKind, POLICY_KINDS, schemaFileOf, type PolicyKind } from './kinds.ts';
import { validateAgainst } from './schema.ts';
import { decodePolicyBytes, parsePolicyYaml, type SourceMap } from './yaml.ts';

export interface PolicyDocument {
  readonly kind: PolicyKind;
  /** Where the text came from: a file path, or a label such as `classification` for documents sent over HTTP. */
  readonly file: string;
  readonly text: string;
  readonly value: Readonly<Record<string, unknown>>;
  readonly source: SourceMap;
}

export interface PolicySet {
  readonly documents: ReadonlyMap<PolicyKind, PolicyDocument>;
}

export interface LoadResult {
  /** Present whenever every text parsed and named its kind; check `valid` before using it. */
  readonly set: PolicySet;
  readonly diagnostics: readonly Diagnostic[];
  readonly valid: boolean;
}

export interface PolicyText {
  file: string;
  text: string | Uint8Array;
}

export const POLICY_FILE = /\.ya?ml$/i;

export function positioned(file: string, kind: string | undefined, source: SourceMap, problems: Problem[]): Diagnostic[] {
  return problems.map((p) => {
    const at = source.locate(p.path, p.atKey);
    return {
    file: at.file ?? file,
    ...(kind ? { kind } : {}),
    path: p.path,
    line: at.line,
    column: at.column,
    code: p.code,
    message: p.message,
    severity: p.severity ?? 'error',
    ...(p.params ? { params: p.params } : {}),
    };
  });
}

export interface LoadOptions {
  /** Require one document of every kind (a full policy set such as rules/ or a revision). */
  complete?: boolean;
  /** Label for set-level problems (the directory). */
  setLabel?: string;
}

/** Parse, schema-check and semantically check policy texts as one set. Never throws on bad input. */
export function loadPolicyTexts(texts: readonly PolicyText[], options: LoadOptions = {}): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const documents = new Map<PolicyKind, PolicyDocument>();

  for (const { file, text: raw } of texts) {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else {
      const decoded = decodePolicyBytes(raw);
      if (decoded.text === undefined) {
        diagnostics.push(...decoded.problems.map((p) => ({ file, path: '', line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error' as const, ...(p.params ? { params: p.params } : {}) })));
        continue;
      }
      text = decoded.text;
    }
    const parsed = parsePolicyYaml(text);
    if (parsed.problems.length > 0 || parsed.value === undefined) {
      diagnostics.push(...parsed.problems.map((p) => ({ file, path: p.path, line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error' as const, ...(p.params ? { params: p.params } : {}) })));
      continue;
    }
    const value = parsed.value as Record<string, unknown>;
    const kind = value && typeof value === 'object' && !Array.isArray(value) ? value.kind : undefined;
    if (!isPolicyKind(kind)) {
      diagnostics.push(...positioned(file, undefined, parsed.source, [{
        path: kind === undefined ? '' : '/kind',
        code: 'KIND_UNKNOWN',
        message: `"kind" must be one of ${POLICY_KINDS.join(', ')}${kind === undefined ? '' : `; found ${JSON.stringify(kind)}`}.`,
        params: { known: POLICY_KINDS, ...(kind === undefined ? {} : { value: typeof kind === 'string' ? kind : JSON.stringify(kind) }) },
      }]));
      continue;
    }
    const doc: PolicyDocument = { kind, file, text, value, source: parsed.source };
    const earlier = documents.get(kind);
    if (earlier) {
      diagnostics.push(...positioned(file, kind, parsed.source, [{ path: '/kind', code: 'KIND_DUPLICATE', message: `Kind "${kind}" is already given by ${earlier.file}.`, params: { value: kind, other: earlier.file } }]));
      continue;
    }
    documents.set(kind, doc);
  }

  // A file whose kind could not be read may be the missing one: then say nothing of missing kinds.
  const unreadable = diagnostics.some((d) => d.kind === undefined);
  diagnostics.push(...checkPolicyDocuments([...documents.values()], { ...options, complete: Boolean(options.complete) && !unreadable }));
  diagnostics.sort(byPosition);
  const set: PolicySet = Object.freeze({ documents });
  return { set, diagnostics, valid: !diagnostics.some((d) => d.severity === 'error') };
}

/**
 * Schema and semantic checks of already-parsed documents (a loaded set, or a branch's
 * effective documents). Positions come from each document's source map.
 */
export function checkPolicyDocuments(docs: readonly PolicyDocument[], options: LoadOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const schemaValid = new Map<PolicyKind, PolicyDocument>();
  for (const doc of docs) {
    const problems = validateAgainst(schemaFileOf(doc.kind), doc.value);
    diagnostics.push(...positioned(doc.file, doc.kind, doc.source, problems));
    if (problems.length === 0) schemaValid.set(doc.kind, doc);
  }
  if (options.complete) {
    const present = new Set(docs.map((d) => d.kind));
    for (const kind of POLICY_KINDS) {
      if (!present.has(kind)) {
        diagnostics.push({ file: options.setLabel ?? '.', path: '', line: 1, column: 1, code: 'KIND_MISSING', message: `The policy set has no "${kind}" document.`, severity: 'error', params: { value: kind } });
      }
    }
  }
  const context = { documents: new Map([...schemaValid].map(([k, d]) => [k, d.value as unknown])) as ReadonlyMap<PolicyKind, unknown> };
  for (const doc of schemaValid.values()) {
    const check = SEMANTIC_CHECKS[doc.kind];
    const problems = [...boundProblems(doc.value), ...testCaseProblems(doc.value), ...(check ? check(doc.value, context) : [])];
    diagnostics.push(...positioned(doc.file, doc.kind, doc.source, problems));
  }
  return diagnostics;
}

/** The policy files of a directory: its top-level *.yaml files (sub-directories are other sets). */
export function policyFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && POLICY_FILE.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

export function readPolicyFiles(files: readonly string[]): PolicyText[] {
  return files.map((file) => ({ file, text: readFileSync(file) }));
}

/** Load a directory as one complete policy set. */
export function loadPolicyDir(dir: string): LoadResult {
  return loadPolicyTexts(readPolicyFiles(policyFilesIn(dir)), { complete: true, setLabel: dir });
}

/** A loaded set that must be valid (the CLI's --rules, tests): throws with every diagnostic otherwise. */
export function loadValidPolicyDir(dir: string): PolicySet {
  const result = loadPolicyDir(dir);
  if (!result.valid) {
    const lines = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
    throw new Error(`Policy set ${dir} is invalid:\n${lines.join('\n')}`);
  }
  return result.set;
}

export function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

export function describeSet(set: PolicySet): string {
  return [...set.documents.values()].map((d) => basename(d.file)).join(', ');
}
