// retention decisions: every request proceeds with the policy's statement; completion in trading
// days from the later of request and settlement; priority contact for each listed class and any
// VIP; the follow-up callback from the callbacks policy; classification from assets; bad input;
// the explain trace; the second policy set and branch bounds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { callbacks } from '../../src/engine/decisions/callbacks.ts';
import { classification } from '../../src/engine/decisions/classification.ts';
import { retention } from '../../src/engine/decisions/retention.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyDir, type PolicySet } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'retention.yaml');
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [classification, callbacks, retention]);
const baseSet = loadPolicyDir(RULES_DIR).set;
const policy = compile(baseSet);
const csrc = compile(loadPolicyDir(join(RULES_DIR, 'examples/csrc-2017')).set);
const decide = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('retention', input, { at: FROZEN_NOW })).output;
const requestedAt = '2026-06-30T10:00:00+08:00';
const STATEMENT = '转户、销户申请一律照常受理办理，不得拒绝、限制或拖延；挽留联系与办理同时进行，不影响办理时限。';

describe('retention (baseline)', () => {
  it.each([
    ['A+', 'priority'], ['B+', 'priority'], ['A', 'priority'], ['B', 'priority'],
    ['C', 'standard'], ['D', 'standard'], ['C-', 'standard'], ['D-', 'standard'], ['E', 'standard'], ['F', 'standard'], ['G', 'standard'],
  ])('class %s: proceeds, %s contact', async (cls, plan) => {
    const out = await decide(policy, { class: cls, requestedAt });
    expect(out).toMatchObject({ proceed: true, statement: { label: STATEMENT }, class: cls, completeBy: '2026-07-02T23:59:59+08:00', contact: { plan } });
    expect(out.contact).toMatchObject(plan === 'priority'
      ? { label: '优先联系', contactBy: '2026-07-01T23:59:59+08:00', by: '客户经理', byEn: "The client's account manager" }
      : { label: '常规联系', contactBy: '2026-07-02T23:59:59+08:00', by: '营业部客服人员' });
  });

  it.each([['gold', 'gold'], ['白金', 'platinum'], ['钻石', 'diamond'], ['none', 'none']])('a class G client with VIP tier %s (%s)', async (vipTier, id) => {
    expect(await decide(policy, { class: 'G', vipTier, requestedAt })).toMatchObject({ proceed: true, vipTier: id, contact: { plan: id === 'none' ? 'standard' : 'priority' } });
  });

  it('accepts a class by its Chinese name, or classifies from assets and turnover', async () => {
    expect(await decide(policy, { class: 'B+类客户', requestedAt })).toMatchObject({ class: 'B+', classLabel: 'B+类客户' });
    expect(await decide(policy, { assets: 5_000_000, turnover: 3, requestedAt })).toMatchObject({ class: 'A+', contact: { plan: 'priority' } });
    expect(await decide(policy, { assets: 4_999_999.99, tradingVolume: 1, averageAssets: 1, requestedAt })).toMatchObject({ class: 'B', contact: { plan: 'priority' } });
    expect(await decide(policy, { assets: 999_999.99, turnover: 3, requestedAt })).toMatchObject({ class: 'C', contact: { plan: 'standard' } });
  });

  it.each([
    // requestedAt, settledAt, completeBy (2 trading days from the later of the two)
    ['2026-06-30T10:00:00+08:00', undefined, '2026-07-02T23:59:59+08:00'],
    ['2026-06-30T10:00:00+08:00', '2026-06-29T10:00:00+08:00', '2026-07-02T23:59:59+08:00'],
    ['2026-06-30T10:00:00+08:00', '2026-07-03T15:00:00+08:00', '2026-07-07T23:59:59+08:00'],
    ['2026-09-30T15:00:00+08:00', undefined, '2026-10-09T23:59:59+08:00'],
    ['2026-10-09T15:00:00+08:00', undefined, '2026-10-13T23:59:59+08:00'], // make-up Saturday is no trading day
    ['2026-02-13T15:00:00+08:00', undefined, '2026-02-25T23:59:59+08:00'],
  ])('requested %s, settled %s: completes by %s', async (at, settledAt, completeBy) => {
    expect(await decide(policy, { class: 'C', requestedAt: at, ...(settledAt ? { settledAt } : {}) })).toMatchObject({ proceed: true, completeBy });
  });

  it('counts priority contact in working days, make-up days included', async () => {
    expect((await decide(policy, { class: 'A', requestedAt: '2026-09-30T15:00:00+08:00' })).contact).toMatchObject({ contactBy: '2026-10-08T23:59:59+08:00' });
    expect((await decide(policy, { class: 'A', requestedAt: '2026-10-09T15:00:00+08:00' })).contact).toMatchObject({ contactBy: '2026-10-10T23:59:59+08:00' });
  });

  it('gives the follow-up callback of the callbacks policy, whatever else the client record holds', async () => {
    const out = await decide(policy, { class: 'C', requestedAt, accountOpenedAt: '2020-01-01', lastWarnSaleAt: '2019-01-01', vipTier: 'gold' });
    expect(out).toMatchObject({
      followUpCallback: { id: 'transfer-closure', label: '转销户回访', dueAt: '2026-07-30T23:59:59+08:00', overdue: false, items: [{ id: 'identity' }, { id: 'account-changes' }, { id: 'staff-trading' }] },
      followUpCallbackBy: '2026-07-30T23:59:59+08:00',
    });
  });

  it.each([
    [{ requestedAt }, '/class'],
    [{ class: 'Z', requestedAt }, '/class'],
    [{ class: 'C1', requestedAt }, '/class'],
    [{ class: 'A' }, '/requestedAt'],
    [{ class: 'A', requestedAt: 'now' }, '/requestedAt'],
    [{ class: 'A', requestedAt, settledAt: 'later' }, '/settledAt'],
    [{ class: 'A', requestedAt, vipTier: 'silver' }, '/vipTier'],
    [{ assets: -5, turnover: 1, requestedAt }, '/assets'],
    [{ class: 'A', requestedAt: '2027-12-30T10:00:00+08:00' }, '/requestedAt'],
  ])('bad input %j names %s', async (input, field) => {
    const err = await policy.decide('retention', input, { at: FROZEN_NOW }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT' });
    expect((err as { details: { field: string }[] }).details[0]!.field).toBe(field);
  });

  it('explains the classification, the contact rule and the follow-up, with YAML lines', async () => {
    const r = await policy.decide('retention', { assets: 200_000, turnover: 1, vipTier: 'platinum', requestedAt }, { explain: true, at: FROZEN_NOW });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const whenLine = text.indexOf('    when:') + 2;
    expect(r.output).toMatchObject({ class: 'D-', contact: { plan: 'priority' } });
    expect(r.trace!.find((s) => s.rule === '100k-500k/low')).toMatchObject({ fired: true });
    expect(r.trace!.find((s) => s.rule === 'priority-contact')).toMatchObject({
      fired: true, outcome: { contact: 'priority' },
      source: { file: BASE_FILE, path: '/contact/priority/when', line: whenLine, column: 7 },
      conditions: [
        { fact: 'class', operator: 'in', value: ['A+', 'B+', 'A', 'B'], factValue: 'D-', result: false },
        { fact: 'vipTier', operator: 'in', value: ['gold', 'platinum', 'diamond'], factValue: 'platinum', result: true },
      ],
    });
    expect(r.trace!.find((s) => s.rule === 'transfer-closure')).toMatchObject({ fired: true, source: { path: '/types/transfer-closure/trigger' } });
  });
});

describe('retention is driven by the policy data', () => {
  it('contacts on the set’s own limits and by its own staff; completion stays regulation', async () => {
    expect(await decide(policy, { class: 'A', requestedAt })).toMatchObject({ completeBy: '2026-07-02T23:59:59+08:00', contact: { contactBy: '2026-07-01T23:59:59+08:00' } });
    expect(await decide(csrc, { class: 'A', requestedAt })).toMatchObject({ completeBy: '2026-07-02T23:59:59+08:00', contact: { contactBy: '2026-07-02T23:59:59+08:00' } });
    expect(await decide(csrc, { class: 'F', requestedAt })).toMatchObject({ contact: { plan: 'standard', contactBy: '2026-07-03T23:59:59+08:00', by: '客服中心' } });
  });

  it('classifies with the set’s own tiers before choosing the contact', async () => {
    const input = { assets: 3_000_000, turnover: 1, requestedAt };
    expect(await decide(policy, input)).toMatchObject({ class: 'B', contact: { plan: 'priority' } });
    expect(await decide(csrc, input)).toMatchObject({ class: 'B+', contact: { plan: 'priority' } });
  });

  it('a branch may complete and contact sooner, never later', async () => {
    const sooner = applyOverride(baseSet, 'retention:\n  completion: { within: { amount: 1 } }\n  contact:\n    standard: { within: { amount: 1 } }\n');
    expect(sooner.diagnostics).toEqual([]);
    expect(await decide(compile(sooner.effective), { class: 'C', requestedAt })).toMatchObject({ completeBy: '2026-07-01T23:59:59+08:00', contact: { contactBy: '2026-07-01T23:59:59+08:00' } });
    for (const patch of [
      'retention:\n  completion: { within: { amount: 5 } }\n',
      'retention:\n  contact:\n    priority: { within: { amount: 3 } }\n',
      'retention:\n  contact:\n    priority: { when: { all: [{ fact: class, operator: in, value: [A+] }] } }\n',
      'retention:\n  proceed: { statement: { zh: 可暂缓办理, en: May be delayed } }\n',
    ]) {
      expect(applyOverride(baseSet, patch).diagnostics.map((d) => d.code), patch).toContain('OVERRIDE_OUT_OF_BOUNDS');
    }
  });
});
