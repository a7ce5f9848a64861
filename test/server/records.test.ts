// Decision records, the audit trail, tokens and /v1/me, through inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROZEN_NOW } from '../helpers/policy-sets.ts';
import { openTestServer, THRESHOLD_OVERRIDE, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

const suitabilityInput = { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: '货币型基金' } };

describe('decision records', () => {
  it('suitability is recorded (its policy says so) before the answer; the record holds input, output, revision and caller', async () => {
    const answer = (await s.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { input: suitabilityInput, branch: '0101', asOf: FROZEN_NOW.toISOString() } })).json();
    expect(answer.recorded).toBe(true);
    const r = await s.call('auditor', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      decisionId: answer.decisionId, decision: 'suitability', input: suitabilityInput, output: answer.output,
      revision: answer.revision, branch: '0101', at: expect.any(String), caller: 'token:5 (crm)', requestId: expect.stringMatching(/^req-/),
    });
    // Branch 0101 may read it; branch 0202 learns nothing about it.
    expect((await s.call('branch0101', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` })).statusCode).toBe(200);
    const other = await s.call('branch0202', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ error: { code: 'NOT_FOUND', message: `There is no recorded decision ${answer.decisionId}.` } });
  });

  it('records the trace when explained, and every recorded line of a batch', async () => {
    const explained = (await s.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { input: suitabilityInput, explain: true, asOf: FROZEN_NOW.toISOString() } })).json();
    expect((await s.call('headOffice', { method: 'GET', url: `/v1/decisions/${explained.decisionId}` })).json().trace).toEqual(explained.trace);
    const batch = await s.call('system', {
      method: 'POST', url: `/v1/decide/suitability/batch?asOf=${FROZEN_NOW.toISOString()}`, headers: { 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(suitabilityInput)}\n${JSON.stringify(suitabilityInput)}\n`,
    });
    for (const line of batch.body.trimEnd().split('\n').map((l) => JSON.parse(l))) {
      expect(line.recorded).toBe(true);
      expect((await s.call('auditor', { method: 'GET', url: `/v1/decisions/${line.decisionId}` })).json().output).toEqual(line.output);
    }
  });

  it('a decision whose policy does not ask for records is answered but not kept', async () => {
    const answer = (await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 1, turnover: 1 } } })).json();
    expect(answer.recorded).toBe(false);
    expect((await s.call('auditor', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` })).statusCode).toBe(404);
  });
});

describe('GET /v1/audit', () => {
  it('lists every change with actor and time, filtered by branch and action', async () => {
    const p = (await s.call('branch0101', { method: 'POST', url: '/v1/branches/0101/proposals', payload: { baseRevision: 1, override: THRESHOLD_OVERRIDE, reason: 'r' } })).json();
    await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${p.id}/reject`, payload: { comment: 'no' } });

    const all = (await s.call('auditor', { method: 'GET', url: '/v1/audit' })).json();
    expect(all[0]).toEqual({ seq: 1, at: expect.any(String), actor: 'system', action: 'revision.publish', subject: 'revision:1', summary: expect.any(Object), prevHash: '', hash: expect.stringMatching(/^sha256:/) });
    expect(all.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['revision.publish', 'token.create', 'proposal.submit', 'proposal.reject']));

    const mine = (await s.call('headOffice', { method: 'GET', url: '/v1/audit?branch=0101&action=proposal.reject' })).json();
    expect(mine).toEqual([expect.objectContaining({ action: 'proposal.reject', subject: `proposal:${p.id}`, actor: 'token:1 (first start)', summary: { branch: '0101', comment: 'no' } })]);

    const paged = (await s.call('auditor', { method: 'GET', url: '/v1/audit?after=2&limit=2' })).json();
    expect(paged.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
  });

  it('a branch reads only its own entries; a system token none', async () => {
    const own = (await s.call('branch0101', { method: 'GET', url: '/v1/audit' })).json();
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e: { summary: { branch?: string } }) => e.summary.branch === '0101')).toBe(true);
    expect((await s.call('branch0101', { method: 'GET', url: '/v1/audit?branch=0202' })).statusCode).toBe(403);
    const system = await s.call('system', { method: 'GET', url: '/v1/audit' });
    expect(system.statusCode).toBe(403);
    expect(system.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'The system role may not GET /v1/audit; allowed: head-office, auditor, branch.' } });
  });

  it('refuses an unknown action', async () => {
    const r = await s.call('auditor', { method: 'GET', url: '/v1/audit?action=coffee' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'BAD_INPUT', details: [{ field: 'action', in: 'query', message: expect.stringMatching(/^must be one of "revision.publish"/) }] });
  });
});

describe('tokens and /v1/me', () => {
  it('says who the caller is', async () => {
    expect((await s.call('branch0101', { method: 'GET', url: '/v1/me' })).json()).toEqual({ tokenId: 3, role: 'branch', branch: '0101', name: 'branch 0101' });
  });

  it('head office issues a token shown once, lists tokens without them, and revokes at once', async () => {
    const created = await s.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'branch', branch: '0303', name: '0303 柜台' } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(created.json()).toEqual({ id, role: 'branch', branch: '0303', name: '0303 柜台', createdAt: expect.any(String), createdBy: 'token:1 (first start)', token: expect.stringMatching(/^zhidu_/) });
    const me = await s.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ tokenId: id, branch: '0303' });

    const list = (await s.call('auditor', { method: 'GET', url: '/v1/tokens' })).json();
    expect(list.find((t: { id: number }) => t.id === id)).toEqual({ id, role: 'branch', branch: '0303', name: '0303 柜台', createdAt: expect.any(String), createdBy: 'token:1 (first start)' });
    expect(JSON.stringify(list)).not.toContain(token);

    expect((await s.call('headOffice', { method: 'POST', url: `/v1/tokens/${id}/revoke` })).json()).toMatchObject({ id, revokedAt: expect.any(String) });
    const after = await s.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'The token is unknown or has been revoked.' } });
  });

  it('refuses a branch token without its branch, and an unknown token id', async () => {
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'branch' } });
    // The wording is the store's; the shape and the field are the contract.
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: expect.stringMatching(/^branch: /), details: [{ field: 'branch', message: expect.any(String) }] } });
    const missing = await s.call('headOffice', { method: 'POST', url: '/v1/tokens/999/revoke' });
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no token 999.' } });
  });
});
