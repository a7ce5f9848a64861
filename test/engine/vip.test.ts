// vip decisions: every tier edge on both metrics, the target band, the grace period, current
// tiers by id or label, bad input, the explain trace, the second policy set and branch bounds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { vip } from '../../src/engine/decisions/vip.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'vip.yaml');

function load(dir: string): PolicySet {
  const r = loadPolicyTexts(readPolicyFiles([join(dir, 'vip.yaml')]));
  expect(r.diagnostics).toEqual([]);
  return r.set;
}
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [vip]);
const baseSet = load(RULES_DIR);
const policy = compile(baseSet);
const csrc = compile(load(join(RULES_DIR, 'examples/csrc-2017')));
const decide = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('vip', input)).output;

describe('vip tiers (baseline)', () => {
  it.each([
    [0, 0, 'none'],
    [499_999.99, 9_999.99, 'none'],
    [500_000, 0, 'gold'], [0, 10_000, 'gold'],
    [999_999.99, 29_999.99, 'gold'],
    [1_000_000, 0, 'platinum'], [0, 30_000, 'platinum'],
    [4_999_999.99, 99_999.99, 'platinum'],
    [5_000_000, 0, 'diamond'], [0, 100_000, 'diamond'],
    [1e10, 1e7, 'diamond'],
    [500_000, 100_000, 'diamond'],
  ])('assets %d, commission %d → %s', async (avgDailyAssets3m, annualCommission, tier) => {
    expect((await decide(policy, { avgDailyAssets3m, annualCommission })).tier).toBe(tier);
  });

  it.each([
    ['gold', '金卡', 1, 'working-days', false],
    ['platinum', '白金', 2, 'hours', true],
    ['diamond', '钻石', 30, 'minutes', true],
  ])('%s (%s) answers within %d %s', async (tier, label, amount, unit, fast) => {
    const threshold = { gold: 500_000, platinum: 1_000_000, diamond: 5_000_000 }[tier]!;
    expect(await decide(policy, { avgDailyAssets3m: threshold, annualCommission: 0 })).toMatchObject({
      tier, label,
      service: { dedicatedManager: true, firstResponse: { amount, unit }, fastTradingChannel: fast },
    });
  });

  it('labels `none` from the policy and gives no service', async () => {
    expect(await decide(policy, { avgDailyAssets3m: 0, annualCommission: 0 })).toMatchObject({ tier: 'none', label: '非贵宾客户', labelEn: 'Not a VIP', service: null });
  });

  it.each([
    [399_999.99, false], [400_000, true], [499_999.99, true], [500_000, false],
  ])('assets %d: target VIP %s (80%% of the gold threshold, not yet VIP)', async (avgDailyAssets3m, target) => {
    const out = await decide(policy, { avgDailyAssets3m, annualCommission: 0 });
    expect(out.target).toBe(target);
    if (target) expect(out.targetLabel).toBe('目标贵宾客户');
  });
});

describe('vip grace period (baseline)', () => {
  it.each([
    [undefined, true, 3],
    [0, true, 3],
    [1, true, 2],
    [2, true, 1],
    [3, false, null],
    [12, false, null],
  ])('diamond below its tier for %s months: kept %s, %s months left', async (monthsBelowTier, kept, left) => {
    const out = await decide(policy, { avgDailyAssets3m: 1_500_000, annualCommission: 0, currentTier: 'diamond', ...(monthsBelowTier === undefined ? {} : { monthsBelowTier }) });
    expect(out).toMatchObject({ tier: kept ? 'diamond' : 'platinum', qualifiedTier: 'platinum', graceApplied: kept, graceMonthsLeft: left });
  });

  it('upgrades at once and never applies grace to a client at or above the current tier', async () => {
    expect(await decide(policy, { avgDailyAssets3m: 6e6, annualCommission: 0, currentTier: 'gold', monthsBelowTier: 2 })).toMatchObject({ tier: 'diamond', graceApplied: false });
    expect(await decide(policy, { avgDailyAssets3m: 6e5, annualCommission: 0, currentTier: 'gold', monthsBelowTier: 2 })).toMatchObject({ tier: 'gold', graceApplied: false });
  });

  it.each(['gold', '金卡'])('a gold client (named %s) falling out keeps the tier, then may become a target', async (currentTier) => {
    expect(await decide(policy, { avgDailyAssets3m: 450_000, annualCommission: 0, currentTier, monthsBelowTier: 2 })).toMatchObject({ tier: 'gold', target: false, graceApplied: true });
    expect(await decide(policy, { avgDailyAssets3m: 450_000, annualCommission: 0, currentTier, monthsBelowTier: 3 })).toMatchObject({ tier: 'none', target: true });
  });

  it.each(['none', '非贵宾客户'])('accepts %s as the current tier of a client who is not a VIP', async (currentTier) => {
    expect(await decide(policy, { avgDailyAssets3m: 450_000, annualCommission: 0, currentTier })).toMatchObject({ tier: 'none', target: true, graceApplied: false });
  });

  it.each([
    [{ annualCommission: 0 }, '/avgDailyAssets3m'],
    [{ avgDailyAssets3m: 0 }, '/annualCommission'],
    [{ avgDailyAssets3m: -1, annualCommission: 0 }, '/avgDailyAssets3m'],
    [{ avgDailyAssets3m: 0, annualCommission: 0, currentTier: 'silver' }, '/currentTier'],
    [{ avgDailyAssets3m: 0, annualCommission: 0, currentTier: 'gold', monthsBelowTier: 1.5 }, '/monthsBelowTier'],
    [{ avgDailyAssets3m: 0, annualCommission: 0, currentTier: 'gold', monthsBelowTier: -1 }, '/monthsBelowTier'],
  ])('bad input %j names %s', async (input, field) => {
    await expect(policy.decide('vip', input)).rejects.toMatchObject({ code: 'BAD_INPUT', details: [expect.objectContaining({ field })] });
  });

  it('explains the tier, the grace and the YAML lines they come from', async () => {
    const r = await policy.decide('vip', { avgDailyAssets3m: 1_500_000, annualCommission: 0, currentTier: 'diamond', monthsBelowTier: 1 }, { explain: true });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const platinumLine = text.indexOf('    thresholds: { avgDailyAssets3m: 1000000, annualCommission: 30000 }') + 1;
    const graceLine = text.indexOf('  months: 3') + 1;
    expect(r.trace!.find((s) => s.rule === 'platinum')).toMatchObject({
      fired: true, outcome: { tier: 'platinum' },
      source: { file: BASE_FILE, path: '/tiers/platinum/thresholds', line: platinumLine, column: 17 },
    });
    expect(r.trace!.find((s) => s.rule === 'diamond')).toMatchObject({ fired: false });
    expect(r.trace!.find((s) => s.rule === 'grace')).toMatchObject({
      fired: true, outcome: { tier: 'diamond', graceApplied: true },
      source: { path: '/grace/months', line: graceLine, column: 11 },
      conditions: [{ fact: 'belowCurrentTier', factValue: true }, { fact: 'monthsBelowTier', operator: 'lessThan', value: 3, factValue: 1 }],
    });
  });
});

describe('vip is driven by the policy data', () => {
  it.each([
    [{ avgDailyAssets3m: 300_000, annualCommission: 0 }, 'none', 'gold'],
    [{ avgDailyAssets3m: 3_000_000, annualCommission: 0 }, 'platinum', 'diamond'],
    [{ avgDailyAssets3m: 0, annualCommission: 80_000 }, 'platinum', 'diamond'],
    [{ avgDailyAssets3m: 1_000_000, annualCommission: 0, currentTier: 'diamond', monthsBelowTier: 4 }, 'platinum', 'diamond'],
  ])('%j: baseline %s, csrc-2017 set %s', async (input, base, other) => {
    expect((await decide(policy, input)).tier).toBe(base);
    expect((await decide(csrc, input)).tier).toBe(other);
  });

  it('puts the target band at the set’s own ratio', async () => {
    expect((await decide(policy, { avgDailyAssets3m: 210_000, annualCommission: 0 })).target).toBe(false);
    expect(await decide(csrc, { avgDailyAssets3m: 210_000, annualCommission: 0 })).toMatchObject({ tier: 'none', label: '普通客户', target: true });
  });

  it('a branch may move thresholds within ±20% of head office’s, not beyond', async () => {
    const applied = applyOverride(baseSet, 'vip:\n  tiers:\n    gold:\n      thresholds: { avgDailyAssets3m: 400000 }\n');
    expect(applied.diagnostics).toEqual([]);
    expect((await decide(compile(applied.effective), { avgDailyAssets3m: 400_000, annualCommission: 0 })).tier).toBe('gold');
    const tooFar = applyOverride(baseSet, 'vip:\n  tiers:\n    gold:\n      thresholds: { avgDailyAssets3m: 390000 }\n');
    expect(tooFar.diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
  });

  it('a branch may promise faster first responses, not slower ones', () => {
    expect(applyOverride(baseSet, 'vip:\n  tiers:\n    diamond:\n      service: { firstResponse: { amount: 15 } }\n').diagnostics).toEqual([]);
    expect(applyOverride(baseSet, 'vip:\n  tiers:\n    diamond:\n      service: { firstResponse: { amount: 45 } }\n').diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
  });
});
