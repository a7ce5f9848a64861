// No client fact reaches a log line: a distinctive value is sent every way a client can send
// it (decision inputs, bad JSON, unknown fields, engine errors that quote the input, batches,
// simulations, query strings, headers), with logging at its most verbose; it appears in no
// line, and neither does any token. The lines that are there carry request ids and timing.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logging.ts';
import { openTestServer, type TestServer } from './helpers.ts';

const CANARY = 'ZHIDU-CANARY-4815162342';
const lines: string[] = [];
const sink = new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });

let s: TestServer;
beforeAll(async () => { s = await openTestServer({ logger: createLogger('trace', sink) }); });
afterAll(async () => { await s?.close(); });

describe('log redaction', () => {
  it('keeps a distinctive client value out of every log line', async () => {
    const client = { assets: 2_000_000, turnover: 2.7, name: CANARY, idNumber: CANARY };
    const json = { 'content-type': 'application/json', 'x-client-name': CANARY };
    const sent = [
      await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: json, payload: JSON.stringify({ input: client, explain: true }) }),
      await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: json, payload: `{"input": {"name": "${CANARY}"` }),
      await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: json, payload: JSON.stringify({ input: { assets: CANARY } }) }),
      await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: json, payload: JSON.stringify({ input: client, [CANARY]: true }) }),
      await s.call('system', { method: 'POST', url: '/v1/decide/suitability', headers: json, payload: JSON.stringify({ input: { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: CANARY } } }) }),
      await s.call('system', { method: 'POST', url: '/v1/decide/suitability', headers: json, payload: JSON.stringify({ input: { client: { riskLevel: 'low', assessedAt: '2026-01-15', name: CANARY }, product: { riskLevel: 'low' } } }) }),
      await s.call('system', { method: 'POST', url: '/v1/decide/classification/batch?explain=true', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(client)}\n{"name": "${CANARY}"\n` }),
      await s.call('headOffice', { method: 'POST', url: '/v1/simulate', headers: json, payload: JSON.stringify({ decision: 'classification', candidate: { override: 'classification:\n  turnoverThreshold: 2.5\n' }, inputs: [client, { name: CANARY }] }) }),
      await s.call('headOffice', { method: 'GET', url: `/v1/audit?action=${CANARY}` }),
      await s.call('headOffice', { method: 'GET', url: `/v1/proposals?status=submitted&note=${CANARY}` }),
      await s.app.inject({ method: 'GET', url: '/v1/revisions', headers: { authorization: `Bearer ${CANARY}` } }),
    ];
    // The canary did reach the server (and, where it said so, came back to the client).
    expect(sent.map((r) => r.statusCode)).toEqual([200, 400, 400, 400, 400, 200, 200, 200, 400, 400, 401]);
    expect(sent[4]!.body).toContain(CANARY);

    expect(lines.length).toBeGreaterThanOrEqual(sent.length);
    expect(lines.filter((l) => l.includes(CANARY))).toEqual([]);
    for (const token of Object.values(s.tokens)) expect(lines.filter((l) => l.includes(token))).toEqual([]);
  });

  it('logs method, path, route, status, time, request id and caller for each request', () => {
    const request = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.path === '/v1/decide/classification' && l.status === 200);
    expect(request).toEqual({
      level: 30, time: expect.any(String), pid: process.pid, reqId: expect.stringMatching(/^req-/), msg: 'request',
      method: 'POST', path: '/v1/decide/classification', route: '/v1/decide/classification', status: 200, ms: expect.any(Number), caller: 5, role: 'system',
    });
  });
});
