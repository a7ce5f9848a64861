// client-profile: the record is validated once against its own schema, and the decisions whose
// schemas that provably implies are not validated again. Checked here: the proof itself (what it
// accepts and what it refuses), that a profile equals its decisions asked one by one, and that a
// bad field still fails the profile, named.
import { describe, expect, it } from 'vitest';
import { clientRecords } from '../../bench/clients.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { CLIENT_DECISIONS } from '../../src/engine/decisions/client-profile.ts';
import { schemaImplies } from '../../src/engine/schema-implication.ts';
import { ZhiduError } from '../../src/errors.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, shippedPolicySets } from '../helpers/policy-sets.ts';

const PROFILE = 'decisions/client-profile.input.schema.json';

describe('schemaImplies', () => {
  it('holds for the shipped client decisions read from the record, not for service-package (fed the class)', () => {
    const implied = CLIENT_DECISIONS.filter((d) => schemaImplies(PROFILE, `decisions/${d}.input.schema.json`));
    expect(implied).toEqual(['classification', 'risk-level', 'vip', 'trading-style', 'value-segment']);
  });

  const amount = { description: '金额。Amount.', type: 'number', minimum: 0 };
  const inner = { $id: 'd/inner.json', type: 'object', properties: { assets: amount }, required: ['assets'] };
  const outer = { $id: 'd/outer.json', type: 'object', properties: { assets: { $ref: 'inner.json#/properties/assets' } } };
  const implies = (o: object, i: object, extra: Record<string, object> = {}) => {
    const schemas: Record<string, object> = { 'd/outer.json': o, 'd/inner.json': i, ...extra };
    return schemaImplies('d/outer.json', 'd/inner.json', (id) => schemas[id] as Record<string, unknown> | undefined);
  };

  it('accepts a $ref to the very property, and one to an equal property elsewhere that differs only in its words', () => {
    expect(implies(outer, inner)).toBe(true);
    const other = { type: 'object', properties: { assets: { ...amount, description: '别的说法。Other words.' } } };
    expect(implies({ ...outer, properties: { assets: { $ref: 'other.json#/properties/assets' } } }, inner, { 'd/other.json': other })).toBe(true);
  });

  it('refuses whatever it cannot see through', () => {
    // The inner schema constrains more than its properties.
    expect(implies(outer, { ...inner, if: { required: ['assets'] }, then: { required: ['turnover'] } })).toBe(false);
    expect(implies(outer, { ...inner, additionalProperties: false })).toBe(false);
    // The outer schema checks the property differently, or not at all.
    expect(implies({ ...outer, properties: { assets: { type: 'number' } } }, inner)).toBe(false);
    expect(implies({ ...outer, properties: {} }, inner)).toBe(false);
    const looser = { type: 'object', properties: { assets: { type: 'number' } } };
    expect(implies({ ...outer, properties: { assets: { $ref: 'looser.json#/properties/assets' } } }, inner, { 'd/looser.json': looser })).toBe(false);
    expect(implies({ ...outer, properties: { assets: { $ref: 'missing.json#/properties/assets' } } }, inner)).toBe(false);
    // A $ref inside the property would resolve against another base: not compared.
    const viaRef = { ...inner, properties: { assets: { $ref: '../common.json#/$defs/amount' } } };
    expect(implies({ ...outer, properties: { assets: { $ref: 'inner.json#/properties/assets' } } }, viaRef)).toBe(false);
    expect(implies({ ...outer, type: 'array' }, inner)).toBe(false);
  });
});

describe.each(shippedPolicySets())('client-profile on %s', (dir) => {
  const set = loadValidPolicyDir(dir);
  const policy = CompiledPolicy.compile(set);
  const records = clientRecords(300, set);

  it('answers, for every record, what each decision answers when asked alone', async () => {
    for (const record of records) {
      const profile = policy.decideSync('client-profile', record, { at: FROZEN_NOW }).output;
      const alone: Record<string, unknown> = {};
      for (const d of CLIENT_DECISIONS) {
        const input = d === 'service-package' ? { class: (alone.classification as { class: string }).class } : record;
        alone[d] = (await policy.decide(d, input, { at: FROZEN_NOW })).output;
      }
      expect(profile).toEqual({ ...alone, skipped: [] });
    }
  });

  it('still refuses a bad field of a decision it does not re-validate, naming it', () => {
    const record = records[0]!;
    const question = Object.keys(record.answers as object)[0]!;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...record, answers: { ...(record.answers as object), [question]: 7 } }, `/answers/${question}`],
      [{ ...record, avgHoldingDays: -1 }, '/avgHoldingDays'],
      [{ ...record, assessedAt: '2025-02-30' }, '/assessedAt'],
      [{ ...record, annualCommission: 'lots' }, '/annualCommission'],
    ];
    for (const [input, field] of cases) {
      const err = (() => { try { policy.decideSync('client-profile', input, { at: FROZEN_NOW }); } catch (e) { return e; } })();
      expect(err, field).toBeInstanceOf(ZhiduError);
      expect((err as ZhiduError).code).toBe('BAD_INPUT');
      expect(((err as ZhiduError).details?.[0] as { field?: string }).field).toBe(field);
    }
  });

  it('names the decision when a check beyond the schema fails (an option the questionnaire lacks)', () => {
    const record = records[1]!;
    const question = Object.keys(record.answers as object)[0]!;
    const input = { ...record, answers: { ...(record.answers as object), [question]: 'no-such-option' } };
    expect(() => policy.decideSync('client-profile', input, { at: FROZEN_NOW })).toThrow(expect.objectContaining({
      code: 'BAD_INPUT',
      details: [expect.objectContaining({ field: `/answers/${question}`, decision: 'risk-level' })],
    }));
  });
});
