// complaint decisions: deadlines for each severity at the edges of days, weekends, holidays and
// make-up days; the extension limit; escalation; record keeping; bad input; the explain trace;
// the second policy set; what a branch may change; and facts the decision cannot supply.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { PolicyCompileError } from '../../src/engine/decision.ts';
import { complaint } from '../../src/engine/decisions/complaint.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyDir, loadPolicyTexts, type PolicySet } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const BASE_FILE = join(RULES_DIR, 'complaint.yaml');
const CSRC_DIR = join(RULES_DIR, 'examples/csrc-2017');
const compile = (set: PolicySet) => CompiledPolicy.compile(set, [complaint]);
const baseSet = loadPolicyDir(RULES_DIR).set;
const policy = compile(baseSet);
const csrc = compile(loadPolicyDir(CSRC_DIR).set);
const decide = async (p: CompiledPolicy, input: Record<string, unknown>) => (await p.decide('complaint', input)).output;

describe('complaint deadlines (baseline)', () => {
  it.each([
    // receivedAt, acknowledgeBy (1 working day), resolveBy (7 days)
    ['2026-06-30T00:00:00+08:00', '2026-07-01T23:59:59+08:00', '2026-07-07T23:59:59+08:00'],
    ['2026-06-30T23:59:59+08:00', '2026-07-01T23:59:59+08:00', '2026-07-07T23:59:59+08:00'],
    ['2026-06-30T16:00:00Z', '2026-07-02T23:59:59+08:00', '2026-07-08T23:59:59+08:00'], // 1 July in China
    ['2026-07-03T18:00:00+08:00', '2026-07-06T23:59:59+08:00', '2026-07-10T23:59:59+08:00'], // Friday
    ['2026-07-04T10:00:00+08:00', '2026-07-06T23:59:59+08:00', '2026-07-11T23:59:59+08:00'], // Saturday
    ['2026-09-18T17:00:00+08:00', '2026-09-20T23:59:59+08:00', '2026-09-25T23:59:59+08:00'], // make-up Sunday
    ['2026-09-30T16:00:00+08:00', '2026-10-08T23:59:59+08:00', '2026-10-07T23:59:59+08:00'], // National Day
    ['2026-02-13T10:00:00+08:00', '2026-02-14T23:59:59+08:00', '2026-02-20T23:59:59+08:00'], // make-up Saturday
  ])('a general complaint received %s: acknowledged by %s, resolved by %s', async (receivedAt, acknowledgeBy, resolveBy) => {
    expect(await decide(policy, { severity: 'general', receivedAt })).toMatchObject({ severity: 'general', label: '一般', labelEn: 'General', acknowledgeBy, resolveBy, escalate: false, escalateTo: [] });
  });

  it.each([
    ['2026-06-30T10:00:00+08:00', '2026-06-30T14:00:00+08:00', '2026-07-15T23:59:59+08:00'],
    ['2026-06-30T20:00:00+08:00', '2026-07-01T00:00:00+08:00', '2026-07-15T23:59:59+08:00'],
    ['2026-10-01T09:00:00+08:00', '2026-10-01T13:00:00+08:00', '2026-10-16T23:59:59+08:00'], // hours run through holidays
  ])('a major complaint received %s: acknowledged by %s, resolved by %s, escalated to head office', async (receivedAt, acknowledgeBy, resolveBy) => {
    expect(await decide(policy, { severity: 'major', receivedAt })).toMatchObject({
      severity: 'major', label: '重大', acknowledgeBy, resolveBy,
      escalate: true, escalateTo: [{ id: 'head-office', label: '经纪业务管理总部', labelEn: 'Brokerage business head office' }],
    });
  });

  it.each([['general', 'general'], ['一般', 'general'], ['major', 'major'], ['重大', 'major']])('names severity %s as %s', async (severity, id) => {
    expect((await decide(policy, { severity, receivedAt: '2026-06-30' })).severity).toBe(id);
  });

  it.each([
    [0, '2026-07-07T23:59:59+08:00'],
    [1, '2026-07-08T23:59:59+08:00'],
    [30, '2026-08-06T23:59:59+08:00'],
  ])('an extension of %d days resolves by %s', async (extensionDays, resolveBy) => {
    expect(await decide(policy, { severity: 'general', receivedAt: '2026-06-30T10:00:00+08:00', extensionDays })).toMatchObject({ extensionDays, resolveBy });
  });

  it('keeps records 3 years from closure, or from the resolution limit while open', async () => {
    expect((await decide(policy, { severity: 'general', receivedAt: '2026-06-30T10:00:00+08:00' })).retainUntil).toBe('2029-07-07T23:59:59+08:00');
    expect(await decide(policy, { severity: 'general', receivedAt: '2026-06-30T10:00:00+08:00', closedAt: '2026-07-02T09:00:00+08:00' }))
      .toMatchObject({ closedAt: '2026-07-02T09:00:00+08:00', retainUntil: '2029-07-02T23:59:59+08:00' });
  });

  it.each([
    [{ receivedAt: '2026-06-30' }, '/severity'],
    [{ severity: 'urgent', receivedAt: '2026-06-30' }, '/severity'],
    [{ severity: 'general' }, '/receivedAt'],
    [{ severity: 'general', receivedAt: '30/06/2026' }, '/receivedAt'],
    [{ severity: 'general', receivedAt: '2026-06-30T10:00:00' }, '/receivedAt'],
    [{ severity: 'general', receivedAt: '2026-06-30', extensionDays: 31 }, '/extensionDays'],
    [{ severity: 'general', receivedAt: '2026-06-30', extensionDays: -1 }, '/extensionDays'],
    [{ severity: 'general', receivedAt: '2026-06-30', extensionDays: 2.5 }, '/extensionDays'],
    [{ severity: 'general', receivedAt: '2026-06-30', closedAt: 'soon' }, '/closedAt'],
    [{ severity: 'general', receivedAt: '2027-12-31T09:00:00+08:00' }, '/receivedAt'],
  ])('bad input %j names %s', async (input, field) => {
    const err = await policy.decide('complaint', input).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT', details: expect.arrayContaining([expect.objectContaining({ field })]) });
    expect((err as { details: { field: string }[] }).details[0]!.field).toBe(field);
  });

  it('explains the severity and the escalation with the YAML lines they come from', async () => {
    const r = await policy.decide('complaint', { severity: '重大', receivedAt: '2026-06-30' }, { explain: true });
    const text = readFileSync(BASE_FILE, 'utf8').split('\n');
    const majorLine = text.indexOf('  major:') + 1;
    const whenLine = text.indexOf('  head-office:') + 3;
    expect(r.trace).toEqual([
      expect.objectContaining({ rule: 'severity/general', fired: false }),
      expect.objectContaining({
        rule: 'severity/major', fired: true, outcome: { severity: 'major' },
        source: { file: BASE_FILE, path: '/severities/major', line: majorLine + 1, column: 5 },
        conditions: [{ fact: 'severity', operator: 'in', value: ['major', '重大'], factValue: '重大', result: true }],
      }),
      expect.objectContaining({
        rule: 'escalation/head-office', fired: true, outcome: { escalateTo: 'head-office' },
        source: expect.objectContaining({ path: '/escalations/head-office/when', line: whenLine + 1 }),
        conditions: [expect.objectContaining({ fact: 'severity', value: 'major', factValue: 'major' })],
      }),
    ]);
  });
});

describe('complaint is driven by the policy data', () => {
  it.each([
    [{ severity: 'major', receivedAt: '2026-06-30T10:00:00+08:00' }, 'acknowledgeBy', '2026-06-30T14:00:00+08:00', '2026-06-30T12:00:00+08:00'],
    [{ severity: 'major', receivedAt: '2026-06-30T10:00:00+08:00' }, 'resolveBy', '2026-07-15T23:59:59+08:00', '2026-07-14T23:59:59+08:00'],
    [{ severity: 'general', receivedAt: '2026-09-30T16:00:00+08:00' }, 'resolveBy', '2026-10-07T23:59:59+08:00', '2026-10-13T23:59:59+08:00'],
  ])('%j: %s is %s in the baseline, %s in the csrc-2017 set', async (input, field, base, other) => {
    expect((await decide(policy, input))[field]).toBe(base);
    expect((await decide(csrc, input))[field]).toBe(other);
  });

  it('escalates on the set’s own conditions and caps extensions at the set’s maximum', async () => {
    const input = { severity: 'general', receivedAt: '2026-06-30T10:00:00+08:00', extensionDays: 10 };
    expect((await decide(policy, input)).escalateTo).toEqual([]);
    expect((await decide(csrc, input)).escalateTo).toEqual([expect.objectContaining({ id: 'compliance', label: '合规风控部' })]);
    await expect(csrc.decide('complaint', { ...input, extensionDays: 16 })).rejects.toMatchObject({ details: [expect.objectContaining({ field: '/extensionDays' })] });
  });

  it('a branch may shorten limits and keep records longer, not the reverse', async () => {
    const faster = applyOverride(baseSet, 'complaint:\n  severities:\n    general: { resolve: { amount: 5 } }\n  records: { retain: { amount: 5 } }\n');
    expect(faster.diagnostics).toEqual([]);
    expect(await decide(compile(faster.effective), { severity: 'general', receivedAt: '2026-06-30T10:00:00+08:00' }))
      .toMatchObject({ resolveBy: '2026-07-05T23:59:59+08:00', retainUntil: '2031-07-05T23:59:59+08:00' });
    for (const patch of [
      'complaint:\n  severities:\n    major: { acknowledge: { amount: 8 } }\n',
      'complaint:\n  severities:\n    major: { acknowledge: { unit: working-days } }\n',
      'complaint:\n  extension: { maxDays: 60 }\n',
      'complaint:\n  records: { retain: { amount: 2 } }\n',
      'complaint:\n  calendar: { to: 2028-12-31 }\n',
    ]) {
      expect(applyOverride(baseSet, patch).diagnostics.map((d) => d.code), patch).toContain('OVERRIDE_OUT_OF_BOUNDS');
    }
  });

  it('does not compile a policy whose conditions need facts the decision cannot supply', () => {
    const text = readFileSync(BASE_FILE, 'utf8').replace('  extensionDays:\n    type: number', '  amountInvolved:\n    type: number');
    const loaded = loadPolicyTexts([{ file: 'complaint.yaml', text }]);
    expect(loaded.diagnostics).toEqual([]);
    let error: unknown;
    try { compile(loaded.set); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect((error as PolicyCompileError).diagnostics).toEqual([expect.objectContaining({ code: 'CONDITION_FACT_UNKNOWN', path: '/facts/amountInvolved' })]);
  });
});
