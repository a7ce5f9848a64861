// Who may do what, as a table: every route × every caller (no token, head office, the branch
// whose resource it is, another branch, a system, an auditor), one test per cell asserting its
// status. Resources belong to branch 0101; "other" is a branch 0202 token reaching for them.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROZEN_NOW } from '../helpers/policy-sets.ts';
import { openTestServer, THRESHOLD_OVERRIDE, type TestServer, type TokenName } from './helpers.ts';

const CALLERS = ['none', 'headOffice', 'own', 'other', 'system', 'auditor'] as const;
type Caller = (typeof CALLERS)[number];
const TOKEN: Record<Caller, TokenName | undefined> = { none: undefined, headOffice: 'headOffice', own: 'branch0101', other: 'branch0202', system: 'system', auditor: 'auditor' };

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

/** Each proposal its own threshold: a branch may not have two pending with the same content. */
let proposals = 0;
function distinctOverride(): string {
  proposals += 1;
  return THRESHOLD_OVERRIDE.replace('2.5', String(2 + proposals / 1000));
}
async function proposal(by: TokenName = 'branch0101'): Promise<number> {
  const r = await s.call(by, { method: 'POST', url: '/v1/branches/0101/proposals', payload: { baseRevision: await activeRevision(), override: distinctOverride(), reason: 'table' } });
  return r.json().id as number;
}
async function activeRevision(): Promise<number> {
  return (await s.call('system', { method: 'GET', url: '/v1/revisions' })).json().find((r: { status: string }) => r.status === 'active').id;
}
async function recordedDecision(): Promise<string> {
  const r = await s.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { branch: '0101', asOf: FROZEN_NOW.toISOString(), input: { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { riskLevel: 'low' } } } });
  return r.json().decisionId as string;
}

const decideInput = { input: { assets: 2_000_000, turnover: 2.7 }, branch: '0101' };
const ndjson = { 'content-type': 'application/x-ndjson' };

/** [route, how to build the request (after any setup), expected status per caller]. */
const TABLE: [string, () => Promise<InjectOptions>, Record<Caller, number>][] = [
  ['POST /v1/decide/classification', async () => ({ method: 'POST', url: '/v1/decide/classification', payload: decideInput }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  ['POST /v1/decide/{decision}/batch', async () => ({ method: 'POST', url: '/v1/decide/classification/batch?branch=0101', headers: ndjson, payload: '{"assets":1,"turnover":1}\n' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  ['GET /v1/revisions', async () => ({ method: 'GET', url: '/v1/revisions' }), { none: 401, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['GET /v1/revisions/{id}', async () => ({ method: 'GET', url: '/v1/revisions/1' }), { none: 401, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['GET /v1/revisions/{id}/bundle', async () => ({ method: 'GET', url: '/v1/revisions/1/bundle' }), { none: 401, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['POST /v1/revisions', async () => ({ method: 'POST', url: '/v1/revisions', payload: { documents: {}, note: 'table', force: true, acknowledge: true } }), { none: 401, headOffice: 201, own: 403, other: 403, system: 403, auditor: 403 }],
  ['POST /v1/validate (override)', async () => ({ method: 'POST', url: '/v1/validate', payload: { branch: '0101', override: THRESHOLD_OVERRIDE } }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  ['POST /v1/branches/{code}/proposals', async () => ({ method: 'POST', url: '/v1/branches/0101/proposals', payload: { baseRevision: await activeRevision(), override: distinctOverride(), reason: 'table' } }), { none: 401, headOffice: 201, own: 201, other: 403, system: 403, auditor: 403 }],
  ['GET /v1/proposals?branch=', async () => ({ method: 'GET', url: '/v1/proposals?branch=0101' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  // Another branch is told nothing, not even that the proposal exists.
  ['GET /v1/proposals/{id}', async () => ({ method: 'GET', url: `/v1/proposals/${await proposal()}` }), { none: 401, headOffice: 200, own: 200, other: 404, system: 200, auditor: 200 }],
  ['POST /v1/proposals/{id}/approve', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal()}/approve`, payload: {} }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 403 }],
  ['POST /v1/proposals/{id}/approve (own proposal)', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal('headOffice')}/approve`, payload: {} }), { none: 401, headOffice: 403, own: 403, other: 403, system: 403, auditor: 403 }],
  ['POST /v1/proposals/{id}/reject', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal()}/reject`, payload: { comment: 'no' } }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 403 }],
  ['POST /v1/proposals/{id}/withdraw', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal()}/withdraw` }), { none: 401, headOffice: 403, own: 200, other: 404, system: 403, auditor: 403 }],
  // The branch rebases its own proposal; head office asks it to, and may not rebase one it did not submit.
  ['POST /v1/proposals/{id}/rebase', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal()}/rebase`, payload: {} }), { none: 401, headOffice: 403, own: 201, other: 404, system: 403, auditor: 403 }],
  ['POST /v1/proposals/{id}/request-rebase', async () => ({ method: 'POST', url: `/v1/proposals/${await proposal()}/request-rebase`, payload: { comment: '请变基' } }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 403 }],
  ['GET /v1/overrides?branch=', async () => ({ method: 'GET', url: '/v1/overrides?branch=0101' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  ['GET /v1/branches/{code}/policy', async () => ({ method: 'GET', url: '/v1/branches/0101/policy' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  ['POST /v1/simulate', async () => ({ method: 'POST', url: '/v1/simulate', payload: { decision: 'classification', branch: '0101', candidate: { override: THRESHOLD_OVERRIDE }, inputs: [{ assets: 1, turnover: 1 }] } }), { none: 401, headOffice: 200, own: 200, other: 403, system: 200, auditor: 200 }],
  // Another branch is told nothing, not even that the record exists.
  ['GET /v1/decisions/{id}', async () => ({ method: 'GET', url: `/v1/decisions/${await recordedDecision()}` }), { none: 401, headOffice: 200, own: 200, other: 404, system: 200, auditor: 200 }],
  ['GET /v1/audit?branch=', async () => ({ method: 'GET', url: '/v1/audit?branch=0101' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 403, auditor: 200 }],
  ['GET /v1/audit/export?branch=', async () => ({ method: 'GET', url: '/v1/audit/export?branch=0101' }), { none: 401, headOffice: 200, own: 200, other: 403, system: 403, auditor: 200 }],
  ['GET /v1/audit/checkpoint', async () => ({ method: 'GET', url: '/v1/audit/checkpoint' }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 200 }],
  ['GET /v1/audit/verify', async () => ({ method: 'GET', url: '/v1/audit/verify' }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 200 }],
  ['POST /v1/tokens', async () => ({ method: 'POST', url: '/v1/tokens', payload: { role: 'system', name: 'table' } }), { none: 401, headOffice: 201, own: 403, other: 403, system: 403, auditor: 403 }],
  ['GET /v1/tokens', async () => ({ method: 'GET', url: '/v1/tokens' }), { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 200 }],
  ['POST /v1/tokens/{id}/revoke', async () => {
    const id = (await s.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'system', name: 'to revoke' } })).json().id;
    return { method: 'POST', url: `/v1/tokens/${id}/revoke` };
  }, { none: 401, headOffice: 200, own: 403, other: 403, system: 403, auditor: 403 }],
  ['GET /v1/me', async () => ({ method: 'GET', url: '/v1/me' }), { none: 401, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['GET /healthz', async () => ({ method: 'GET', url: '/healthz' }), { none: 200, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['GET /readyz', async () => ({ method: 'GET', url: '/readyz' }), { none: 200, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
  ['GET /metrics', async () => ({ method: 'GET', url: '/metrics' }), { none: 401, headOffice: 200, own: 403, other: 403, system: 200, auditor: 200 }],
  ['GET /docs/json', async () => ({ method: 'GET', url: '/docs/json' }), { none: 200, headOffice: 200, own: 200, other: 200, system: 200, auditor: 200 }],
];

describe('authorisation: route × caller', () => {
  for (const [route, request, expected] of TABLE) {
    for (const caller of CALLERS) {
      it(`${route} as ${caller} → ${expected[caller]}`, async () => {
        const r = await s.call(TOKEN[caller], await request());
        expect(r.statusCode, r.body.slice(0, 300)).toBe(expected[caller]);
        if (r.statusCode === 401) expect(r.json().error.code).toBe('UNAUTHENTICATED');
        if (r.statusCode === 403) expect(r.json().error.code).toBe('FORBIDDEN');
      });
    }
  }
});

describe('another branch\'s proposal reads as one that does not exist', () => {
  const missing = 2_000_000;
  const notFound = (id: number) => ({ error: { code: 'NOT_FOUND', message: `There is no proposal ${id}.` } });
  let theirs: number;
  beforeAll(async () => { theirs = await proposal(); });

  it('GET /v1/proposals/{id} and withdraw: the same 404 as for an id that does not exist', async () => {
    for (const id of [theirs, missing]) {
      const read = await s.call('branch0202', { method: 'GET', url: `/v1/proposals/${id}` });
      const withdraw = await s.call('branch0202', { method: 'POST', url: `/v1/proposals/${id}/withdraw` });
      expect([read.statusCode, read.json()], String(id)).toEqual([404, notFound(id)]);
      expect([withdraw.statusCode, withdraw.json()], String(id)).toEqual([404, notFound(id)]);
    }
    // Its own branch still sees it (and it was not withdrawn).
    expect((await s.call('branch0101', { method: 'GET', url: `/v1/proposals/${theirs}` })).json().status).toBe('submitted');
  });

  it('POST /v1/simulate with its id, whichever branch is named', async () => {
    const simulate = (as: TokenName, proposalId: number, branch?: string) => s.call(as, {
      method: 'POST', url: '/v1/simulate',
      payload: { decision: 'classification', ...(branch ? { branch } : {}), candidate: { proposalId }, inputs: [{ assets: 1, turnover: 1 }] },
    });
    for (const branch of [undefined, '0202', '0101']) {
      for (const id of [theirs, missing]) {
        const r = await simulate('branch0202', id, branch);
        expect([r.statusCode, r.json()], `${id} ${branch}`).toEqual([404, notFound(id)]);
      }
    }
    expect((await simulate('branch0101', theirs)).statusCode).toBe(200);
    expect((await simulate('headOffice', theirs)).statusCode).toBe(200);
  });
});
