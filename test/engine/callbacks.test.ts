// callbacks decisions: each callback type's due date at its edges (months, trading days over
// holidays and make-up days, calendar periods), completed callbacks, overdue against the decision
// instant, the annual sample population, VIP tiers by id or name, bad input, the explain trace,
// the second policy set, branch bounds and policies the decision cannot serve.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { PolicyCompileError } from '../../src/engine/decision.ts';
import { callbacks } from '../../src/engine/decisions/callbacks.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyDir, loadPolicyTexts, readPolicyFiles, type PolicySet } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'callbacks.yaml');
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [callbacks]);
const baseSet = loadPolicyDir(RULES_DIR).set;
const policy = compile(baseSet);
const csrc = compile(loadPolicyDir(join(RULES_DIR, 'examples/csrc-2017')).set);
type Callback = { id: string; dueAt: string; overdue: boolean; items: { id: string }[] };
const decide = async (p: CompiledPolicy, input: Record<string, unknown>, at = FROZEN_NOW) =>
  (await p.decide('callbacks', input, { at })).output as { callbacks: Callback[]; annualSample: Record<string, unknown>; vipTier: string };
const only = async (p: CompiledPolicy, input: Record<string, unknown>, at = FROZEN_NOW) => {
  const out = await decide(p, input, at);
  expect(out.callbacks).toHaveLength(1);
  return out.callbacks[0]!;
};

describe('event callbacks (baseline)', () => {
  it.each([
    ['2026-06-10T09:30:00+08:00', '2026-07-10T23:59:59+08:00'],
    ['2026-01-31', '2026-02-28T23:59:59+08:00'],
    ['2026-05-30T23:00:00+08:00', '2026-06-30T23:59:59+08:00'],
    ['2026-05-29T16:00:00Z', '2026-06-30T23:59:59+08:00'], // already 30 May in China
  ])('a new account opened %s is due for its callback by %s', async (accountOpenedAt, dueAt) => {
    expect(await only(policy, { accountOpenedAt })).toMatchObject({ id: 'new-account', label: '新开户回访', after: 'accountOpenedAt', dueAt });
  });

  it.each([
    ['2026-06-30T23:59:59+08:00', false],
    ['2026-06-30T16:00:00Z', true], // the first instant of 1 July in China
  ])('a callback due 2026-06-30T23:59:59+08:00, judged at %s, is overdue: %s', async (at, overdue) => {
    expect((await only(policy, { accountOpenedAt: '2026-05-30' }, new Date(at))).overdue).toBe(overdue);
  });

  it.each([
    ['2026-06-30T10:00:00+08:00', '2026-07-02T23:59:59+08:00'],
    ['2026-07-03T10:00:00+08:00', '2026-07-07T23:59:59+08:00'], // Friday
    ['2026-09-18T10:00:00+08:00', '2026-09-22T23:59:59+08:00'], // make-up Sunday is no trading day
    ['2026-09-30T14:00:00+08:00', '2026-10-09T23:59:59+08:00'],
    ['2026-10-09T14:00:00+08:00', '2026-10-13T23:59:59+08:00'], // make-up Saturday is no trading day
    ['2026-02-12T10:00:00+08:00', '2026-02-24T23:59:59+08:00'],
  ])('a warned sale on %s is called back by %s (2 trading days)', async (lastWarnSaleAt, dueAt) => {
    expect(await only(policy, { lastWarnSaleAt })).toMatchObject({ id: 'warn-sale', dueAt, items: [{ id: 'identity' }, { id: 'risk-disclosure' }, { id: 'staff-trading' }] });
  });

  it('calls back 7 days after a complaint is closed and 30 days after a transfer or closure', async () => {
    expect(await only(policy, { complaintClosedAt: '2026-06-23T18:00:00+08:00' })).toMatchObject({ id: 'complaint-closed', dueAt: '2026-06-30T23:59:59+08:00', overdue: false });
    expect(await only(policy, { complaintClosedAt: '2026-06-22T18:00:00+08:00' })).toMatchObject({ dueAt: '2026-06-29T23:59:59+08:00', overdue: true });
    expect(await only(policy, { transferOrClosureAt: '2026-06-30' })).toMatchObject({ id: 'transfer-closure', dueAt: '2026-07-30T23:59:59+08:00' });
  });

  it.each([
    [undefined, 1],
    ['2026-06-09T23:59:59+08:00', 1], // before the event: not this one
    ['2026-06-10', 0], // the same instant counts
    ['2026-06-20', 0],
  ])('completed %s: %d new-account callbacks due', async (done, count) => {
    const out = await decide(policy, { accountOpenedAt: '2026-06-10', ...(done ? { completed: { 'new-account': done } } : {}) });
    expect(out.callbacks).toHaveLength(count);
  });

  it('lists every callback due, soonest first', async () => {
    const out = await decide(policy, { accountOpenedAt: '2026-06-10', lastWarnSaleAt: '2026-06-29', complaintClosedAt: '2026-06-25', transferOrClosureAt: '2026-06-05', vipTier: 'gold' });
    expect(out.callbacks.map((c) => [c.id, c.dueAt, c.overdue])).toEqual([
      ['vip-quarterly', '2026-06-30T23:59:59+08:00', false],
      ['warn-sale', '2026-07-01T23:59:59+08:00', false],
      ['complaint-closed', '2026-07-02T23:59:59+08:00', false],
      ['transfer-closure', '2026-07-05T23:59:59+08:00', false],
      ['new-account', '2026-07-10T23:59:59+08:00', false],
    ]);
  });
});

describe('VIP callbacks once a quarter (baseline)', () => {
  it.each([
    [undefined, '2026-06-30T23:59:59+08:00', false],
    ['2026-04-01', '2026-09-30T23:59:59+08:00', false],
    ['2026-03-31T23:59:59+08:00', '2026-06-30T23:59:59+08:00', false],
    ['2026-01-15', '2026-06-30T23:59:59+08:00', false],
    ['2025-12-31', '2026-03-31T23:59:59+08:00', true],
  ])('last done %s: due by %s, overdue %s', async (done, dueAt, overdue) => {
    const c = await only(policy, { vipTier: 'gold', ...(done ? { completed: { 'vip-quarterly': done } } : {}) });
    expect(c).toMatchObject({ id: 'vip-quarterly', every: 'quarter', dueAt, overdue, ...(done ? { lastCompletedAt: expect.any(String) } : {}) });
  });

  it.each([['gold', 'gold'], ['白金', 'platinum'], ['钻石', 'diamond']])('VIP tier %s (%s) is called back', async (vipTier, id) => {
    expect(await decide(policy, { vipTier })).toMatchObject({ vipTier: id, callbacks: [{ id: 'vip-quarterly' }] });
  });

  it.each(['none', '非贵宾客户'])('%s is not a VIP', async (vipTier) => {
    expect(await decide(policy, { vipTier })).toMatchObject({ vipTier: 'none', callbacks: [] });
  });
});

describe('the annual sample (baseline)', () => {
  const existing = { accountOpenedAt: '2025-12-31T23:59:59+08:00', completed: { 'new-account': '2026-01-05' } };
  it.each([
    [existing, true],
    [{ ...existing, accountOpenedAt: '2026-01-01' }, false], // opened this year: not yet an existing client
    [{ ...existing, dormant: true }, false],
    [{ ...existing, suspended: true }, false],
    [{ ...existing, dormant: false, suspended: false }, true],
    [{ ...existing, transferOrClosureAt: '2026-06-01', completed: { 'new-account': '2026-01-05', 'transfer-closure': '2026-06-02' } }, false],
    [{}, false],
  ])('%j: in the population %s', async (input, eligible) => {
    expect((await decide(policy, input)).annualSample).toMatchObject({ eligible, ratio: 0.1, year: 2026, label: '年度抽样回访', items: [{ id: 'identity' }, { id: 'account-changes' }, { id: 'staff-trading' }, { id: 'risk-disclosure' }] });
  });

  it('judges “this year” in China time', async () => {
    const at = new Date('2026-12-31T16:00:00Z'); // 1 January 2027 in China
    expect((await decide(policy, { accountOpenedAt: '2026-06-01', completed: { 'new-account': '2026-06-02' } }, at)).annualSample).toMatchObject({ eligible: true, year: 2027 });
  });
});

describe('callbacks input and trace', () => {
  it.each([
    [{ vipTier: 'silver' }, '/vipTier'],
    [{ vipTier: '' }, '/vipTier'],
    [{ completed: { birthday: '2026-06-01' } }, '/completed/birthday'],
    [{ completed: { 'new-account': 'yesterday' } }, '/completed/new-account'],
    [{ accountOpenedAt: '2026-02-30' }, '/accountOpenedAt'],
    [{ dormant: 'no' }, '/dormant'],
    [{ lastWarnSaleAt: '2027-12-30T10:00:00+08:00' }, '/lastWarnSaleAt'],
  ])('bad input %j names %s', async (input, field) => {
    const err = await policy.decide('callbacks', input).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT' });
    expect((err as { details: { field: string }[] }).details[0]!.field).toBe(field);
  });

  it('explains each trigger with the YAML line it comes from', async () => {
    const r = await policy.decide('callbacks', { accountOpenedAt: '2026-06-10', completed: { 'new-account': '2026-06-12' }, vipTier: 'gold' }, { explain: true, at: FROZEN_NOW });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const triggerLine = (id: string) => text.indexOf(`  ${id}:`) + 3;
    expect(r.trace!.find((s) => s.rule === 'new-account')).toMatchObject({
      fired: false,
      source: { file: BASE_FILE, path: '/types/new-account/trigger', line: triggerLine('new-account') + 1, column: 7 },
      conditions: [
        { fact: 'accountOpenedAt', operator: 'equal', value: true, factValue: true, result: true },
        { fact: 'completedSinceEvent', operator: 'doesNotContain', value: 'new-account', factValue: ['new-account'], result: false },
      ],
    });
    expect(r.trace!.find((s) => s.rule === 'vip-quarterly')).toMatchObject({
      fired: true, outcome: { callback: 'vip-quarterly', dueAt: '2026-06-30T23:59:59+08:00' },
      source: { path: '/types/vip-quarterly/trigger', line: triggerLine('vip-quarterly') + 1 },
      conditions: [{ fact: 'vipTier', operator: 'in', value: ['gold', 'platinum', 'diamond'], factValue: 'gold', result: true }],
    });
    expect(r.trace!.find((s) => s.rule === 'annual-sample')).toMatchObject({ fired: false, source: { path: '/annualSample/population' } });
  });
});

describe('callbacks are driven by the policy data', () => {
  it.each([
    [{ accountOpenedAt: '2026-06-10' }, 'new-account', '2026-07-10T23:59:59+08:00', '2026-06-25T23:59:59+08:00'],
    [{ lastWarnSaleAt: '2026-09-30T14:00:00+08:00' }, 'warn-sale', '2026-10-09T23:59:59+08:00', '2026-10-08T23:59:59+08:00'],
    [{ complaintClosedAt: '2026-06-25' }, 'complaint-closed', '2026-07-02T23:59:59+08:00', '2026-07-02T23:59:59+08:00'],
  ])('%j: %s due %s in the baseline, %s in the csrc-2017 set', async (input, id, base, other) => {
    expect(await only(policy, input)).toMatchObject({ id, dueAt: base });
    expect(await only(csrc, input)).toMatchObject({ id, dueAt: other });
  });

  it('calls VIPs back by the set’s own period', async () => {
    const input = { vipTier: 'gold', completed: { 'vip-quarterly': '2026-02-01', 'vip-half-yearly': '2026-02-01' } };
    await expect(policy.decide('callbacks', input)).rejects.toMatchObject({ code: 'BAD_INPUT' }); // not a baseline type
    expect(await only(policy, { vipTier: 'gold', completed: { 'vip-quarterly': '2026-02-01' } })).toMatchObject({ dueAt: '2026-06-30T23:59:59+08:00' });
    expect(await only(csrc, { vipTier: 'gold', completed: { 'vip-half-yearly': '2026-02-01' } })).toMatchObject({ id: 'vip-half-yearly', dueAt: '2026-12-31T23:59:59+08:00' });
  });

  it('a branch may shorten due periods and sample more, not the reverse', async () => {
    const stricter = applyOverride(baseSet, 'callbacks:\n  types:\n    transfer-closure: { due: { amount: 14 } }\n  annualSample: { ratio: 0.2 }\n');
    expect(stricter.diagnostics).toEqual([]);
    const out = await decide(compile(stricter.effective), { transferOrClosureAt: '2026-06-30' });
    expect(out).toMatchObject({ callbacks: [{ dueAt: '2026-07-14T23:59:59+08:00' }], annualSample: { ratio: 0.2 } });
    for (const patch of [
      'callbacks:\n  types:\n    transfer-closure: { due: { amount: 60 } }\n',
      'callbacks:\n  annualSample: { ratio: 0.05 }\n',
      'callbacks:\n  types:\n    new-account: { items: [identity] }\n',
    ]) {
      expect(applyOverride(baseSet, patch).diagnostics.map((d) => d.code), patch).toContain('OVERRIDE_OUT_OF_BOUNDS');
    }
  });
});

describe('policies the callbacks decision cannot serve', () => {
  const texts = readPolicyFiles([join(RULES_DIR, 'callbacks.yaml'), join(RULES_DIR, 'complaint.yaml')]);
  const withCallbacks = (edit: (text: string) => string) => {
    const loaded = loadPolicyTexts(texts.map((t) => t.file.endsWith('callbacks.yaml') ? { file: t.file, text: edit(t.text.toString()) } : t));
    expect(loaded.diagnostics).toEqual([]);
    try { compile(loaded.set); } catch (err) { return err; }
    return undefined;
  };

  it('compiles without a vip policy, taking tiers as given', async () => {
    const loaded = loadPolicyTexts(texts);
    expect(loaded.diagnostics).toEqual([]);
    expect(await decide(compile(loaded.set), { vipTier: 'gold' })).toMatchObject({ callbacks: [{ id: 'vip-quarterly' }] });
  });

  it('refuses a fact the decision cannot supply', () => {
    const err = withCallbacks((t) => t.replace('facts:\n', 'facts:\n  riskLevel: { type: string, label: { zh: 风险等级, en: Risk level } }\n'));
    expect(err).toBeInstanceOf(PolicyCompileError);
    expect((err as PolicyCompileError).diagnostics).toEqual([expect.objectContaining({ code: 'CONDITION_FACT_UNKNOWN', path: '/facts/riskLevel' })]);
  });

  it('refuses a due date counted from a fact that is no date it reads', () => {
    const err = withCallbacks((t) => t.replace('due: { after: complaintClosedAt,', 'due: { after: dormant,'));
    expect(err).toBeInstanceOf(PolicyCompileError);
    expect((err as PolicyCompileError).diagnostics).toEqual([expect.objectContaining({ code: 'REFERENCE_UNRESOLVED', path: '/types/complaint-closed/due/after' })]);
  });
});
