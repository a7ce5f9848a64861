// satisfaction decisions: every grade edge, the survey scale, deductions and their cap,
// indicators by id or Chinese label, bad input naming the indicator, the explain trace and the
// second policy set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { satisfaction } from '../../src/engine/decisions/satisfaction.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'satisfaction.yaml');
const IDS = ['attitude', 'expertise', 'client-satisfaction', 'efficiency', 'quality'] as const;

function load(dir: string): PolicySet {
  const r = loadPolicyTexts(readPolicyFiles([join(dir, 'satisfaction.yaml')]));
  expect(r.diagnostics).toEqual([]);
  return r.set;
}
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [satisfaction]);
const baseSet = load(RULES_DIR);
const policy = compile(baseSet);
const csrc = compile(load(join(RULES_DIR, 'examples/csrc-2017')));
const decide = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('satisfaction', input)).output;
const uniform = (score: number) => Object.fromEntries(IDS.map((id) => [id, score]));

describe('satisfaction grades (baseline)', () => {
  it.each([
    [0, 'fail', '不合格'], [59.99, 'fail', '不合格'],
    [60, 'pass', '合格'], [79.99, 'pass', '合格'],
    [80, 'good', '良好'], [89.99, 'good', '良好'],
    [90, 'excellent', '优秀'], [100, 'excellent', '优秀'],
  ])('every indicator at %d → total %d, %s', async (score, grade, label) => {
    expect(await decide(policy, { scores: uniform(score) })).toMatchObject({ total: score, grade, label });
  });

  it('weights each indicator and shows its contribution', async () => {
    const out = await decide(policy, { scores: { attitude: 100, expertise: 0, 'client-satisfaction': 0, efficiency: 0, quality: 0 } });
    expect(out.total).toBe(20);
    expect(out.contributions).toMatchObject({
      attitude: { label: '服务态度', labelEn: 'Service attitude', weight: 20, score: 100, contribution: 20 },
      'client-satisfaction': { label: '客户满意度', weight: 30, score: 0, contribution: 0 },
    });
  });

  it('keeps decimal contributions exact enough to land on a grade edge', async () => {
    // 16 + 16.4 + 27.9 + 14.85 + 14.85 = 90 exactly; summed in floating point it is 89.99999999999999.
    expect(await decide(policy, { scores: { attitude: 80, expertise: 82, 'client-satisfaction': 93, efficiency: 99, quality: 99 } })).toMatchObject({ total: 90, grade: 'excellent' });
  });

  it.each([[1, 0], [2, 25], [3, 50], [4, 75], [5, 100]])('survey answer %d counts as %d', async (answer, score) => {
    const out = await decide(policy, { survey: uniform(answer) });
    expect(out).toMatchObject({ total: score, scoredBy: 'survey', contributions: { quality: { answer, score } } });
  });

  it.each([
    [0, 0, 95], [1, 2, 93], [3, 6, 89], [5, 10, 85], [6, 10, 85], [100, 10, 85],
  ])('%d upheld complaints deduct %d points', async (upheldComplaints, points, total) => {
    expect(await decide(policy, { scores: uniform(95), upheldComplaints })).toMatchObject({ subtotal: 95, deductions: { label: '有效投诉扣分', upheldComplaints, points }, total });
  });

  it('never goes below 0', async () => {
    expect(await decide(policy, { scores: uniform(4), upheldComplaints: 5 })).toMatchObject({ total: 0, grade: 'fail' });
  });

  it('accepts Chinese indicator names', async () => {
    expect(await decide(policy, { survey: { 服务态度: 5, 专业技能: 5, 客户满意度: 5, 服务效率: 5, 服务质量: 5 } })).toMatchObject({ total: 100, contributions: { attitude: { answer: 5 } } });
  });
});

describe('satisfaction bad input', () => {
  const four = { attitude: 80, expertise: 80, 'client-satisfaction': 80, efficiency: 80 };
  it.each([
    [{}, '/scores'],
    [{ scores: four }, '/scores/quality'],
    [{ survey: { attitude: 3, expertise: 3, 'client-satisfaction': 3, quality: 3 } }, '/survey/efficiency'],
    [{ scores: { ...four, quality: 80, speed: 80 } }, '/scores/speed'],
    [{ scores: { ...four, quality: 80, 服务态度: 80 } }, '/scores/服务态度'],
    [{ scores: { ...four, quality: 100.5 } }, '/scores/quality'],
    [{ scores: { ...four, quality: -1 } }, '/scores/quality'],
    [{ survey: { ...uniform(3), quality: 6 } }, '/survey/quality'],
    [{ survey: { ...uniform(3), quality: 2.5 } }, '/survey/quality'],
    [{ scores: uniform(80), survey: uniform(3) }, '/survey'],
    [{ scores: uniform(80), upheldComplaints: -1 }, '/upheldComplaints'],
  ])('%j names %s', async (input, field) => {
    await expect(policy.decide('satisfaction', input)).rejects.toMatchObject({ code: 'BAD_INPUT', details: [expect.objectContaining({ field })] });
  });
});

describe('satisfaction explain and data', () => {
  it('explains the grade with the band it came from', async () => {
    const r = await policy.decide('satisfaction', { scores: uniform(85) }, { explain: true });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const line = text.indexOf('  good:') + 2;
    expect(r.trace!.filter((s) => s.fired)).toMatchObject([{
      rule: 'good',
      outcome: { grade: 'good' },
      source: { file: BASE_FILE, path: '/grades/good', line, column: 5 },
      conditions: [
        { fact: 'total', operator: 'greaterThanInclusive', value: 80, factValue: 85, result: true },
        { fact: 'total', operator: 'lessThan', value: 90, factValue: 85, result: true },
      ],
    }]);
    expect(r.trace).toHaveLength(4);
  });

  it.each([
    [{ scores: uniform(85) }, 'good', 'excellent'],
    [{ scores: uniform(77) }, 'pass', 'good'],
    [{ scores: uniform(62), upheldComplaints: 1 }, 'pass', 'fail'],
  ])('%j: baseline %s, csrc-2017 set %s', async (input, base, other) => {
    expect((await decide(policy, input)).grade).toBe(base);
    expect((await decide(csrc, input)).grade).toBe(other);
  });

  it('weights are the set’s own', async () => {
    const input = { scores: { attitude: 0, expertise: 100, 'client-satisfaction': 0, efficiency: 0, quality: 0 } };
    expect((await decide(policy, input)).total).toBe(20);
    expect((await decide(csrc, input)).total).toBe(25);
  });

  it('a branch may deduct more per complaint, but never change a weight', async () => {
    const applied = applyOverride(baseSet, 'satisfaction:\n  deductions: { perUpheldComplaint: 3 }\n');
    expect(applied.diagnostics).toEqual([]);
    expect((await decide(compile(applied.effective), { scores: uniform(90), upheldComplaints: 1 })).total).toBe(87);
    expect(applyOverride(baseSet, 'satisfaction:\n  deductions: { perUpheldComplaint: 1 }\n').diagnostics.map((d) => d.code)).toEqual(['OVERRIDE_OUT_OF_BOUNDS']);
    expect(applyOverride(baseSet, 'satisfaction:\n  indicators: { attitude: { weight: 25 }, quality: { weight: 10 } }\n').diagnostics.map((d) => d.code))
      .toEqual(['OVERRIDE_OUT_OF_BOUNDS', 'OVERRIDE_OUT_OF_BOUNDS']);
  });
});
