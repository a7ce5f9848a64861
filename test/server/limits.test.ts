// Limits per caller, through inject(): failed authentications throttled so that they cannot lock
// out valid tokens from the same address, every 429 with Retry-After, and decision records
// bounded per role (an auditor's are never kept, a record's size is bounded, recorded decisions a
// minute are counted per token). Runs on the embedded store and on PostgreSQL (server-postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROZEN_NOW } from '../helpers/policy-sets.ts';
import { openTestServer, type TestServer, type TokenName } from './helpers.ts';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const suitability = { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: '货币型基金' } };
const asOf = FROZEN_NOW.toISOString();

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

describe('decision records, per role', () => {
  let t: TestServer;
  beforeAll(async () => { t = await openTestServer(); });
  afterAll(async () => { await t?.close(); });
  const decide = (as: TokenName, payload: object) => t.call(as, { method: 'POST', url: '/v1/decide/suitability', payload });
  const batch = (as: TokenName, lines: unknown[]) => t.call(as, {
    method: 'POST', url: `/v1/decide/suitability/batch?asOf=${asOf}`, headers: { 'content-type': 'application/x-ndjson' },
    payload: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  /** Records committed by this server so far (once those in flight are in). */
  const committed = async () => { await t.store.decisions.flush(); return t.store.decisions.stats.records; };

  it('an auditor is answered, and nothing is recorded: the auditor changes nothing', async () => {
    const before = await committed();
    const r = await decide('auditor', { input: suitability, asOf });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ decision: 'suitability', output: { verdict: expect.any(String) }, recorded: false });
    const lines = (await batch('auditor', [suitability, suitability])).body.trimEnd().split('\n').map((l) => JSON.parse(l) as { recorded: boolean });
    expect(lines.map((l) => l.recorded)).toEqual([false, false]);
    expect(await committed()).toBe(before);
    expect(await t.store.decisions.get(r.json().decisionId)).toBeUndefined();
    // The same decision asked by a system is recorded, as its policy says.
    expect((await decide('system', { input: suitability, asOf })).json().recorded).toBe(true);
    expect(await committed()).toBe(before + 1);
  });

  it('a record larger than the limit is refused with 413, saying so, and nothing of it is stored', async () => {
    const before = await committed();
    // Extra fields are allowed in the input and would be kept: the fault filled the disk with 8.9 MB inputs.
    const big = { ...suitability, client: { ...suitability.client, notes: 'x'.repeat(100_000) } };
    const r = await decide('system', { input: big, asOf });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/^The decision record would hold 100,\d{3} bytes of JSON \(input 100,\d{3}, output \d+, trace 0\); this server keeps records of at most 65,536 bytes, and this decision must be recorded before it is answered\. Send a smaller input\.$/),
      },
    });
    // In a batch, that line alone.
    const lines = (await batch('system', [suitability, big, suitability])).body.trimEnd().split('\n').map((l) => JSON.parse(l) as { line: number; recorded?: boolean; error?: { code: string } });
    expect(lines.map((l) => l.recorded ?? l.error?.code)).toEqual([true, 'PAYLOAD_TOO_LARGE', true]);
    expect(await committed()).toBe(before + 2);
  });

  it('recorded decisions a minute are counted per token, by role; decisions not recorded are not counted', async () => {
    const tight = await openTestServer({ config: { recordsPerMinute: { 'head-office': 1000, branch: 2, system: 1000 } } });
    try {
      const ask = (as: TokenName, decision = 'suitability', input: object = suitability) => tight.call(as, { method: 'POST', url: `/v1/decide/${decision}`, payload: { input, asOf } });
      expect((await ask('branch0101')).statusCode).toBe(200);
      expect((await ask('branch0101')).statusCode).toBe(200);
      const refused = await ask('branch0101');
      expect(refused.statusCode).toBe(429);
      const wait = retryAfter(refused);
      expect(refused.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `More than 2 recorded decisions a minute for a branch token; retry in ${wait} s.` } });
      // Not recorded, so not counted; another branch token and a system have their own allowances.
      expect((await ask('branch0101', 'classification', { assets: 1, turnover: 1 })).statusCode).toBe(200);
      expect((await ask('branch0202')).statusCode).toBe(200);
      expect((await ask('system')).statusCode).toBe(200);
      const line = (await tight.call('branch0101', {
        method: 'POST', url: '/v1/decide/suitability/batch', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(suitability)}\n`,
      })).json() as { error: { code: string; message: string } };
      expect(line.error).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/^More than 2 recorded decisions a minute for a branch token; retry in \d+ s\.$/) });
    } finally {
      await tight.close();
    }
  });

  it('the size limit is the server\'s setting, and counts the trace', async () => {
    const small = await openTestServer({ config: { recordMaxBytes: 1024 } });
    try {
      const ask = (explain: boolean) => small.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { input: suitability, asOf, explain } });
      expect((await ask(false)).json().recorded).toBe(true);
      const explained = await ask(true);
      expect(explained.statusCode).toBe(413);
      expect(explained.json().error.message).toMatch(/^The decision record would hold [\d,]+ bytes of JSON \(input \d+, output \d+, trace [\d,]+\); this server keeps records of at most 1,024 bytes/);
    } finally {
      await small.close();
    }
  });
});
