// trading-style decisions: first match in the policy's order, catalogue names, bad input naming
// the field, the explain trace, the second policy set and branch overrides.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { PolicyCompileError } from '../../src/engine/decision.ts';
import { tradingStyle } from '../../src/engine/decisions/trading-style.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'trading-style.yaml');
const CSRC_DIR = join(RULES_DIR, 'examples/csrc-2017');

function load(dir: string): PolicySet {
  const r = loadPolicyTexts(readPolicyFiles([join(dir, 'trading-style.yaml')]));
  expect(r.diagnostics).toEqual([]);
  return r.set;
}
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [tradingStyle]);
const baseSet = load(RULES_DIR);
const policy = compile(baseSet);
const csrc = compile(load(CSRC_DIR));
const styleOf = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('trading-style', input)).output;

describe('trading-style (baseline)', () => {
  it.each([
    [0, 'short-term', 'short-holding'],
    [29.99, 'short-term', 'short-holding'],
    [30, 'swing', 'swing-holding'],
    [60, 'swing', 'swing-holding'],
    [90, 'swing', 'swing-holding'],
    [90.01, 'value', 'long-holding'],
    [3650, 'value', 'long-holding'],
  ])('holding %d days → %s (rule %s)', async (avgHoldingDays, style, rule) => {
    expect(await styleOf(policy, { avgHoldingDays })).toMatchObject({ style, rule });
  });

  it.each(['index-futures', 'warrants', 'margin-trading', 'chinext-frequent', '股指期货', '权证', '融资融券', '创业板频繁交易'])(
    'activity %s makes a long holder short-term', async (activity) => {
      expect(await styleOf(policy, { avgHoldingDays: 365, activities: [activity] })).toMatchObject({ style: 'short-term', label: '短线投资', labelEn: 'Short-term', rule: 'active-trading' });
    });

  it('reports the activities as catalogue ids, whichever way they were named', async () => {
    expect(await styleOf(policy, { avgHoldingDays: 100, activities: ['权证', 'margin-trading'] })).toMatchObject({ activities: [{ id: 'warrants', label: '权证' }, { id: 'margin-trading', label: '融资融券', labelEn: 'Margin trading and securities lending' }] });
  });

  it.each([
    [{}, '/avgHoldingDays'],
    [{ avgHoldingDays: -1 }, '/avgHoldingDays'],
    [{ avgHoldingDays: '30' }, '/avgHoldingDays'],
    [{ avgHoldingDays: 30, activities: 'warrants' }, '/activities'],
    [{ avgHoldingDays: 30, activities: ['warrants', 'options'] }, '/activities/1'],
  ])('bad input %j names %s', async (input, field) => {
    await expect(policy.decide('trading-style', input)).rejects.toMatchObject({ code: 'BAD_INPUT', details: [expect.objectContaining({ field })] });
  });

  it('explains the first match with its YAML line, and marks later matches as shadowed', async () => {
    const r = await policy.decide('trading-style', { avgHoldingDays: 45 }, { explain: true });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const line = text.indexOf('    when: { fact: avgHoldingDays, operator: lessThanInclusive, value: 90 }') + 1;
    const chosen = r.trace!.find((s) => s.rule === 'swing-holding');
    expect(chosen).toMatchObject({
      fired: true,
      outcome: { style: 'swing' },
      source: { file: BASE_FILE, path: '/rules/swing-holding/when', line, column: 11 },
      conditions: [{ fact: 'avgHoldingDays', operator: 'lessThanInclusive', value: 90, factValue: 45, result: true }],
    });
    expect(r.trace!.find((s) => s.rule === 'long-holding')).toMatchObject({ fired: true, outcome: { shadowedBy: 'swing-holding' }, source: { path: '/rules/long-holding' } });
    expect(r.trace!.find((s) => s.rule === 'short-holding')).toMatchObject({ fired: false });
  });
});

describe('trading-style is driven by the policy data', () => {
  it.each([
    [{ avgHoldingDays: 25 }, 'short-term', 'swing'],
    [{ avgHoldingDays: 75 }, 'swing', 'value'],
    [{ avgHoldingDays: 120 }, 'value', 'value'],
  ])('%j: baseline %s, csrc-2017 set %s', async (input, base, other) => {
    expect((await styleOf(policy, input)).style).toBe(base);
    expect((await styleOf(csrc, input)).style).toBe(other);
  });

  it('knows the activities of its own catalogue only', async () => {
    expect(await styleOf(csrc, { avgHoldingDays: 200, activities: ['股票期权'] })).toMatchObject({ style: 'short-term', activities: [{ id: 'stock-options' }] });
    await expect(policy.decide('trading-style', { avgHoldingDays: 200, activities: ['股票期权'] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('a branch may move the short-term limit within its bound, not beyond', async () => {
    const applied = applyOverride(baseSet, 'trading-style:\n  rules:\n    short-holding:\n      when: { value: 20 }\n', 'branch.yaml');
    expect(applied.diagnostics).toEqual([]);
    expect((await styleOf(compile(applied.effective), { avgHoldingDays: 25 })).style).toBe('swing');
    const tooFar = applyOverride(baseSet, 'trading-style:\n  rules:\n    short-holding:\n      when: { value: 60 }\n', 'branch.yaml');
    expect(tooFar.diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual(['OVERRIDE_OUT_OF_BOUNDS 4']);
  });

  it('refuses to compile a policy declaring a fact the decision cannot supply, at its line', () => {
    const text = readFileSync(BASE_FILE, 'utf8').replace('facts:\n', 'facts:\n  fundHoldingDays:\n    type: number\n    label: { zh: 持基天数, en: Fund holding days }\n');
    const loaded = loadPolicyTexts([{ file: 'ts.yaml', text }]);
    expect(loaded.diagnostics).toEqual([]);
    // Points at the declaration's key.
    const line = text.split('\n').indexOf('  fundHoldingDays:') + 1;
    try {
      compile(loaded.set);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyCompileError);
      expect((err as PolicyCompileError).diagnostics).toMatchObject([{ code: 'CONDITION_FACT_UNKNOWN', line, column: 3, path: '/facts/fundHoldingDays' }]);
    }
  });
});
