// Limits per caller, through inject(): failed authentications throttled so that they cannot lock
// out valid tokens from the same address, every 429 with Retry-After. Runs on the embedded store
// and on PostgreSQL (server-postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, type TestServer } from './helpers.ts';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function retryAfter(r: { headers: Record<string, unknown> }): number {
  const wait = Number(r.headers['retry-after']);
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(60);
  return wait;
}

describe('failed authentication is throttled per caller, not per address', () => {
  let t: TestServer;
  // Nothing remembered: every request asks the store, as a token does once its seconds in memory are over.
  beforeAll(async () => { t = await openTestServer({ config: { tokenCacheMs: 0 } }); });
  afterAll(async () => { await t?.close(); });
  const me = (token: string, remoteAddress: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: auth(token), remoteAddress });

  it('tokens in use from an address keep working once it is throttled for guessing, and revoked ones still fail', async () => {
    const nat = '10.20.0.1';
    const fresh = (await t.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'system', name: 'to revoke' } })).json() as { id: number; token: string };
    for (const token of [t.tokens.system, t.tokens.branch0101, fresh.token]) expect((await me(token, nat)).statusCode).toBe(200);
    for (let i = 0; i < 60; i++) expect((await me(`zhidu_guess${i}`, nat)).statusCode).toBe(401);
    const refused = await me('zhidu_guess60', nat);
    expect(refused.statusCode).toBe(429);
    const wait = retryAfter(refused);
    expect(refused.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `Too many unknown tokens from this address; retry in ${wait} s.` } });

    // Each is still asked of the store (nothing is remembered here): known tokens pass, a revoked one fails as before.
    for (const token of [t.tokens.system, t.tokens.branch0101]) expect((await me(token, nat)).statusCode).toBe(200);
    expect((await t.call('headOffice', { method: 'POST', url: `/v1/tokens/${fresh.id}/revoke` })).statusCode).toBe(200);
    expect((await me(fresh.token, nat)).statusCode).toBe(401);
    // Other addresses are not throttled.
    expect((await me('zhidu_guess61', '10.20.0.9')).statusCode).toBe(401);
  });

  it('one client repeating a bad token is refused alone: new tokens from its address still work', async () => {
    const nat = '10.20.0.2';
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await me('zhidu_revoked-or-mistyped', nat)).statusCode);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(90).fill(429)]);
    const refused = await me('zhidu_revoked-or-mistyped', nat);
    const wait = retryAfter(refused);
    expect(refused.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `This token has been refused 10 times this minute; retry in ${wait} s.` } });
    // A token this server has never seen, from the same address.
    expect((await me(t.tokens.headOffice2, nat)).statusCode).toBe(200);
  });
});
