// The vip checks: thresholds strictly increase across tiers, metric by metric.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkVip } from '../../../src/policy/checks/vip.ts';
import type { VipDoc } from '../../../src/policy/model/vip.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { checkHarness, shippedFiles } from '../../helpers/checks.ts';

const { BASELINE, CSRC } = shippedFiles('vip');
const problemsOf = checkHarness<VipDoc>(checkVip, BASELINE);

describe('vip checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it.each([
    ['equal assets thresholds', (d: VipDoc) => { d.tiers.platinum!.thresholds.avgDailyAssets3m = 500_000; }, ['THRESHOLD_NOT_INCREASING /tiers/platinum/thresholds/avgDailyAssets3m']],
    ['a lower commission threshold', (d: VipDoc) => { d.tiers.diamond!.thresholds.annualCommission = 20_000; }, ['THRESHOLD_NOT_INCREASING /tiers/diamond/thresholds/annualCommission']],
    ['both metrics out of order', (d: VipDoc) => { d.tiers.gold!.thresholds = { avgDailyAssets3m: 2_000_000, annualCommission: 50_000 }; }, [
      'THRESHOLD_NOT_INCREASING /tiers/platinum/thresholds/avgDailyAssets3m',
      'THRESHOLD_NOT_INCREASING /tiers/platinum/thresholds/annualCommission',
    ]],
  ])('reports %s', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('compares a commission threshold with the last tier that has one', () => {
    expect(problemsOf((d) => { delete d.tiers.platinum!.thresholds.annualCommission; })).toEqual([]);
    expect(problemsOf((d) => { delete d.tiers.platinum!.thresholds.annualCommission; d.tiers.diamond!.thresholds.annualCommission = 10_000; }))
      .toEqual(['THRESHOLD_NOT_INCREASING /tiers/diamond/thresholds/annualCommission']);
  });

  it('refuses `none` as a tier id: it is the API value for no tier', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('\n  gold:\n', '\n  none:\n');
    expect(loadPolicyTexts([{ file: 'vip.yaml', text }]).diagnostics.map((d) => d.code)).toContain('SCHEMA_VIOLATION');
  });

  it('places the problem on the YAML line of the threshold', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('avgDailyAssets3m: 5000000', 'avgDailyAssets3m: 1000000');
    const line = text.split('\n').findIndex((l) => l.includes('avgDailyAssets3m: 1000000, annualCommission: 100000')) + 1;
    const result = loadPolicyTexts([{ file: 'vip.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`THRESHOLD_NOT_INCREASING ${line}:37`]);
  });
});
