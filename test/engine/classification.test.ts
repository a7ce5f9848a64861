import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { classification } from '../../src/engine/decisions/classification.ts';
import { servicePackage } from '../../src/engine/decisions/service-package.ts';
import type { ClassificationDoc } from '../../src/policy/model/classification.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR, shippedPolicySets } from '../helpers/policy-sets.ts';

function load(dir: string): PolicySet {
  const r = loadPolicyTexts(readPolicyFiles(['classification.yaml', 'service-package.yaml'].map((f) => join(dir, f))));
  expect(r.diagnostics).toEqual([]);
  return r.set;
}
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [classification, servicePackage]);
const baseSet = load(RULES_DIR);
const policy = compile(baseSet);
const classOf = async (p: CompiledPolicy, assets: number, turnover: number) => (await p.decide('classification', { assets, turnover })).output.class;

describe('classification boundaries (baseline)', () => {
  it.each([
    [0, 0, 'G'], [9_999.99, 3, 'G'], [10_000, 3, 'E'], [10_000, 2.99, 'F'],
    [99_999.99, 3, 'E'], [100_000, 3, 'C-'], [100_000, 2.99, 'D-'], [499_999.99, 3, 'C-'],
    [500_000, 3, 'C'], [500_000, 2.99, 'D'], [999_999.99, 3, 'C'], [1_000_000, 3, 'A'],
    [1_000_000, 2.99, 'B'], [4_999_999.99, 3, 'A'], [5_000_000, 3, 'A+'], [5_000_000, 2.99, 'B+'],
    [1e12, 100, 'A+'],
  ])('assets %d, turnover %d → %s', async (assets, turnover, expected) => {
    expect(await classOf(policy, assets, turnover)).toBe(expected);
  });

  it('derives turnover from trading volume and average assets, 0 when average assets is 0', async () => {
    expect((await policy.decide('classification', { assets: 2e6, tradingVolume: 6e6, averageAssets: 2e6 })).output).toMatchObject({ class: 'A', turnover: 3 });
    expect((await policy.decide('classification', { assets: 2e6, tradingVolume: 6e6, averageAssets: 0 })).output).toMatchObject({ class: 'B', turnover: 0 });
  });

  it.each([
    [{ assets: -1, turnover: 1 }, '/assets'],
    [{ assets: 1, turnover: -0.5 }, '/turnover'],
    [{ turnover: 1 }, '/assets'],
    [{ assets: '100', turnover: 1 }, '/assets'],
    [{ assets: 100 }, '/turnover'],
    [{ assets: 100, tradingVolume: 5 }, '/turnover'],
  ])('bad input %j names %s', async (input, field) => {
    await expect(policy.decide('classification', input)).rejects.toMatchObject({ code: 'BAD_INPUT', details: [expect.objectContaining({ field })] });
  });

  it('explains which rule decided, with fact values, thresholds and the YAML line', async () => {
    const r = await policy.decide('classification', { assets: 2_000_000, turnover: 2.7 }, { explain: true });
    const fired = r.trace!.filter((s) => s.fired);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      rule: '1m-5m/low',
      source: { file: join(RULES_DIR, 'classification.yaml'), path: '/tiers/1m-5m/classes/low', line: 56, column: 30 },
      conditions: [
        { fact: 'assets', operator: 'greaterThanInclusive', value: 1_000_000, factValue: 2_000_000, result: true },
        { fact: 'assets', operator: 'lessThan', value: 5_000_000, factValue: 2_000_000, result: true },
        { fact: 'turnover', operator: 'lessThan', value: 3, factValue: 2.7, result: true },
      ],
    });
    expect(r.trace!.length).toBe(12);
  });
});

describe('classification under a branch override', () => {
  it('turnoverThreshold 2.5 moves {assets 2,000,000, turnover 2.7} from B to A, and explains from the override line', async () => {
    const applied = applyOverride(baseSet, 'classification:\n  turnoverThreshold: 2.5\n', 'branch-0101.yaml');
    expect(applied.valid).toBe(true);
    const branch = compile(applied.effective);
    expect(await classOf(policy, 2_000_000, 2.7)).toBe('B');
    expect(await classOf(branch, 2_000_000, 2.7)).toBe('A');
    const r = await branch.decide('classification', { assets: 2_000_000, turnover: 2.7 }, { explain: true });
    expect(r.output).toMatchObject({ class: 'A', turnoverThreshold: 2.5 });
  });
});

describe('classification properties', () => {
  const sets = shippedPolicySets().map((dir) => ({ dir, set: load(dir) }));

  it('every valid input gets exactly one class, of the declared ones', async () => {
    for (const { set } of sets) {
      const p = compile(set);
      const doc = set.documents.get('classification')!.value as unknown as ClassificationDoc;
      await fc.assert(fc.asyncProperty(fc.double({ min: 0, max: 1e10, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), async (assets, turnover) => {
        const r = await p.decide('classification', { assets, turnover }, { explain: true });
        expect(r.trace!.filter((s) => s.fired)).toHaveLength(1);
        expect(Object.keys(doc.classes)).toContain(r.output.class);
      }), { numRuns: 300 });
    }
  });

  it('raising assets within a turnover group never lowers the tier', async () => {
    for (const { set } of sets) {
      const p = compile(set);
      const tierIds = Object.keys((set.documents.get('classification')!.value as unknown as ClassificationDoc).tiers);
      await fc.assert(fc.asyncProperty(fc.double({ min: 0, max: 1e8, noNaN: true }), fc.double({ min: 0, max: 1e8, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), async (a, b, turnover) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const tLo = (await p.decide('classification', { assets: lo, turnover })).output.tier as string;
        const tHi = (await p.decide('classification', { assets: hi, turnover })).output.tier as string;
        expect(tierIds.indexOf(tHi)).toBeGreaterThanOrEqual(tierIds.indexOf(tLo));
      }), { numRuns: 300 });
    }
  });

  it('thresholds within ±50% always validate, outside always fail', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 20, noNaN: true }), (threshold) => {
      const r = applyOverride(baseSet, `classification: {turnoverThreshold: ${threshold}}\n`);
      const within = threshold >= 1.5 && threshold <= 4.5;
      expect(r.valid).toBe(within);
      if (!within) expect(r.diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
    }), { numRuns: 500 });
  });

  it('tier boundaries moved together within ±20% validate, beyond fail', () => {
    fc.assert(fc.property(fc.double({ min: 0.5, max: 1.5, noNaN: true }), (factor) => {
      const edge = Math.round(1_000_000 * factor);
      const r = applyOverride(baseSet, `classification:\n  tiers:\n    500k-1m: {max: ${edge}}\n    1m-5m: {min: ${edge}}\n`);
      const within = edge >= 800_000 && edge <= 1_200_000;
      expect(r.valid).toBe(within);
    }), { numRuns: 300 });
  });
});
