// Problem details in the reader's language, said from the code and params the server sends:
// schema violations, bounds, semantic checks and decision inputs, with numbers free of float
// noise. The whole diagnostic corpus is run through, so a new check without a template fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNumber, inputDetail, inputFactsFrom, problemDetail, translatedDetail } from '../../editor/src/lib/detail-messages.ts';
import { problemsFrom } from '../../editor/src/lib/markers.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { ZhiduError } from '../../src/errors.ts';
import type { Diagnostic } from '../../src/policy/diagnostics.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyDir, loadPolicyTexts, policyFilesIn, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { ROOT, ruleDocs } from './helpers.ts';

const docs = ruleDocs();
const RULES = join(ROOT, 'rules');
const base = loadPolicyDir(RULES).set;

/** A diagnostic as the API sends it (what problemsFrom reads in the editor). */
const wire = (d: Diagnostic) => problemsFrom([{ ...d, kind: d.kind ?? d.file }])[0]!;

describe('numbers', () => {
  it.each([
    [4.199999999999999, '4.2'], [0.30000000000000004, '0.3'], [1.4, '1.4'], [3, '3'], [5_000_000, '5,000,000'], [2026, '2026'], [-0.125, '-0.125'], [1e-7, '0.0000001'],
  ])('%d reads %s', (n, text) => {
    expect(formatNumber(n, 'zh')).toBe(text);
    expect(formatNumber(n, 'en')).toBe(text);
  });
});

describe('policy problems from their params', () => {
  it('says a value out of a relative bound with head office\'s label, its range and its base, in either language', () => {
    const [d] = applyOverride(base, 'classification:\n  turnoverThreshold: 9\n', 'override').diagnostics;
    expect(problemDetail('zh', wire(d!), docs)).toBe('资产周转率阈值:9 超出可调范围 1.5 至 4.5(总部取值 3 的 ±50%)');
    expect(problemDetail('en', wire(d!), docs)).toBe('Turnover threshold: 9 is outside 1.5 to 4.5 (±50% of head office\'s 3)');
  });

  it('names a tier bound by head office\'s label and the tier\'s own', () => {
    const d = applyOverride(base, 'classification:\n  tiers:\n    1m-5m: {max: 9000000}\n', 'override').diagnostics.find((x) => x.code === 'OVERRIDE_OUT_OF_BOUNDS');
    expect(problemDetail('zh', wire(d!), docs)).toMatch(/^资产档次上限 · [^:]+:9,000,000 超出可调范围 4,000,000 至 6,000,000\(总部取值 5,000,000 的 ±20%\)$/);
  });

  it('prints a range without float noise when head office\'s value makes one', () => {
    const problem = { code: 'OVERRIDE_OUT_OF_BOUNDS', path: '/classification/turnoverThreshold', kind: 'classification', message: 'x', params: { reason: 'relative', value: 9, base: 2.8, relative: 0.5, low: 1.4, high: 4.199999999999999 } };
    expect(problemDetail('zh', problem, docs)).toBe('资产周转率阈值:9 超出可调范围 1.4 至 4.2(总部取值 2.8 的 ±50%)');
  });

  it('lists what a branch may adjust when it touches what head office fixed', () => {
    const [d] = applyOverride(base, 'classification:\n  tiers:\n    under-10k:\n      classes: {high: F}\n', 'override').diagnostics;
    expect(problemDetail('zh', wire(d!), docs)).toContain('此项由总部统一规定,营业部不能调整。可调整的有:资产周转率阈值、资产档次下限、资产档次上限');
  });

  it('says schema violations from ajv\'s keyword and params', () => {
    const s = (params: Record<string, unknown>, lang: 'zh' | 'en' = 'zh') => problemDetail(lang, { code: 'SCHEMA_VIOLATION', path: '/a', message: 'English', params: params as never });
    expect(s({ keyword: 'required', missingProperty: 'tiers' })).toBe('缺少必填项「tiers」');
    expect(s({ keyword: 'minimum', comparison: '>=', limit: 0 })).toBe('不能小于 0');
    expect(s({ keyword: 'exclusiveMinimum', comparison: '>', limit: 0 }, 'en')).toBe('Must be above 0');
    expect(s({ keyword: 'type', type: ['number', 'null'] })).toBe('应为数字或空值(null)');
    expect(s({ keyword: 'additionalProperties', additionalProperty: 'colour' })).toBe('「colour」不是可以写在这里的项,请检查拼写或删除');
    expect(s({ keyword: 'enum', allowedValues: ['up', 'down'] })).toBe('应为以下之一:「up」、「down」');
    expect(s({ keyword: 'pattern', pattern: '^a$', propertyName: 'X' })).toBe('键「X」写法不符合要求(应匹配 ^a$)');
    expect(s({ keyword: 'someNewKeyword' })).toBe('English');
  });

  it('gives the server\'s message when a problem carries no params', () => {
    expect(problemDetail('zh', { code: 'TIER_GAP', path: '', message: 'As the server said.' })).toBe('As the server said.');
    expect(translatedDetail('zh', { code: 'TIER_GAP', path: '', message: 'x' })).toBeUndefined();
  });
});

describe('every diagnostic the corpus produces is said in both languages', () => {
  const FIXTURES = join(ROOT, 'test/fixtures/diagnostics');
  const baseline = readPolicyFiles(policyFilesIn(RULES));
  const fixtures = readdirSync(FIXTURES).filter((f) => /\.ya?ml$/.test(f)).sort();
  const fromFixtures = fixtures.flatMap((name) => {
    const bytes = readFileSync(join(FIXTURES, name));
    const replaces = /^# replaces: (\S+)/m.exec(bytes.toString('latin1'))?.[1];
    const texts = replaces
      ? [...baseline.filter((t) => !new RegExp(`^kind: ${replaces}$`, 'm').test(Buffer.from(t.text).toString('utf8'))), { file: name, text: bytes }]
      : [{ file: name, text: bytes }];
    return loadPolicyTexts(texts, { complete: Boolean(replaces) }).diagnostics.map((d) => [name, d] as const);
  });
  const overrides = [
    'classification: {turnoverThreshold: 9}', 'classification: {turnoverThreshold: null}', 'classification: {tiers: {under-10k: {classes: {high: F}}}}',
    'classifications: {x: 1}', 'vips: {x: 1}', 'classification: {tiers: {1m-5m: {min: 1100000}}}', 'classification: {turnoverThreshold: [1]}',
  ].flatMap((text) => applyOverride(base, `${text}\n`, 'override').diagnostics.map((d) => [text, d] as const));
  const sets = [
    ...loadPolicyTexts(baseline.filter((t) => !/^kind: vip$/m.test(Buffer.from(t.text).toString('utf8'))), { complete: true }).diagnostics,
    ...loadPolicyTexts([...baseline, baseline[0]!]).diagnostics,
  ].map((d) => ['set', d] as const);
  const all = [...fromFixtures, ...overrides, ...sets];

  it('finds many kinds of problem', () => {
    expect(new Set(all.map(([, d]) => d.code)).size).toBeGreaterThan(35);
  });

  it.each(all.map(([from, d]) => [`${from} ${d.code} ${d.line}:${d.column}`, d] as const))('%s', (_name, d) => {
    const p = wire(d);
    const zh = translatedDetail('zh', p, docs);
    const en = translatedDetail('en', p, docs);
    expect(zh, `${d.code}: ${d.message} ${JSON.stringify(d.params)}`).toBeDefined();
    expect(en).toBeDefined();
    // Chinese, not the English sentence: a CJK character in it, and never an English template's words.
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(zh).not.toMatch(/\b(is|are|not|must|the|of)\b/);
  });
});

describe('decision inputs', () => {
  const policy = CompiledPolicy.compile(base);
  const refusal = async (decision: string, input: unknown) => {
    const err = await policy.decide(decision, input).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ZhiduError);
    return inputFactsFrom((err as ZhiduError).details);
  };

  it('names every unanswered question with its number and text from the questionnaire', async () => {
    const facts = await refusal('risk-level', { answers: { 1: 'A' } });
    const zh = facts.map((f) => inputDetail('zh', f));
    expect(zh).toHaveLength(11);
    expect(zh[0]).toBe('第 2 题「您的证券投资资金占家庭总金融资产的比例」未作答');
    expect(inputDetail('en', facts[0]!)).toBe('Question 2 (“The share of your household\'s total financial assets invested in securities”) is not answered');
  });

  it('says each bad answer in Chinese', async () => {
    const answers: Record<string, unknown> = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), 'A']));
    Object.assign(answers, { 4: 'Z', 10: ['A', 'B'], 99: 'A' });
    const zh = (await refusal('risk-level', { answers })).map((f) => inputDetail('zh', f));
    expect(zh).toEqual([
      expect.stringMatching(/^第 4 题「.+」没有选项「Z」\(可选:「A」、「B」、「C」、「D」\)$/),
      expect.stringMatching(/^第 10 题「.+」是单选题,只能选一个选项,而这里选了 2 个$/),
      '问卷中没有第 99 题(题号:1、2、3、4、5、6、7、8、9、10、11、12)',
    ]);
  });

  it('names a field by the label the form gives it, and every schema problem at once', async () => {
    const facts = await refusal('classification', { assets: -5, turnover: 'high' });
    const label = (field: string) => ({ '/assets': '资产', '/turnover': '资产周转率' })[field] ?? field;
    expect(facts.map((f) => inputDetail('zh', f, label))).toEqual(['资产:不能小于 0', '资产周转率:应为数字']);
    expect(facts.map((f) => inputDetail('en', f, label))).toEqual(['资产: must be at least 0', '资产周转率: must be a number']);
  });

  it('says the engine\'s own refusals from their reason', async () => {
    expect((await refusal('classification', { assets: 1 })).map((f) => inputDetail('zh', f))).toEqual(['/turnover:须填写资产周转率(或同时填写交易量与日均资产以推算)']);
    const product = await refusal('suitability', { client: { riskLevel: 'low', assessedAt: '2025-01-01' }, product: { type: '火箭' } });
    expect(inputDetail('zh', product[0]!)).toMatch(/^\/product\/type:「火箭」不/);
  });

  it('falls back to the server\'s words after the field when no template fits', () => {
    expect(inputDetail('zh', { field: '/x', message: 'something new' })).toBe('/x:something new');
    expect(inputFactsFrom([{ field: '/a', message: 'm', params: { keyword: 'type', type: 'number' } }, { nope: 1 }, null])).toEqual([{ field: '/a', message: 'm', params: { keyword: 'type', type: 'number' } }]);
  });
});
