// Revisions, validation, branch proposals, the effective policy of a branch and simulation,
// through inject(): the life of a branch override from proposal to decisions, and every refusal
// on the way with its whole error body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIMULATION_INPUTS } from '../../src/engine/simulate.ts';
import { openTestServer, rulesText, THRESHOLD_OVERRIDE, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

const classify = async (branch: string | undefined, asOf?: string) =>
  (await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 2_000_000, turnover: 2.7 }, ...(branch ? { branch } : {}), ...(asOf ? { asOf } : {}) } })).json();
const propose = (as: 'branch0101' | 'headOffice' | 'branch0202', code: string, override: string, baseRevision = 1) =>
  s.call(as, { method: 'POST', url: `/v1/branches/${code}/proposals`, payload: { baseRevision, override, reason: '本地客户周转普遍偏高' } });

describe('revisions', () => {
  it('lists revision 1 as published on first start, and reads its documents verbatim', async () => {
    const list = await s.call('branch0101', { method: 'GET', url: '/v1/revisions' });
    expect(list.json()).toEqual([{
      id: 1, hash: expect.stringMatching(/^sha256:/), status: 'active', effectiveFrom: '1970-01-01T00:00:00.000Z',
      publishedAt: expect.any(String), publishedBy: 'system', note: '首次启动:基线制度 rules/ · first start: the baseline policy set',
    }]);
    const one = (await s.call('auditor', { method: 'GET', url: '/v1/revisions/1' })).json();
    expect(Object.keys(one.documents).sort()).toHaveLength(11);
    expect(one.documents.classification).toBe(rulesText('classification'));
  });

  it('an unknown or malformed id', async () => {
    const missing = await s.call('system', { method: 'GET', url: '/v1/revisions/99' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no revision 99.' } });
    const bad = await s.call('system', { method: 'GET', url: '/v1/revisions/first' });
    expect(bad.statusCode).toBe(400);
    const message = 'must be a whole number in decimal digits, from 1 to 2147483647';
    expect(bad.json()).toEqual({ error: { code: 'BAD_INPUT', message: `params id: ${message}`, details: [{ field: 'id', message, in: 'params' }] } });
  });

  it('refuses an invalid set with every problem positioned in the YAML sent, and stores nothing', async () => {
    const broken = rulesText('classification').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: -1');
    const line = broken.split('\n').findIndex((l) => l.startsWith('turnoverThreshold:')) + 1;
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/revisions', payload: { documents: { classification: broken }, note: 'oops' } });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      error: {
        code: 'POLICY_INVALID', message: 'The policy set has 1 problem(s); nothing was published.',
        details: [{
          kind: 'classification', file: 'classification', path: '/turnoverThreshold', line, column: 20, code: 'SCHEMA_VIOLATION', message: '/turnoverThreshold must be > 0',
          params: { keyword: 'exclusiveMinimum', comparison: '>', limit: 0 },
        }],
      },
    });
    expect((await s.call('system', { method: 'GET', url: '/v1/revisions' })).json()).toHaveLength(1);
  });

  it('publishes a scheduled revision; decisions follow it from its effective instant', async () => {
    const from = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
    const text = rulesText('classification').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: 2.6');
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/revisions', payload: { documents: { classification: text }, effectiveFrom: from, note: '阈值下调' } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ id: 2, status: 'scheduled', effectiveFrom: from, note: '阈值下调', publishedBy: expect.stringMatching(/^token:\d+ \(first start\)$/) });
    expect((await classify(undefined)).output.class).toBe('B');
    const later = await classify(undefined, new Date(Date.parse(from) + 1000).toISOString());
    expect(later.output.class).toBe('A');
    expect(later.revision.id).toBe(2);
  });

  it('refuses a publish in the past', async () => {
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/revisions', payload: { documents: {}, effectiveFrom: '2020-01-01T00:00:00Z' } });
    expect(r.statusCode).toBe(400);
    // The wording is the store's; the shape and the field are the contract.
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: expect.stringMatching(/^effectiveFrom:? 2020-01-01T00:00:00.000Z lies in the past/), details: [{ field: 'effectiveFrom', message: expect.stringContaining('in the past') }] } });
  });
});

describe('POST /v1/validate', () => {
  it('checks documents as the set they would make, without storing them', async () => {
    // Unchanged from the revision in force, and landing before the one scheduled in 30 days (kept).
    expect((await s.call('branch0101', { method: 'POST', url: '/v1/validate', payload: { documents: { classification: rulesText('classification') } } })).json()).toEqual({
      valid: true, problems: [], revision: 1, effectiveFrom: expect.any(String), unchanged: true,
      effects: [{ type: 'revision-rescheduled', revision: 2, effectiveFrom: expect.any(String), kinds: ['classification'], overrides: [] }],
    });
    const r = await s.call('system', { method: 'POST', url: '/v1/validate', payload: { documents: { classification: 'kind: classification\n' } } });
    expect(r.statusCode).toBe(200);
    expect(r.json().valid).toBe(false);
    expect(r.json().problems[0]).toEqual({
      kind: 'classification', file: 'classification', path: '', line: 1, column: 1, code: 'SCHEMA_VIOLATION', message: expect.stringContaining('schemaVersion'),
      params: { keyword: 'required', missingProperty: 'schemaVersion' },
    });
  });

  it('checks an override against head office\'s bounds, pointing into the override', async () => {
    const ok = await s.call('branch0101', { method: 'POST', url: '/v1/validate', payload: { override: THRESHOLD_OVERRIDE } });
    expect(ok.json()).toEqual({ valid: true, problems: [], changes: [{ kind: 'classification', path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }] });
    const out = await s.call('headOffice', { method: 'POST', url: '/v1/validate', payload: { branch: '0101', override: 'classification:\n  turnoverThreshold: 0.5\n' } });
    expect(out.json()).toMatchObject({ valid: false, problems: [{ kind: 'classification', file: 'override', line: 2, column: 22, code: 'OVERRIDE_OUT_OF_BOUNDS' }] });
    // The bound's facts travel beside the English message, for the editor to say in Chinese.
    expect(out.json().problems[0].params).toEqual({
      reason: 'relative', value: 0.5, base: 3, relative: 0.5, low: 1.5, high: 4.5,
      bound: { path: '/turnoverThreshold', label: { zh: '资产周转率阈值', en: 'Turnover threshold' }, relative: 0.5 },
    });
  });

  it('wants exactly one of documents and override, and a branch for an override', async () => {
    const neither = await s.call('system', { method: 'POST', url: '/v1/validate', payload: {} });
    expect(neither.json()).toEqual({ error: { code: 'BAD_INPUT', message: 'Send either documents or an override (with its branch).', details: [{ field: '/documents', message: 'send exactly one of documents and override' }] } });
    const noBranch = await s.call('system', { method: 'POST', url: '/v1/validate', payload: { override: THRESHOLD_OVERRIDE } });
    expect(noBranch.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/branch: is required with an override', details: [{ field: '/branch', message: 'is required with an override' }] } });
  });
});

describe('proposals and the effective policy of a branch', () => {
  let id: number;

  it('branch 0101 proposes a lower turnover threshold', async () => {
    const r = await propose('branch0101', '0101', THRESHOLD_OVERRIDE);
    expect(r.statusCode).toBe(201);
    id = r.json().id;
    expect(r.json()).toMatchObject({ id, status: 'submitted', branch: '0101', baseRevision: 1, override: THRESHOLD_OVERRIDE, submittedBy: 'token:3 (branch 0101)', steps: [{ action: 'submitted' }] });
  });

  it('shows the proposal with its diff against the base; a branch sees only its own', async () => {
    const r = await s.call('auditor', { method: 'GET', url: `/v1/proposals/${id}` });
    expect(r.json()).toMatchObject({ id, diff: [{ kind: 'classification', path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }], problems: [] });
    const other = await s.call('branch0202', { method: 'GET', url: `/v1/proposals/${id}` });
    expect(other.statusCode).toBe(404);
    expect((await s.call('branch0202', { method: 'GET', url: '/v1/proposals' })).json()).toEqual([]);
    expect((await s.call('branch0101', { method: 'GET', url: '/v1/proposals?status=submitted' })).json().map((p: { id: number }) => p.id)).toEqual([id]);
    expect((await s.call('branch0101', { method: 'GET', url: '/v1/proposals?branch=0202' })).statusCode).toBe(403);
  });

  it('the branch cannot approve it; head office does; decisions of 0101 change and 0202\'s do not', async () => {
    const byBranch = await s.call('branch0101', { method: 'POST', url: `/v1/proposals/${id}/approve`, payload: { comment: 'self' } });
    expect(byBranch.statusCode).toBe(403);
    expect(byBranch.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'The branch role may not POST /v1/proposals/:id/approve; allowed: head-office.' } });
    expect((await classify('0101')).output.class).toBe('B');

    const approved = await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${id}/approve`, payload: { comment: '同意' } });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ id, status: 'approved', overrideId: expect.any(Number), effective: { baseRevision: 1 } });

    const mine = await classify('0101');
    expect(mine.output.class).toBe('A');
    expect(mine.override).toEqual({ id: approved.json().overrideId, status: 'applied' });
    expect((await classify('0202')).output.class).toBe('B');
    expect((await classify(undefined)).output.class).toBe('B');
  });

  it('approving twice is a CONFLICT', async () => {
    const r = await s.call('headOffice2', { method: 'POST', url: `/v1/proposals/${id}/approve`, payload: {} });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toEqual({ error: { code: 'CONFLICT', message: `Proposal ${id} is already approved.` } });
  });

  it('GET /v1/branches/{code}/policy shows the merged documents, base revision and override in force', async () => {
    const r = (await s.call('branch0101', { method: 'GET', url: '/v1/branches/0101/policy' })).json();
    expect(r).toMatchObject({ branch: '0101', revision: { id: 1 }, overrideStatus: 'applied', override: { proposalId: id, override: THRESHOLD_OVERRIDE }, problems: [] });
    expect(r.documents.classification.turnoverThreshold).toBe(2.5);
    const before = (await s.call('headOffice', { method: 'GET', url: '/v1/branches/0101/policy?asOf=2000-01-01T00:00:00Z' })).json();
    expect(before).toMatchObject({ overrideStatus: 'none', revision: { id: 1 } });
    expect(before.override).toBeUndefined();
    expect((await s.call('branch0202', { method: 'GET', url: '/v1/branches/0101/policy' })).statusCode).toBe(403);
  });

  it('head office may propose for a branch but never approve its own proposal', async () => {
    const p = (await propose('headOffice', '0202', THRESHOLD_OVERRIDE)).json();
    const r = await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${p.id}/approve`, payload: {} });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'A proposal cannot be approved by whoever submitted it.' } });
    // Nor may it withdraw a proposal it did not submit; the branch may.
    const q = (await propose('branch0202', '0202', THRESHOLD_OVERRIDE.replace('2.5', '2.6'))).json();
    const w = await s.call('headOffice', { method: 'POST', url: `/v1/proposals/${q.id}/withdraw` });
    expect(w.json()).toEqual({ error: { code: 'FORBIDDEN', message: `Proposal ${q.id} is branch 0202's to withdraw; head office rejects it instead.` } });
    expect((await s.call('branch0202', { method: 'POST', url: `/v1/proposals/${q.id}/withdraw` })).json()).toMatchObject({ status: 'withdrawn' });
    expect((await s.call('headOffice2', { method: 'POST', url: `/v1/proposals/${p.id}/reject`, payload: { comment: '不同意' } })).json()).toMatchObject({ status: 'rejected', steps: [{}, { action: 'rejected', comment: '不同意' }] });
  });

  it('refuses an override beyond head office\'s bounds, and one for another branch', async () => {
    const r = await propose('branch0101', '0101', 'classification:\n  turnoverThreshold: 0.5\n');
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ error: { code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'The override has 1 problem(s).', details: [{ kind: 'classification', file: 'override', path: '/classification/turnoverThreshold', line: 2, column: 22, code: 'OVERRIDE_OUT_OF_BOUNDS' }] } });
    const other = await propose('branch0101', '0202', THRESHOLD_OVERRIDE);
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This token is bound to branch 0101; it may not act for branch 0202.' } });
    const noBase = await propose('branch0101', '0101', THRESHOLD_OVERRIDE, 42);
    expect(noBase.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no revision 42 to base the proposal on.' } });
  });

  it('an unknown proposal is NOT_FOUND', async () => {
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/proposals/999/reject', payload: {} });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no proposal 999.' } });
  });
});

describe('POST /v1/simulate', () => {
  const inputs = [{ assets: 2_000_000, turnover: 2.7 }, { assets: 2_000_000, turnover: 2.4 }, { assets: 2_000_000, turnover: 3.1 }, { assets: -1 }];
  const simulate = (as: 'headOffice' | 'branch0101' | 'branch0202' | 'system', body: object) => s.call(as, { method: 'POST', url: '/v1/simulate', payload: { decision: 'classification', inputs, ...body } });

  it('compares the policy in force with an override: matrix, counts, samples and bad inputs', async () => {
    const r = await simulate('branch0202', { branch: '0202', candidate: { override: THRESHOLD_OVERRIDE } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      total: 4, changed: 1,
      matrix: { B: { A: 1, B: 1 }, A: { A: 1 } },
      samples: [{ index: 0, input: inputs[0], from: 'B', to: 'A' }],
      errors: [{ index: 3, code: 'BAD_INPUT', message: '/assets: must be >= 0' }],
      current: { revision: { id: 1, hash: expect.any(String) }, branch: '0202' },
      candidate: { override: true },
    });
  });

  it('simulates a proposal for its own branch, and head-office documents', async () => {
    const p = (await propose('branch0202', '0202', THRESHOLD_OVERRIDE)).json();
    expect((await simulate('branch0202', { candidate: { proposalId: p.id } })).json()).toMatchObject({ changed: 1, candidate: { proposalId: p.id, branch: '0202' } });
    const foreign = await simulate('branch0101', { candidate: { proposalId: p.id } });
    expect(foreign.json()).toEqual({ error: { code: 'NOT_FOUND', message: `There is no proposal ${p.id}.` } });
    const docs = rulesText('classification').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: 2');
    expect((await simulate('headOffice', { candidate: { documents: { classification: docs } } })).json()).toMatchObject({ changed: 2, matrix: { B: { A: 2 }, A: { A: 1 } } });
  });

  it('bounds the number of inputs', async () => {
    const r = await s.call('system', { method: 'POST', url: '/v1/simulate', payload: { decision: 'classification', candidate: { override: THRESHOLD_OVERRIDE }, inputs: new Array(MAX_SIMULATION_INPUTS + 1).fill(0) } });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `At most ${MAX_SIMULATION_INPUTS} inputs per simulation; got ${MAX_SIMULATION_INPUTS + 1}. Use the batch endpoint for more.` } });
  });

  it('an unknown proposal, and an override that does not apply', async () => {
    expect((await simulate('system', { candidate: { proposalId: 999 } })).json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no proposal 999.' } });
    const r = await simulate('system', { candidate: { override: 'classification:\n  turnoverThreshold: 0.5\n' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('OVERRIDE_OUT_OF_BOUNDS');
  });
});
