// The risk questionnaire's semantic checks: option scores, score bands against the totals the
// questions allow (computed, not written down), and the lowest category's level.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRiskQuestionnaire } from '../../../src/policy/checks/risk-questionnaire.ts';
import { scoreRange, type RiskQuestionnaireDoc } from '../../../src/policy/model/risk-questionnaire.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { checkHarness, readDoc, shippedFiles } from '../../helpers/checks.ts';

const { BASELINE, CSRC } = shippedFiles('risk-questionnaire');
const docOf = (file: string) => readDoc<RiskQuestionnaireDoc>(file);
const problemsOf = checkHarness<RiskQuestionnaireDoc>(checkRiskQuestionnaire, BASELINE);

describe('risk-questionnaire checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it('computes the possible totals from the questions: 12 to 48', () => {
    expect(scoreRange(docOf(BASELINE))).toEqual({ min: 12, max: 48 });
    expect(scoreRange(docOf(CSRC))).toEqual({ min: 12, max: 48 });
  });

  it('reports an option without a score, and judges no coverage until every option is scored', () => {
    expect(problemsOf((d) => { delete d.questions['1']!.options.E!.score; })).toEqual(['OPTION_UNSCORED /questions/1/options/E']);
  });

  it('follows the questions: an extra option raises the highest total past the top band', () => {
    expect(problemsOf((d) => { d.questions['2']!.options.E = { label: { zh: '全部', en: 'All' }, score: 5 }; }))
      .toEqual(['SCORE_BAND_COVERAGE /levels/high/max']);
  });

  it('follows the scoring rule: summing a multi-select question widens the range', () => {
    const doc = docOf(BASELINE);
    doc.questions['9']!.multiple = 'sum';
    expect(scoreRange(doc)).toEqual({ min: 12, max: 58 });
    expect(checkRiskQuestionnaire(doc, { documents: new Map() }).map((p) => p.code)).toEqual(['SCORE_BAND_COVERAGE']);
  });

  it('reports both ends when a question is dropped', () => {
    expect(problemsOf((d) => { delete d.questions['12']; })).toEqual([
      'SCORE_BAND_COVERAGE /levels/very-low/min',
      'SCORE_BAND_COVERAGE /levels/high/max',
    ]);
  });

  it.each([
    ['a gap', (d: RiskQuestionnaireDoc) => { d.levels.low!.min = 21; }, ['TIER_GAP /levels/low/min']],
    ['an overlap', (d: RiskQuestionnaireDoc) => { d.levels.medium!.min = 29; }, ['TIER_OVERLAP /levels/medium/min']],
    ['a band ending before it starts', (d: RiskQuestionnaireDoc) => { d.levels.low!.max = 18; }, ['TIER_ORDER /levels/low/max', 'TIER_GAP /levels/medium/min']],
    ['a first band starting above the lowest total', (d: RiskQuestionnaireDoc) => { d.levels['very-low']!.min = 13; }, ['SCORE_BAND_COVERAGE /levels/very-low/min']],
    ['a last band ending below the highest total', (d: RiskQuestionnaireDoc) => { d.levels.high!.max = 47; }, ['SCORE_BAND_COVERAGE /levels/high/max']],
  ])('reports %s between score bands', (_name, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it('accepts any band layout that covers the totals exactly (inclusive integer bands)', () => {
    expect(problemsOf((d) => { d.levels['very-low']!.max = 12; d.levels.low!.min = 13; })).toEqual([]);
  });

  it('reports a lowest category naming an undeclared level', () => {
    expect(problemsOf((d) => { d.lowestCategory.level = 'C1'; })).toEqual(['LEVEL_UNDECLARED /lowestCategory/level']);
  });

  it('places the problem on the YAML line of the band', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('    min: 30\n', '    min: 31\n');
    const line = text.split('\n').indexOf('    min: 31') + 1;
    const result = loadPolicyTexts([{ file: 'rq.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`TIER_GAP ${line}:10`]);
  });

  it('rejects a negative option score (schema)', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('score: 4 }\n  "3":', 'score: -4 }\n  "3":');
    const result = loadPolicyTexts([{ file: 'rq.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['SCHEMA_VIOLATION /questions/2/options/D/score']);
  });
});
