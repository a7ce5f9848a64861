// risk-level: scoring the questionnaire, every band edge of both shipped scales, the lowest
// category, assessment validity dates, bad answers naming the question, and the explain trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { addMonths, dateAt, riskLevel } from '../../src/engine/decisions/risk-level.ts';
import { ZhiduError } from '../../src/errors.ts';
import type { RiskQuestionnaireDoc } from '../../src/policy/model/risk-questionnaire.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const FILES = { baseline: join(RULES_DIR, 'risk-questionnaire.yaml'), csrc: join(RULES_DIR, 'examples/csrc-2017/risk-questionnaire.yaml') };

function compile(text: string, file = 'risk-questionnaire.yaml') {
  const loaded = loadPolicyTexts([{ file, text }]);
  return { policy: CompiledPolicy.compile(loaded.set, [riskLevel]), doc: loaded.set.documents.get('risk-questionnaire')!.value as unknown as RiskQuestionnaireDoc };
}
const shipped = (set: keyof typeof FILES) => compile(readFileSync(FILES[set], 'utf8'), FILES[set]);

/** Answers scoring exactly `total`: start from every lowest option, then raise questions in order. */
function answersFor(doc: RiskQuestionnaireDoc, total: number): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  const ranked = Object.entries(doc.questions).map(([qid, q]) => [qid, Object.entries(q.options).sort((a, b) => a[1].score! - b[1].score!)] as const);
  let left = total - ranked.reduce((n, [, opts]) => n + opts[0]![1].score!, 0);
  for (const [qid, opts] of ranked) {
    const base = opts[0]![1].score!;
    const pick = [...opts].reverse().find(([, o]) => o.score! - base <= left)!;
    left -= pick[1].score! - base;
    answers[qid] = doc.questions[qid]!.multiple ? [pick[0]] : pick[0];
  }
  if (left !== 0) throw new Error(`cannot reach ${total}`);
  return answers;
}

const decide = (policy: CompiledPolicy, input: unknown, explain = false) => policy.decide('risk-level', input, { at: FROZEN_NOW, explain });
async function errorOf(policy: CompiledPolicy, input: unknown): Promise<{ code: string; field: unknown }> {
  const err = await decide(policy, input).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ZhiduError);
  return { code: (err as ZhiduError).code, field: ((err as ZhiduError).details?.[0] as { field?: string })?.field };
}

describe('risk-level', () => {
  const EDGES: Record<keyof typeof FILES, [number, string][]> = {
    baseline: [[12, 'very-low'], [19, 'very-low'], [20, 'low'], [29, 'low'], [30, 'medium'], [39, 'medium'], [40, 'high'], [48, 'high']],
    csrc: [[12, 'C1'], [18, 'C1'], [19, 'C2'], [25, 'C2'], [26, 'C3'], [32, 'C3'], [33, 'C4'], [40, 'C4'], [41, 'C5'], [48, 'C5']],
  };
  describe.each(['baseline', 'csrc'] as const)('%s score bands', (set) => {
    const { policy, doc } = shipped(set);
    it.each(EDGES[set])('a total of %i is %s', async (total, level) => {
      const { output } = await decide(policy, { answers: answersFor(doc, total) });
      expect(output).toMatchObject({ score: total, level, scoreLevel: level, lowestCategoryApplied: false, label: doc.levels[level]!.label.zh, labelEn: doc.levels[level]!.label.en });
    });
    it('places every total from the lowest to the highest in exactly the band that holds it', async () => {
      for (let total = 12; total <= 48; total++) {
        const { output } = await decide(policy, { answers: answersFor(doc, total) });
        const band = Object.entries(doc.levels).find(([, l]) => l.min <= total && total <= l.max)![0];
        expect(output.level, `total ${total}`).toBe(band);
      }
    });
  });

  const { policy, doc } = shipped('baseline');
  const lowest = answersFor(doc, 12);

  it('scores each question by its option, with Q12 B above C and Q11 believing funds cannot lose lowest', async () => {
    const { output } = await decide(policy, { answers: { ...lowest, '11': 'C', '12': 'B' } });
    expect(output.perQuestion).toMatchObject({ '11': 3, '12': 3 });
    const { output: other } = await decide(policy, { answers: { ...lowest, '12': 'C' } });
    expect(other).toMatchObject({ score: 13, perQuestion: { '12': 2 } });
  });

  it('scores the multi-select Q9 by the highest option chosen, in any order', async () => {
    for (const q9 of [['A', 'D'], ['D', 'A'], ['B', 'D', 'C']]) {
      const { output } = await decide(policy, { answers: { ...lowest, '9': q9 } });
      expect(output).toMatchObject({ score: 15, perQuestion: { '9': 4 } });
    }
  });

  it('takes the multi-select scoring rule from the policy', async () => {
    const text = readFileSync(FILES.baseline, 'utf8').replace('multiple: max', 'multiple: sum').replace('    max: 48', '    max: 58');
    const summing = compile(text);
    const { output } = await decide(summing.policy, { answers: { ...lowest, '9': ['A', 'D'] } });
    expect(output).toMatchObject({ score: 16, perQuestion: { '9': 5 } });
  });

  it('places a lowest-category client in the lowest category level whatever the score', async () => {
    const top = answersFor(doc, 48);
    expect((await decide(policy, { answers: top, lowestCategory: true })).output).toMatchObject({ score: 48, level: 'very-low', label: '极低', scoreLevel: 'high', lowestCategoryApplied: true });
    expect((await decide(policy, { answers: top, lowestCategory: false })).output).toMatchObject({ level: 'high', lowestCategoryApplied: false });
    const csrc = shipped('csrc');
    expect((await decide(csrc.policy, { answers: top, lowestCategory: true })).output).toMatchObject({ level: 'C1', label: '保守型', lowestCategoryApplied: true });
  });

  it('refuses an assessment date whose validity would end after 9999-12-31', async () => {
    await expect(decide(policy, { answers: lowest, assessedAt: '9999-12-31' })).rejects.toMatchObject({
      code: 'BAD_INPUT', details: [{ field: '/assessedAt', message: 'is too late: the assessment would hold until after 9999-12-31' }],
    });
  });

  it('says until when an assessment is valid only when its date is given', async () => {
    expect((await decide(policy, { answers: lowest })).output).not.toHaveProperty('validUntil');
    expect((await decide(policy, { answers: lowest, assessedAt: '2025-08-31' })).output).toMatchObject({ assessedAt: '2025-08-31', validUntil: '2027-08-31' });
  });

  it.each([
    ['2024-02-29', 24, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2025-06-30', 24, '2027-06-30'],
  ])('adds months to %s (+%i) → %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('adds months as the calendar of Date does, for every day of 1896–2104 and the edge years 0001 and 9999', () => {
    const viaDate = (date: string, months: number) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      const first = new Date(Date.UTC(2000, m - 1 + months, 1));
      first.setUTCFullYear(y + Math.floor((m - 1 + months) / 12), first.getUTCMonth(), 1);
      const lastDay = new Date(Date.UTC(2000, first.getUTCMonth() + 1, 0));
      lastDay.setUTCFullYear(first.getUTCFullYear(), first.getUTCMonth() + 1, 0);
      first.setUTCDate(Math.min(d, lastDay.getUTCDate()));
      return first.toISOString().slice(0, 10);
    };
    const days: string[] = [];
    for (let t = Date.UTC(1896, 0, 1); t < Date.UTC(2105, 0, 1); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
    days.push('0000-01-31', '0000-02-29', '0001-01-31', '0001-03-31', '0050-01-31', '9999-01-31', '9999-06-30');
    let differ = 0;
    for (const day of days) for (const months of [0, 1, 6, 11, 12, 13, 24, 36]) if (addMonths(day, months) !== viaDate(day, months)) differ++;
    expect(differ).toBe(0);
  });

  it.each([
    ['2026-06-29T15:59:59Z', '+08:00', '2026-06-29'],
    ['2026-06-29T16:00:00Z', '+08:00', '2026-06-30'],
    ['2026-06-30T03:00:00Z', '-05:00', '2026-06-29'],
  ])('reads %s at %s as %s', (at, offset, expected) => {
    expect(dateAt(new Date(at), offset)).toBe(expected);
  });

  it.each([
    ['a missing answer', (a: Record<string, unknown>) => { delete a['7']; }, '/answers/7'],
    ['an unknown option', (a: Record<string, unknown>) => { a['4'] = 'E'; }, '/answers/4'],
    ['several options on a single-choice question', (a: Record<string, unknown>) => { a['10'] = ['A', 'B']; }, '/answers/10'],
    ['an unknown option among several', (a: Record<string, unknown>) => { a['9'] = ['A', 'Z']; }, '/answers/9'],
    ['no option on the multi-select question', (a: Record<string, unknown>) => { a['9'] = []; }, '/answers/9'],
    ['the same option twice', (a: Record<string, unknown>) => { a['9'] = ['A', 'A']; }, '/answers/9'],
    ['an unknown question', (a: Record<string, unknown>) => { a.Q1 = 'A'; }, '/answers/Q1'],
    ['a number for an option', (a: Record<string, unknown>) => { a['3'] = 1; }, '/answers/3'],
  ])('refuses %s, naming the question', async (_name, mutate, field) => {
    const answers: Record<string, unknown> = structuredClone(lowest);
    mutate(answers);
    expect(await errorOf(policy, { answers })).toEqual({ code: 'BAD_INPUT', field });
  });

  it('names every unanswered question at once, with its number and its text from the questionnaire', async () => {
    const err = await decide(policy, { answers: { '1': 'A' } }).then(() => undefined, (e: unknown) => e) as ZhiduError;
    const unanswered = Object.keys(doc.questions).filter((q) => q !== '1');
    expect(unanswered).toHaveLength(11);
    expect(err).toMatchObject({ code: 'BAD_INPUT' });
    expect(err.details).toEqual(unanswered.map((q) => ({
      field: `/answers/${q}`,
      message: `question ${q} (“${doc.questions[q]!.text.en}”) is not answered`,
      params: { reason: 'unanswered', question: q, text: doc.questions[q]!.text },
    })));
    // The message names every field too, in the same order (the CLI prints only the message).
    expect(err.message).toBe(unanswered.map((q) => `/answers/${q}: question ${q} (“${doc.questions[q]!.text.en}”) is not answered`).join('; '));
  });

  it('lists every kind of bad answer together, question by question and then answers to no question', async () => {
    const answers: Record<string, unknown> = { ...structuredClone(lowest), '4': 'E', '10': ['A', 'B'], Q1: 'A' };
    delete answers['7'];
    const err = await decide(policy, { answers }).then(() => undefined, (e: unknown) => e) as ZhiduError;
    expect(err.details).toMatchObject([
      { field: '/answers/4', params: { reason: 'unknownOption', question: '4', value: 'E', known: Object.keys(doc.questions['4']!.options) } },
      { field: '/answers/7', params: { reason: 'unanswered', question: '7' } },
      { field: '/answers/10', params: { reason: 'singleChoice', question: '10', count: 2 } },
      { field: '/answers/Q1', params: { reason: 'noQuestion', question: 'Q1', known: Object.keys(doc.questions) } },
    ]);
  });

  it('names every field the input schema refuses, with ajv\'s keyword and params', async () => {
    const err = await decide(policy, { answers: lowest, lowestCategory: 'yes', assessedAt: '2025-02-30' }).then(() => undefined, (e: unknown) => e) as ZhiduError;
    expect(err.details).toEqual([
      { field: '/assessedAt', message: 'must match format "date"', params: { keyword: 'format', format: 'date' } },
      { field: '/lowestCategory', message: 'must be boolean', params: { keyword: 'type', type: 'boolean' } },
    ]);
    expect(err.message).toBe('/assessedAt: must match format "date"; /lowestCategory: must be boolean');
  });

  it.each([
    [{}, '/answers'],
    [{ answers: ['A'] }, '/answers'],
    [{ answers: lowest, lowestCategory: 'yes' }, '/lowestCategory'],
    [{ answers: lowest, assessedAt: '2025-02-30' }, '/assessedAt'],
  ])('refuses malformed input %j', async (input, field) => {
    expect(await errorOf(policy, input)).toEqual({ code: 'BAD_INPUT', field });
  });

  it('explains which band rule fired, pointing at its YAML line', async () => {
    const lines = readFileSync(FILES.baseline, 'utf8').split('\n');
    const { trace } = await decide(policy, { answers: answersFor(doc, 25) }, true);
    const fired = trace!.filter((s) => s.fired);
    expect(fired.map((s) => s.rule)).toEqual(['levels/low']);
    expect(fired[0]!.outcome).toEqual({ level: 'low' });
    expect(lines[fired[0]!.source.line - 1]).toMatch(/label: \{ zh: 低,/);
    expect(fired[0]!.conditions).toEqual([
      { fact: 'score', operator: 'greaterThanInclusive', value: 20, factValue: 25, result: true },
      { fact: 'score', operator: 'lessThanInclusive', value: 29, factValue: 25, result: true },
    ]);
    expect(trace!.map((s) => s.rule)).toEqual(['lowestCategory', 'levels/very-low', 'levels/low', 'levels/medium', 'levels/high']);
  });

  it('explains the lowest-category rule winning over the band', async () => {
    const lines = readFileSync(FILES.baseline, 'utf8').split('\n');
    const { trace } = await decide(policy, { answers: answersFor(doc, 45), lowestCategory: true }, true);
    const step = trace!.find((s) => s.rule === 'lowestCategory')!;
    expect(step).toMatchObject({ fired: true, outcome: { level: 'very-low' } });
    expect(lines[step.source.line - 1]).toBe('  level: very-low');
    expect(trace!.find((s) => s.rule === 'levels/high')).toMatchObject({ fired: true });
    expect(trace!.find((s) => s.rule === 'levels/high')).not.toHaveProperty('outcome');
  });

  it('gives the same answers run concurrently as one by one', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => ({ answers: answersFor(doc, 12 + (i % 37)), lowestCategory: i % 7 === 0 }));
    const sequential = [];
    for (const input of inputs) sequential.push((await decide(policy, input)).output);
    const concurrent = await Promise.all(inputs.map(async (input) => (await decide(policy, input)).output));
    expect(concurrent).toEqual(sequential);
  });
});
