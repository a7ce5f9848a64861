// value-segment decisions: every criterion's edge, the four grid cells, occupations by id or
// Chinese label, unknown facts, bad input, the explain trace and the second policy set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { PolicyCompileError } from '../../src/engine/decision.ts';
import { valueSegment } from '../../src/engine/decisions/value-segment.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'value-segment.yaml');

function load(dir: string): PolicySet {
  const r = loadPolicyTexts(readPolicyFiles([join(dir, 'value-segment.yaml')]));
  expect(r.diagnostics).toEqual([]);
  return r.set;
}
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [valueSegment]);
const baseSet = load(RULES_DIR);
const policy = compile(baseSet);
const csrc = compile(load(join(RULES_DIR, 'examples/csrc-2017')));
const decide = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('value-segment', input)).output;
const NONE = { tradingVolume: 0, assets: 0 };

describe('value-segment criteria edges (baseline)', () => {
  it.each([
    [{ tradingVolume: 9_999_999.99 }, 'low', []],
    [{ tradingVolume: 10_000_000 }, 'high', ['trading-volume']],
    [{ assets: 499_999.99 }, 'low', []],
    [{ assets: 500_000 }, 'high', ['assets']],
    [{ tradingVolume: 1e8, assets: 1e7 }, 'high', ['trading-volume', 'assets']],
  ])('current value of %j is %s', async (facts, level, criteria) => {
    const out = await decide(policy, { ...NONE, ...facts });
    expect(out).toMatchObject({ currentValue: level, currentValueLabel: level === 'high' ? '高' : '低' });
    expect((out.criteria as { current: { id: string }[] }).current.map((c) => c.id)).toEqual(criteria);
  });

  it.each([
    [{ annualIncome: 499_999.99 }, 'low', []],
    [{ annualIncome: 500_000 }, 'high', ['income']],
    [{ externalFinancialAssets: 2_999_999.99 }, 'low', []],
    [{ externalFinancialAssets: 3_000_000 }, 'high', ['external-assets']],
    [{ occupation: 'business-owner' }, 'high', ['occupation']],
    [{ occupation: '企业主' }, 'high', ['occupation']],
    [{ occupation: 'professional' }, 'high', ['occupation']],
    [{ occupation: '企业高管' }, 'high', ['occupation']],
    [{ occupation: 'employee' }, 'low', []],
    [{ occupation: '学生' }, 'low', []],
  ])('future value of %j is %s', async (facts, level, criteria) => {
    const out = await decide(policy, { ...NONE, ...facts });
    expect(out.futureValue).toBe(level);
    expect((out.criteria as { future: { id: string }[] }).future.map((c) => c.id)).toEqual(criteria);
  });
});

describe('value-segment grid (baseline)', () => {
  it.each([
    [{ assets: 500_000, annualIncome: 500_000 }, 'gold', '黄金客户'],
    [{ annualIncome: 500_000 }, 'rising-star', '明日之星'],
    [{ assets: 500_000 }, 'maintain', '维护型客户'],
    [{}, 'free', '自由型客户'],
  ])('%j → %s', async (facts, segment, label) => {
    expect(await decide(policy, { ...NONE, ...facts })).toMatchObject({ segment, label });
  });

  it('labels each criterion that held', async () => {
    expect((await decide(policy, { ...NONE, occupation: '专业人士' })).criteria).toEqual({
      current: [],
      future: [{ id: 'occupation', label: '企业主、企业高管或专业人士', labelEn: 'Business owner, executive or professional' }],
    });
  });

  it('lists the facts it was not given, which meet no criterion', async () => {
    expect(await decide(policy, NONE)).toMatchObject({ unknownFacts: ['annualIncome', 'externalFinancialAssets', 'occupation'] });
    expect(await decide(policy, { ...NONE, annualIncome: 0, externalFinancialAssets: 0, occupation: 'other' })).toMatchObject({ unknownFacts: [] });
  });

  it.each([
    [{ assets: 0 }, '/tradingVolume'],
    [{ tradingVolume: 0 }, '/assets'],
    [{ ...NONE, annualIncome: -5 }, '/annualIncome'],
    [{ ...NONE, externalFinancialAssets: 'lots' }, '/externalFinancialAssets'],
    [{ ...NONE, occupation: '宇航员' }, '/occupation'],
    [{ ...NONE, occupation: '' }, '/occupation'],
  ])('bad input %j names %s', async (input, field) => {
    await expect(policy.decide('value-segment', input)).rejects.toMatchObject({ code: 'BAD_INPUT', details: [expect.objectContaining({ field })] });
  });

  it('explains each criterion and the grid cell, with YAML lines', async () => {
    const r = await policy.decide('value-segment', { ...NONE, assets: 600_000 }, { explain: true });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const criterionLine = text.indexOf('        when: { fact: assets, operator: greaterThanInclusive, value: 500000 }') + 1;
    const gridLine = text.indexOf('  high: { high: gold, low: maintain }') + 1;
    expect(r.trace!.find((s) => s.rule === 'current/assets')).toMatchObject({
      fired: true,
      outcome: { criterionHeld: true },
      source: { file: BASE_FILE, path: '/dimensions/current/criteria/assets/when', line: criterionLine, column: 15 },
      conditions: [{ fact: 'assets', operator: 'greaterThanInclusive', value: 500_000, factValue: 600_000, result: true }],
    });
    expect(r.trace!.find((s) => s.rule === 'future/income')).toMatchObject({ fired: false, conditions: [{ factValue: null, result: false }] });
    expect(r.trace!.filter((s) => s.rule.startsWith('grid/') && s.fired)).toMatchObject([
      { rule: 'grid/high/low', outcome: { segment: 'maintain' }, source: { path: '/grid/high/low', line: gridLine, column: 28 } },
    ]);
  });
});

describe('value-segment is driven by the policy data', () => {
  it.each([
    [{ assets: 600_000 }, 'maintain', 'free'],
    [{ externalFinancialAssets: 4_000_000 }, 'rising-star', 'free'],
    [{ tradingVolume: 25_000_000, occupation: 'executive' }, 'gold', 'gold'],
  ])('%j: baseline %s, csrc-2017 set %s', async (facts, base, other) => {
    expect((await decide(policy, { ...NONE, ...facts })).segment).toBe(base);
    expect((await decide(csrc, { ...NONE, ...facts })).segment).toBe(other);
  });

  it('a branch may move an amount within ±20%, and remove occupations but not add them', async () => {
    const applied = applyOverride(baseSet, 'value-segment:\n  dimensions:\n    current:\n      criteria:\n        assets: { when: { value: 400000 } }\n');
    expect(applied.diagnostics).toEqual([]);
    expect((await decide(compile(applied.effective), { ...NONE, assets: 450_000 })).currentValue).toBe('high');
    const tooFar = applyOverride(baseSet, 'value-segment:\n  dimensions:\n    current:\n      criteria:\n        assets: { when: { value: 300000 } }\n');
    expect(tooFar.diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
    const added = applyOverride(baseSet, 'value-segment:\n  dimensions:\n    future:\n      criteria:\n        occupation: { when: { value: [business-owner, student] } }\n');
    expect(added.diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
  });

  it('refuses to compile a fact declared with another type than the decision supplies', () => {
    const text = readFileSync(BASE_FILE, 'utf8').replace('  occupation:\n    type: string\n', '  occupation:\n    type: string-list\n');
    const loaded = loadPolicyTexts([{ file: 'vs.yaml', text }]);
    expect(() => compile(loaded.set)).toThrow(PolicyCompileError);
    try { compile(loaded.set); } catch (err) {
      expect((err as PolicyCompileError).diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['CONDITION_VALUE_TYPE /facts/occupation']);
    }
  });
});
