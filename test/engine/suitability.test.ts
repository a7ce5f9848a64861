// suitability: the full client-level × product-level matrix of both shipped scales, product names,
// expiry against the decision instant, recommendation, the lowest category, the verdict's
// obligations, bad input naming the field, compile errors, and the explain trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyCompileError } from '../../src/engine/decision.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { riskLevel } from '../../src/engine/decisions/risk-level.ts';
import { suitability } from '../../src/engine/decisions/suitability.ts';
import { ZhiduError } from '../../src/errors.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const DIRS = { baseline: RULES_DIR, csrc: join(RULES_DIR, 'examples/csrc-2017') };
const read = (set: keyof typeof DIRS, kind: string) => readFileSync(join(DIRS[set], `${kind}.yaml`), 'utf8');

function compile(set: keyof typeof DIRS, edit: { questionnaire?: (t: string) => string; suitability?: (t: string) => string } = {}) {
  const texts = [
    { file: join(DIRS[set], 'risk-questionnaire.yaml'), text: (edit.questionnaire ?? ((t) => t))(read(set, 'risk-questionnaire')) },
    { file: join(DIRS[set], 'suitability.yaml'), text: (edit.suitability ?? ((t) => t))(read(set, 'suitability')) },
  ];
  return CompiledPolicy.compile(loadPolicyTexts(texts).set, [riskLevel, suitability]);
}

const VALID = '2026-01-15';
const decide = (policy: CompiledPolicy, input: unknown, at = FROZEN_NOW, explain = false) => policy.decide('suitability', input, { at, explain });
const verdictOf = async (policy: CompiledPolicy, input: unknown, at?: Date) => (await decide(policy, input, at)).output;
async function errorOf(policy: CompiledPolicy, input: unknown): Promise<{ code: string; field: unknown }> {
  const err = await decide(policy, input).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ZhiduError);
  return { code: (err as ZhiduError).code, field: ((err as ZhiduError).details?.[0] as { field?: string })?.field };
}

// m = match, w = warn (special risk warning, written confirmation, extra callback), b = block.
const MATRICES = {
  baseline: { products: ['low', 'medium', 'high'], rows: { 'very-low': 'mbb', low: 'mww', medium: 'mmw', high: 'mmm' } },
  csrc: { products: ['R1', 'R2', 'R3', 'R4', 'R5'], rows: { C1: 'mwwww', C2: 'mmwww', C3: 'mmmww', C4: 'mmmmw', C5: 'mmmmm' } },
} as const;
const VERDICT = { m: 'match', w: 'warn', b: 'block' } as const;

describe('suitability', () => {
  describe.each(['baseline', 'csrc'] as const)('%s matrix', (set) => {
    const policy = compile(set);
    const { products, rows } = MATRICES[set];
    const cells = Object.entries(rows).flatMap(([client, row]) => products.map((product, i) => [client, product, VERDICT[row[i] as keyof typeof VERDICT]] as const));
    it.each(cells)('client %s × product %s → %s', async (client, product, verdict) => {
      const output = await verdictOf(policy, { client: { riskLevel: client, assessedAt: VALID }, product: { riskLevel: product } });
      expect(output.verdict).toBe(verdict);
      const warned = verdict === 'warn';
      expect(output).toMatchObject({ riskWarningRequired: warned, writtenConfirmationRequired: warned, callbackDue: warned, clientLevel: client, productLevel: product, assessmentExpired: false });
      expect(output.reasons).toEqual(verdict === 'match' ? ['within-level'] : verdict === 'warn' ? ['above-level'] : ['lowest-above-level', 'above-level']);
    });
  });

  const policy = compile('baseline');
  const client = { riskLevel: 'low', assessedAt: VALID };

  it('labels the verdict and every reason', async () => {
    const output = await verdictOf(policy, { client: { riskLevel: 'very-low', assessedAt: VALID }, product: { type: 'stock' } });
    expect(output).toMatchObject({ verdict: 'block', label: '不得销售', labelEn: 'Must not be sold', clientLevelLabel: '极低', productTypeLabel: '股票', productLevelLabel: '高风险' });
    expect(output.reasonDetails).toEqual([
      { code: 'lowest-above-level', label: '风险承受能力极低或最低类别的客户不得购买高于其风险承受能力的产品', labelEn: 'A very-low or lowest-category client may not buy a product above their level' },
      expect.objectContaining({ code: 'above-level', label: expect.stringContaining('特别风险警示') }),
    ]);
  });

  it('accepts a product type by id, Chinese name or alias alike', async () => {
    const outputs = await Promise.all(['money-market-fund', '货币型基金', '货币基金'].map((type) => verdictOf(policy, { client, product: { type } })));
    for (const o of outputs) expect(o).toEqual(outputs[0]);
    expect(outputs[0]).toMatchObject({ productType: 'money-market-fund', productTypeLabel: '货币型基金', productLevel: 'low' });
  });

  it.each([
    ['股票', 'high'], ['股指期货', 'high'], ['权证', 'high'], ['融资融券', 'high'], ['国债', 'low'],
    ['偏股型基金', 'high'], ['灵活配置型基金', 'high'], ['偏债型基金', 'medium'], ['标准债券型基金', 'medium'], ['中短债型基金', 'low'], ['保本型基金', 'low'],
  ])('rates %s as %s', async (type, level) => {
    expect((await verdictOf(policy, { client, product: { type } })).productLevel).toBe(level);
  });

  it('lets an explicit product risk level override its type', async () => {
    expect(await verdictOf(policy, { client, product: { type: 'stock', riskLevel: 'low' } })).toMatchObject({ verdict: 'match', productType: 'stock', productLevel: 'low' });
    expect(await verdictOf(policy, { client, product: { type: 'treasury-bond', riskLevel: '高风险' } })).toMatchObject({ verdict: 'warn', productLevel: 'high' });
  });

  it('judges expiry against the decision instant, in the policy\'s time zone', async () => {
    const input = { client: { riskLevel: 'high', assessedAt: '2024-06-30' }, product: { type: 'bond-fund' } };
    expect(await verdictOf(policy, input, new Date('2026-06-29T15:59:59Z'))).toMatchObject({ verdict: 'match', assessmentExpired: false, validUntil: '2026-06-30' });
    expect(await verdictOf(policy, input, new Date('2026-06-29T16:00:00Z'))).toMatchObject({ verdict: 'block', assessmentExpired: true, reasons: ['assessment-expired', 'within-level'] });
  });

  it('takes the validity from the risk questionnaire (a branch may shorten it)', async () => {
    const shorter = compile('baseline', { questionnaire: (t) => t.replace('  months: 24', '  months: 12') });
    const input = { client: { riskLevel: 'high', assessedAt: '2025-06-30' }, product: { type: 'bond-fund' } };
    expect(await verdictOf(policy, input)).toMatchObject({ verdict: 'match', validUntil: '2027-06-30' });
    expect(await verdictOf(shorter, input)).toMatchObject({ verdict: 'block', validUntil: '2026-06-30', reasons: ['assessment-expired', 'within-level'] });
  });

  it('blocks a recommendation above the client\'s level, and no obligations come with a block', async () => {
    expect(await verdictOf(policy, { client, product: { type: 'bond-fund' }, recommended: true }))
      .toMatchObject({ verdict: 'block', reasons: ['recommended-above-level', 'above-level'], riskWarningRequired: false, writtenConfirmationRequired: false, callbackDue: false, recommended: true });
    expect(await verdictOf(policy, { client, product: { type: 'treasury-bond' }, recommended: true })).toMatchObject({ verdict: 'match' });
  });

  it('blocks a lowest-category client above their level in both scales, and only them in the CSRC one', async () => {
    const lowest = { riskLevel: 'low', assessedAt: VALID, lowestCategory: true };
    expect(await verdictOf(policy, { client: lowest, product: { type: 'bond-fund' } })).toMatchObject({ verdict: 'block', lowestCategory: true });
    expect(await verdictOf(policy, { client: lowest, product: { type: 'treasury-bond' } })).toMatchObject({ verdict: 'match' });
    const csrc = compile('csrc');
    expect(await verdictOf(csrc, { client: { riskLevel: 'C1', assessedAt: VALID, lowestCategory: true }, product: { riskLevel: 'R2' } })).toMatchObject({ verdict: 'block' });
    expect(await verdictOf(csrc, { client: { riskLevel: 'C1', assessedAt: VALID }, product: { riskLevel: 'R2' } })).toMatchObject({ verdict: 'warn' });
  });

  it('lists every fired reason, most severe first', async () => {
    expect(await verdictOf(policy, { client: { riskLevel: 'very-low', assessedAt: '2020-01-01' }, product: { type: 'warrant' }, recommended: true }))
      .toMatchObject({ verdict: 'block', reasons: ['assessment-expired', 'lowest-above-level', 'recommended-above-level', 'above-level'] });
  });

  it('follows a branch\'s stricter matching', async () => {
    const stricter = compile('baseline', { suitability: (t) => t.replace('  medium: [low, medium]', '  medium: [low]') });
    expect(await verdictOf(stricter, { client: { riskLevel: 'medium', assessedAt: VALID }, product: { type: 'bond-fund' } })).toMatchObject({ verdict: 'warn', allowedLevels: ['low'] });
  });

  it('answers the least severe verdict with no reasons when no rule fires', async () => {
    const noMatchRule = compile('baseline', { suitability: (t) => t.replace(/  within-level:\n    when:.*\n    verdict: match\n    reason: within-level\n/, '') });
    expect(await verdictOf(noMatchRule, { client, product: { type: 'treasury-bond' } })).toMatchObject({ verdict: 'match', reasons: [], reasonDetails: [] });
  });

  it.each([
    [{ client: { riskLevel: 'low', assessedAt: VALID }, product: { type: '比特币' } }, '/product/type'],
    [{ client: { riskLevel: 'C3', assessedAt: VALID }, product: { type: 'stock' } }, '/client/riskLevel'],
    [{ client: { riskLevel: 'low', assessedAt: VALID }, product: { riskLevel: 'R5' } }, '/product/riskLevel'],
    [{ client: { riskLevel: 'low' }, product: { type: 'stock' } }, '/client/assessedAt'],
    [{ client: { riskLevel: 'low', assessedAt: '2026-02-30' }, product: { type: 'stock' } }, '/client/assessedAt'],
    [{ client: { riskLevel: 'low', assessedAt: '2026-07-01' }, product: { type: 'stock' } }, '/client/assessedAt'],
    [{ client: { riskLevel: 'low', assessedAt: VALID, lowestCategory: 1 }, product: { type: 'stock' } }, '/client/lowestCategory'],
    [{ client: { riskLevel: 'low', assessedAt: VALID }, product: {} }, '/product/type'],
    [{ client: { riskLevel: 'low', assessedAt: VALID }, product: { type: 'stock' }, recommended: 'yes' }, '/recommended'],
    [{ product: { type: 'stock' } }, '/client'],
  ])('refuses %j naming the field', async (input, field) => {
    expect(await errorOf(policy, input)).toEqual({ code: 'BAD_INPUT', field });
  });

  it('accepts a wide client record with fields of its own', async () => {
    expect(await verdictOf(policy, { client: { ...client, name: '张三', branch: '0101' }, product: { type: 'stock', code: '600000' }, channel: 'app' })).toMatchObject({ verdict: 'warn' });
  });

  it('refuses to compile a policy declaring a fact the decision cannot supply', () => {
    const text = read('baseline', 'suitability').replace('facts:\n', 'facts:\n  age: { type: number, label: { zh: 年龄, en: Age } }\n');
    const line = text.split('\n').findIndex((l) => l.startsWith('  age:')) + 1;
    const set = loadPolicyTexts([{ file: 'rq.yaml', text: read('baseline', 'risk-questionnaire') }, { file: 'suitability.yaml', text }]).set;
    let caught: unknown;
    try { CompiledPolicy.compile(set, [suitability]); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(PolicyCompileError);
    expect((caught as PolicyCompileError).diagnostics.map((d) => `${d.file}:${d.line} ${d.code} ${d.path}`)).toEqual([`suitability.yaml:${line} CONDITION_FACT_UNKNOWN /facts/age`]);
  });

  it('explains every rule with its YAML line, and what the fired ones decided', async () => {
    const lines = read('baseline', 'suitability').split('\n');
    const { trace } = await decide(policy, { client, product: { type: 'stock' } }, FROZEN_NOW, true);
    expect(trace!.map((s) => s.rule)).toEqual(['assessment-expired', 'lowest-above-level', 'recommended-above-level', 'above-level', 'within-level']);
    for (const step of trace!) expect(lines[step.source.line - 2]).toBe(`  ${step.rule}:`);
    const fired = trace!.filter((s) => s.fired);
    expect(fired).toEqual([expect.objectContaining({ rule: 'above-level', outcome: { verdict: 'warn', reason: 'above-level' } })]);
    expect(fired[0]!.conditions).toEqual([{ fact: 'aboveLevel', operator: 'equal', value: true, factValue: true, result: true }]);
  });

  it('gives the same answers run concurrently as one by one', async () => {
    const levels = ['very-low', 'low', 'medium', 'high'];
    const types = ['stock', '国债', 'bond-fund', '权证'];
    const inputs = Array.from({ length: 240 }, (_, i) => ({
      client: { riskLevel: levels[i % 4]!, assessedAt: i % 5 === 0 ? '2023-01-01' : VALID, lowestCategory: i % 11 === 0 },
      product: { type: types[(i >> 2) % 4]! },
      recommended: i % 3 === 0,
    }));
    const sequential = [];
    for (const input of inputs) sequential.push(await verdictOf(policy, input));
    const concurrent = await Promise.all(inputs.map((input) => verdictOf(policy, input)));
    expect(concurrent).toEqual(sequential);
  });
});
