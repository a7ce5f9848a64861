// The satisfaction checks: weights add up to 100, grades are ordered gap-free bands from 0,
// the survey scale runs 1, 2, 3, … and never scores a better answer lower.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSatisfaction } from '../../../src/policy/checks/satisfaction.ts';
import type { SatisfactionDoc } from '../../../src/policy/model/satisfaction.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { checkHarness, shippedFiles } from '../../helpers/checks.ts';

const { BASELINE, CSRC } = shippedFiles('satisfaction');
const problemsOf = checkHarness<SatisfactionDoc>(checkSatisfaction, BASELINE);

describe('satisfaction checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it.each([
    ['above 100', (d: SatisfactionDoc) => { d.indicators.attitude!.weight = 25; }],
    ['below 100', (d: SatisfactionDoc) => { delete d.indicators.quality; }],
  ])('reports weights adding up %s, at the weights', (_name, mutate) => {
    expect(problemsOf(mutate)).toEqual(['WEIGHTS_SUM /indicators']);
  });

  it('accepts fractional weights that add up to 100', () => {
    expect(problemsOf((d) => { d.indicators.efficiency!.weight = 14.5; d.indicators.quality!.weight = 15.5; })).toEqual([]);
  });

  it.each([
    ['a gap', (d: SatisfactionDoc) => { d.grades.good!.min = 81; }, ['TIER_GAP /grades/good/min']],
    ['an overlap', (d: SatisfactionDoc) => { d.grades.good!.min = 79; }, ['TIER_OVERLAP /grades/good/min']],
    ['a first grade above 0', (d: SatisfactionDoc) => { d.grades.fail!.min = 10; }, ['TIER_COVERAGE /grades/fail/min']],
    ['a capped top grade', (d: SatisfactionDoc) => { d.grades.excellent!.max = 100; }, ['TIER_COVERAGE /grades/excellent/max']],
  ])('reports %s between grades', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it.each([
    ['a missing answer', (d: SatisfactionDoc) => { delete d.survey.scale['4']; }, ['TIER_GAP /survey/scale/5']],
    ['a scale not starting at 1', (d: SatisfactionDoc) => { delete d.survey.scale['1']; }, ['TIER_GAP /survey/scale/2']],
    ['a better answer scoring less', (d: SatisfactionDoc) => { d.survey.scale['3'] = 20; }, ['TIER_ORDER /survey/scale/3']],
  ])('reports %s on the survey scale', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('places WEIGHTS_SUM on the indicators line', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('    weight: 30\n', '    weight: 35\n');
    const line = text.split('\n').indexOf('indicators:') + 1;
    const result = loadPolicyTexts([{ file: 'sat.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`WEIGHTS_SUM ${line}:1`]);
  });
});
