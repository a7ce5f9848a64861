// Revisions to and from a folder of YAML files, so head office can keep its policies in git
// and publish from CI: a folder's top-level policy files become documents keyed by kind, and
// a revision's documents become <kind>.yaml, byte for byte as published.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../policy/diagnostics.ts';
import { isPolicyKind } from '../policy/kinds.ts';
import { policyFilesIn, readPolicyFiles } from '../policy/policy-set.ts';
import { decodePolicyBytes, parsePolicyYaml } from '../policy/yaml.ts';

export interface DirDocuments {
  /** YAML text by kind. */
  readonly documents: Record<string, string>;
  /** The file each kind came from, to point problems at files rather than kinds. */
  readonly files: Record<string, string>;
  /** Files whose kind cannot be read (they would be refused anyway). */
  readonly problems: readonly Diagnostic[];
}

export function readPolicyDir(dir: string): DirDocuments {
  const documents: Record<string, string> = {};
  const files: Record<string, string> = {};
  const problems: Diagnostic[] = [];
  for (const { file, text: bytes } of readPolicyFiles(policyFilesIn(dir))) {
    const decoded = typeof bytes === 'string' ? { text: bytes, problems: [] } : decodePolicyBytes(bytes);
    if (decoded.text === undefined) {
      problems.push(...decoded.problems.map((p) => ({ file, path: '', line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error' as const })));
      continue;
    }
    const parsed = parsePolicyYaml(decoded.text);
    const kind = (parsed.value as { kind?: unknown } | undefined)?.kind;
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems.map((p) => ({ file, path: p.path, line: p.line, column: p.column, code: p.code, message: p.message, severity: 'error' as const })));
    } else if (!isPolicyKind(kind)) {
      problems.push({ file, path: '/kind', line: 1, column: 1, code: 'KIND_UNKNOWN', message: `${file} does not declare a known policy kind.`, severity: 'error' });
    } else if (files[kind]) {
      problems.push({ file, path: '/kind', line: 1, column: 1, code: 'KIND_DUPLICATE', message: `Kind "${kind}" is already given by ${files[kind]}.`, severity: 'error' });
    } else {
      documents[kind] = decoded.text;
      files[kind] = file;
    }
  }
  return { documents, files, problems };
}

/** Writes each document to <dir>/<kind>.yaml; returns the paths written. */
export function writePolicyDir(documents: Readonly<Record<string, string>>, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(documents).map(([kind, text]) => {
    const path = join(dir, `${kind}.yaml`);
    writeFileSync(path, text, 'utf8');
    return path;
  });
}
