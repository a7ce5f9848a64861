// A store that cannot serve is 503 UNAVAILABLE with Retry-After, not 500, on either engine: here
// the store is closed under the running server (as when shutting down closes it too early, or
// the embedded engine has failed). Decisions for a token already seen go on from memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, TEST_ENGINE, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await openTestServer({ config: { retryAfterSeconds: 7, tokenCacheMs: 1 } });
  // The system token is seen (looked up and remembered) while the store serves.
  expect((await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 2_000_000, turnover: 2.7 } } })).statusCode).toBe(200);
  await s.store.close();
  // Past the token cache: the next request has to ask the store.
  await new Promise((r) => setTimeout(r, 10));
});
// The store is closed already; the app still has to be.
afterAll(async () => { await s?.app.close(); });

describe(`a store that cannot serve (${TEST_ENGINE})`, () => {
  it.each([
    ['a read', 'auditor', 'GET', '/v1/revisions', undefined],
    ['a write', 'headOffice', 'POST', '/v1/tokens', { role: 'system', name: 'crm 2' }],
    ['a decision kept on record', 'system', 'POST', '/v1/decide/suitability', { input: { client: { riskLevel: 'low', assessedAt: '2026-11-15' }, product: { riskLevel: 'low' } } }],
    ['readiness', undefined, 'GET', '/readyz', undefined],
  ] as const)('%s is 503 UNAVAILABLE with Retry-After', async (_what, as, method, url, payload) => {
    const r = await s.call(as, { method, url, ...(payload ? { payload } : {}) });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect(r.headers['retry-after']).toBe('7');
  });

  it('decides for a token it has seen, from the compiled policy in memory', async () => {
    const r = await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 2_000_000, turnover: 2.7 } } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ decision: 'classification', output: { class: 'B' } });
  });
});
