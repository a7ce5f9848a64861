import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOverrideBounds } from '../../src/policy/bounds.ts';
import { diffDocuments, mergePatch } from '../../src/policy/diff.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const base = loadPolicyTexts(readPolicyFiles(['classification.yaml', 'service-package.yaml'].map((f) => join(RULES_DIR, f)))).set;

describe('applyOverride on the baseline classification', () => {
  it('accepts a threshold within ±50% and changes only that path', () => {
    const r = applyOverride(base, 'classification: {turnoverThreshold: 2.5}\n', 'o.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.changes.get('classification')).toEqual([{ path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }]);
    expect(r.effective.documents.get('classification')!.value.turnoverThreshold).toBe(2.5);
    expect(base.documents.get('classification')!.value.turnoverThreshold).toBe(3);
  });

  it('refuses a threshold outside ±50%, naming the path and the bound at the override line', () => {
    const r = applyOverride(base, '# branch 0101\nclassification:\n  turnoverThreshold: 1.4\n', 'o.yaml');
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toMatchObject([{ file: 'o.yaml', code: 'OVERRIDE_OUT_OF_BOUNDS', line: 3, column: 22, path: '/classification/turnoverThreshold' }]);
    expect(r.diagnostics[0]!.message).toContain('[1.5, 4.5]');
  });

  it('refuses a change to a path head office fixed', () => {
    const r = applyOverride(base, 'classification:\n  tiers:\n    under-10k:\n      classes: {high: F}\n', 'o.yaml');
    expect(r.diagnostics).toMatchObject([{ code: 'OVERRIDE_OUT_OF_BOUNDS', path: '/classification/tiers/under-10k/classes/high', line: 4, column: 23 }]);
    expect(r.diagnostics[0]!.message).toContain('fixed by head office');
  });

  it('keeps tiers gap-free: a boundary moved within bounds on one side only is a gap at the override line', () => {
    const r = applyOverride(base, 'classification:\n  tiers:\n    1m-5m: {min: 1100000}\n', 'o.yaml');
    expect(r.diagnostics).toMatchObject([{ file: 'o.yaml', code: 'TIER_GAP', line: 3, column: 18 }]);
  });

  it('accepts a boundary moved on both sides within ±20%', () => {
    const r = applyOverride(base, 'classification:\n  tiers:\n    500k-1m: {max: 1100000}\n    1m-5m: {min: 1100000}\n', 'o.yaml');
    expect(r.diagnostics).toEqual([]);
  });

  it('refuses a kind the set does not have, and malformed YAML, with positions', () => {
    expect(applyOverride(base, 'vip: {tiers: {}}\n').diagnostics).toMatchObject([{ code: 'OVERRIDE_KIND_UNKNOWN', line: 1, column: 1 }]);
    expect(applyOverride(base, 'classifications: {x: 1}\n').diagnostics).toMatchObject([{ code: 'OVERRIDE_KIND_UNKNOWN', line: 1, column: 1 }]);
    expect(applyOverride(base, 'classification: {a: 1\n').diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX' });
  });

  it('never lets a branch remove a value', () => {
    const r = applyOverride(base, 'classification: {turnoverThreshold: null}\n', 'o.yaml');
    expect(r.diagnostics.map((d) => d.code)).toContain('OVERRIDE_OUT_OF_BOUNDS');
  });
});

describe('bounds', () => {
  const doc = {
    levels: { low: {}, medium: {}, high: {} },
    matching: { a: ['low', 'medium'] },
    products: { fund: { level: 'medium' } },
    days: 10,
    overrides: [
      { path: '/matching/*', subset: true },
      { path: '/products/*/level', notBelow: '/levels' },
      { path: '/days', direction: 'down', min: 2 },
    ],
  };
  const check = (patch: unknown) => checkOverrideBounds('k', doc, diffDocuments(doc, mergePatch(doc, patch))).map((p) => p.message);

  it('subset: may remove entries, never add them', () => {
    expect(check({ matching: { a: ['low'] } })).toEqual([]);
    expect(check({ matching: { a: ['low', 'medium', 'high'] } })[0]).toContain('adds "high"');
  });

  it('notBelow: may move to a stricter key only', () => {
    expect(check({ products: { fund: { level: 'high' } } })).toEqual([]);
    expect(check({ products: { fund: { level: 'low' } } })[0]).toContain('less strict');
    expect(check({ products: { fund: { level: 'extreme' } } })[0]).toContain('not one of low, medium, high');
  });

  it('direction and absolute limits', () => {
    expect(check({ days: 5 })).toEqual([]);
    expect(check({ days: 11 })[0]).toContain('may only be lowered');
    expect(check({ days: 1 })[0]).toContain('below 2');
  });
});

describe('diffDocuments and mergePatch', () => {
  it('diffs path by path, arrays as whole values', () => {
    expect(diffDocuments({ a: 1, b: { c: [1, 2], d: 'x' } }, { a: 1, b: { c: [1], e: true } })).toEqual([
      { path: '/b/c', op: 'change', before: [1, 2], after: [1] },
      { path: '/b/d', op: 'remove', before: 'x' },
      { path: '/b/e', op: 'add', after: true },
    ]);
  });

  it('follows RFC 7396 (null removes, objects merge, others replace) without mutating', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' } };
    expect(mergePatch(target, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(target).toEqual({ a: 'b', c: { d: 'e', f: 'g' } });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
  });
});
