// A small valid policy set taken from rules/ (classification and service-package, which the
// other kinds do not depend on) and variations of it. No vitest here: child processes use it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyTexts, type PolicyText } from '../../src/policy/policy-set.ts';
import type { SetValidator } from '../../src/store/context.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

export const FIXTURE_KINDS = ['classification', 'service-package'] as const;

export function fixtureDocuments(): Record<string, string> {
  return Object.fromEntries(FIXTURE_KINDS.map((k) => [k, readFileSync(join(RULES_DIR, `${k}.yaml`), 'utf8')]));
}

/** rules/classification.yaml with another turnover threshold. */
export function classificationWithThreshold(value: number | string): string {
  const text = fixtureDocuments().classification!;
  if (!/^turnoverThreshold: .*$/m.test(text)) throw new Error('rules/classification.yaml has no top-level turnoverThreshold line');
  return text.replace(/^turnoverThreshold: .*$/m, `turnoverThreshold: ${value}`);
}

/** rules/classification.yaml with another `source:` line (a change no override touches). */
export function classificationWithSource(source: string): string {
  return fixtureDocuments().classification!.replace(/^source: .*$/m, `source: ${source}`);
}

/** rules/service-package.yaml with another `source:` line. */
export function servicePackageWithSource(source: string): string {
  const text = fixtureDocuments()['service-package']!;
  if (!/^source: .*$/m.test(text)) throw new Error('rules/service-package.yaml has no top-level source line');
  return text.replace(/^source: .*$/m, `source: ${source}`);
}

/**
 * The fixture set is complete for these tests: the real validator demands every kind, which
 * other people are still writing. One test checks the real validator separately.
 */
export const fixtureValidator: SetValidator = (texts: readonly PolicyText[]) => {
  const result = loadPolicyTexts(texts);
  const missing = FIXTURE_KINDS.filter((k) => !result.set.documents.has(k));
  if (missing.length === 0) return result;
  const diagnostics = [...result.diagnostics, ...missing.map((k) => ({ file: '.', path: '', line: 1, column: 1, code: 'KIND_MISSING' as const, message: `The policy set has no "${k}" document.`, severity: 'error' as const }))];
  return { ...result, diagnostics, valid: false };
};
