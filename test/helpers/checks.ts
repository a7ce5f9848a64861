// Shared harness of the per-kind semantic-check tests: the shipped documents of a kind, read
// fresh, mutated by a test, and checked alone; problems come back as "CODE /path".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SemanticCheck } from '../../src/policy/checks/index.ts';
import { parsePolicyYaml } from '../../src/policy/yaml.ts';
import { RULES_DIR } from './policy-sets.ts';

export function shippedFiles(kind: string): { BASELINE: string; CSRC: string } {
  return { BASELINE: join(RULES_DIR, `${kind}.yaml`), CSRC: join(RULES_DIR, 'examples/csrc-2017', `${kind}.yaml`) };
}

export function readDoc<T>(file: string): T {
  return structuredClone(parsePolicyYaml(readFileSync(file, 'utf8')).value) as T;
}

/** `problemsOf(mutate, file?)`: the problems `check` finds in `file` (default: the baseline) once mutated. */
export function checkHarness<T>(check: SemanticCheck, defaultFile: string) {
  return (mutate: (doc: T) => void, file = defaultFile): string[] => {
    const doc = readDoc<T>(file);
    mutate(doc);
    return check(doc, { documents: new Map() }).map((p) => `${p.code} ${p.path}`);
  };
}
