// The publish workflow through the API, on the store the suite runs on (PGlite, and PostgreSQL in
// the server-postgres project): every refusal it adds with its whole error body, what validate
// says a publish will do, and the audit entry of each effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, rulesText, THRESHOLD_OVERRIDE, type TestServer, type TokenName } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

const withThreshold = (value: number): string => rulesText('classification').replace(/^turnoverThreshold: .*$/m, `turnoverThreshold: ${value}`);
const withSource = (kind: string, source: string): string => rulesText(kind).replace(/^source: .*$/m, `source: ${source}`);
const publish = (body: Record<string, unknown>) => s.call('headOffice', { method: 'POST', url: '/v1/revisions', payload: { note: 'workflow', ...body } });
const inForce = async (): Promise<number> => (await s.call('system', { method: 'GET', url: '/v1/revisions' })).json().find((r: { status: string }) => r.status === 'active').id;
const auditOf = async (action: string): Promise<{ subject: string; summary: Record<string, unknown> }[]> =>
  (await s.call('auditor', { method: 'GET', url: `/v1/audit?action=${action}` })).json();
const propose = async (as: TokenName, branch: string, override: string) =>
  s.call(as, { method: 'POST', url: `/v1/branches/${branch}/proposals`, payload: { baseRevision: await inForce(), override, reason: '本地客户周转率偏低' } });

describe('a publish that would change nothing', () => {
  it('is 409 REVISION_UNCHANGED naming the revision in force, and publishes with force', async () => {
    const r = await publish({ documents: { classification: rulesText('classification') } });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: { code: 'REVISION_UNCHANGED', message: expect.stringMatching(/^These documents decide exactly as revision 1 in force from /), details: [{ revision: 1 }] } });
    const forced = await publish({ documents: { classification: `# 复核\n${rulesText('classification')}` }, force: true });
    expect(forced.statusCode).toBe(201);
    expect(forced.json()).toMatchObject({ id: 2, status: 'active', rescheduled: [], effects: [] });
  });
});

describe('a kind changed by another publish since the documents were edited', () => {
  it('is 409 REVISION_CONFLICT naming the kind and both revisions', async () => {
    const base = await inForce();
    expect((await publish({ documents: { vip: withSource('vip', '甲') }, baseRevision: base })).statusCode).toBe(201);
    const r = await publish({ documents: { vip: withSource('vip', '乙') }, baseRevision: base });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: { code: 'REVISION_CONFLICT', message: `Revision ${base + 1} changed vip since revision ${base}, which these documents were edited from; review it and publish again.`, details: [{ kind: 'vip', baseRevision: base, currentRevision: base + 1 }] } });
  });
});

describe('effects', () => {
  let overrideId: number;
  let staleId: number;

  it('validate previews the suspension of an approved override and the staleness of a pending proposal; publish wants them acknowledged', async () => {
    const p = (await propose('branch0101', '0101', THRESHOLD_OVERRIDE)).json();
    overrideId = (await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${p.id}/approve`, payload: { comment: '同意' } })).json().effective.overrideId;
    staleId = (await propose('branch0202', '0202', THRESHOLD_OVERRIDE)).json().id;

    const documents = { classification: withThreshold(3.2) };
    const preview = (await s.call('headOffice', { method: 'POST', url: '/v1/validate', payload: { documents } })).json();
    const reason = { path: '/classification/turnoverThreshold', code: 'OVERRIDE_BASE_CHANGED', message: expect.any(String) };
    expect(preview).toMatchObject({
      valid: true, unchanged: false, effectsId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      effects: [
        { type: 'override-suspended', branch: '0101', override: overrideId, from: expect.any(String), reasons: [expect.objectContaining(reason)] },
        { type: 'proposal-stale', branch: '0202', proposal: staleId, reasons: [expect.objectContaining(reason)] },
      ],
    });
    // A branch sees its own branch's effects only, and no digest to acknowledge with.
    const mine = (await s.call('branch0202', { method: 'POST', url: '/v1/validate', payload: { documents } })).json();
    expect(mine.effects.map((e: { type: string }) => e.type)).toEqual(['proposal-stale']);
    expect(mine.effectsId).toBeUndefined();

    const refused = await publish({ documents });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'EFFECTS_UNACKNOWLEDGED', details: [{ effectsId: preview.effectsId, effects: [{ type: 'override-suspended' }, { type: 'proposal-stale' }] }] } });
    const published = await publish({ documents, acknowledge: preview.effectsId });
    expect(published.statusCode).toBe(201);
    expect(published.json().effects).toHaveLength(2);
  });

  it('audits the suspension and the staleness, each in an entry of its own', async () => {
    expect(await auditOf('override.suspend')).toEqual([expect.objectContaining({ subject: `override:${overrideId}`, summary: expect.objectContaining({ branch: '0101', override: overrideId }) })]);
    expect(await auditOf('proposal.stale')).toEqual([expect.objectContaining({ subject: `proposal:${staleId}`, summary: expect.objectContaining({ branch: '0202', proposal: staleId }) })]);
    const states = (await s.call('headOffice', { method: 'GET', url: '/v1/overrides' })).json();
    expect(states).toEqual([expect.objectContaining({ id: overrideId, branch: '0101', inForce: true, status: 'suspended', problems: [expect.objectContaining({ code: 'OVERRIDE_BASE_CHANGED' })] })]);
    const decided = (await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { branch: '0101', input: { assets: 2_000_000, turnover: 2.7 } } })).json();
    expect(decided.override).toEqual({ id: overrideId, status: 'suspended' });
  });

  it('a stale proposal: approval refused, a rebase asked for and audited, the branch rebases in one step', async () => {
    const approve = await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${staleId}/approve`, payload: {} });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().error.code).toBe('PROPOSAL_STALE');
    expect((await s.call('branch0202', { method: 'GET', url: `/v1/proposals/${staleId}` })).json()).toMatchObject({ status: 'submitted', stale: { reasons: [{ code: 'OVERRIDE_BASE_CHANGED' }] } });

    const asked = await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${staleId}/request-rebase`, payload: { comment: '请按新阈值重新确认' } });
    expect(asked.statusCode).toBe(200);
    expect(await auditOf('proposal.rebase-request')).toEqual([expect.objectContaining({ subject: `proposal:${staleId}`, summary: { branch: '0202', comment: '请按新阈值重新确认' } })]);

    const rebased = await s.call('branch0202', { method: 'POST', url: `/v1/proposals/${staleId}/rebase`, payload: {} });
    expect(rebased.statusCode).toBe(201);
    expect(rebased.json()).toMatchObject({ status: 'submitted', baseRevision: await inForce(), replaces: staleId, override: THRESHOLD_OVERRIDE });
    expect(rebased.json().stale).toBeUndefined();
    expect((await s.call('branch0202', { method: 'GET', url: `/v1/proposals/${staleId}` })).json()).toMatchObject({ status: 'superseded', replacedBy: rebased.json().id });
    expect(await auditOf('proposal.supersede')).toEqual([expect.objectContaining({ subject: `proposal:${staleId}`, summary: expect.objectContaining({ by: rebased.json().id }) })]);
  });

  it('the same override pending twice is 409 PROPOSAL_DUPLICATE naming the pending one', async () => {
    const pending = (await s.call('branch0202', { method: 'GET', url: '/v1/proposals?status=submitted' })).json() as { id: number }[];
    const r = await propose('branch0202', '0202', `# 再提交一次\n${THRESHOLD_OVERRIDE}`);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: { code: 'PROPOSAL_DUPLICATE', message: `Branch 0202 already has proposal ${pending[0]!.id} pending with the same content; withdraw or rebase that one instead.`, details: [{ proposal: pending[0]!.id }] } });
  });
});

describe('scheduled revisions', () => {
  it('an immediate publish keeps one scheduled later (rebased, audited), or replaces it when asked; as-of answers follow', async () => {
    const day = 24 * 3600_000;
    const scheduledAt = new Date(Date.now() + 30 * day).toISOString();
    const scheduled = (await publish({ documents: { vip: withSource('vip', '2027年修订') }, effectiveFrom: scheduledAt, acknowledge: true })).json();
    expect(scheduled.status).toBe('scheduled');

    const kept = await publish({ documents: { 'value-segment': withSource('value-segment', '即时修订') }, acknowledge: true });
    expect(kept.statusCode).toBe(201);
    const { id, rescheduled, effects } = kept.json();
    expect(effects).toEqual([{ type: 'revision-rescheduled', revision: scheduled.id, effectiveFrom: scheduledAt, kinds: ['vip'], overrides: [] }]);
    expect(rescheduled).toEqual([{ replaces: scheduled.id, id: id + 1 }]);
    expect(await auditOf('revision.reschedule')).toEqual([expect.objectContaining({ subject: `revision:${scheduled.id}`, summary: expect.objectContaining({ republishedAs: id + 1, after: id }) })]);
    const again = (await s.call('auditor', { method: 'GET', url: `/v1/revisions/${id + 1}` })).json();
    expect(again).toMatchObject({ replaces: scheduled.id, status: 'scheduled', effectiveFrom: scheduledAt });
    expect(again.documents.vip).toContain('2027年修订');
    expect(again.documents['value-segment']).toContain('即时修订');
    const revisionAt = async (asOf: string): Promise<number> =>
      (await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { asOf, input: { assets: 1, turnover: 1 } } })).json().revision.id;
    expect(await revisionAt(new Date(Date.parse(scheduledAt) - 1000).toISOString())).toBe(id);
    expect(await revisionAt(new Date(Date.parse(scheduledAt) + 1000).toISOString())).toBe(id + 1);

    const replaced = await publish({ documents: { 'value-segment': withSource('value-segment', '再修订') }, scheduled: 'replace', acknowledge: true });
    expect(replaced.json().effects).toEqual([{ type: 'revision-superseded', revision: id + 1, effectiveFrom: scheduledAt, reason: 'replaced' }]);
    expect(await auditOf('revision.supersede')).toEqual([expect.objectContaining({ subject: `revision:${id + 1}`, summary: expect.objectContaining({ by: replaced.json().id, reason: 'replaced' }) })]);
    expect(await revisionAt(new Date(Date.parse(scheduledAt) + 1000).toISOString())).toBe(replaced.json().id);
  });
});
