// Headers, through inject() (and a real socket for what fastify answers by itself): nosniff on
// every answer, no-store on whatever carries a secret or a client's facts, a CSP forbidding
// framing on the pages a browser shows, and URLs the router refuses in the API's error shape.
// Runs on the embedded store and on PostgreSQL (server-postgres).
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { FROZEN_NOW } from '../helpers/policy-sets.ts';
import { openTestServer, type TestServer, type TokenName } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

const suitability = { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: '货币型基金' } };

describe('X-Content-Type-Options: nosniff on every answer', () => {
  const REQUESTS: [string, TokenName | undefined, InjectOptions][] = [
    ['a decision', 'system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 1, turnover: 1 } } }],
    ['a batch', 'system', { method: 'POST', url: '/v1/decide/classification/batch', headers: { 'content-type': 'application/x-ndjson' }, payload: '{"assets":1,"turnover":1}\n' }],
    ['no token', undefined, { method: 'GET', url: '/v1/revisions' }],
    ['a role refused', 'auditor', { method: 'POST', url: '/v1/tokens', payload: { role: 'system' } }],
    ['a body refused', 'system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: -1, turnover: 1 } } }],
    ['an unknown route', undefined, { method: 'GET', url: '/v2/nothing' }],
    ['a malformed URL', 'system', { method: 'GET', url: '/v1/revisions/%zz' }],
    ['the probe', undefined, { method: 'GET', url: '/healthz' }],
    ['the docs page', undefined, { method: 'GET', url: '/docs' }],
    ['the OpenAPI document', undefined, { method: 'GET', url: '/docs/json' }],
    ['the editor page', undefined, { method: 'GET', url: '/' }],
    ['a missing editor file', undefined, { method: 'GET', url: '/assets/nope.js' }],
    ['the metrics', 'system', { method: 'GET', url: '/metrics' }],
  ];
  it.each(REQUESTS)('%s', async (_what, as, request) => {
    const r = await s.call(as, request);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the 503 fastify answers by itself while the server drains', async () => {
    const app = await buildApp({ store: s.store, config: resolveConfig({ env: {}, overrides: { logLevel: 'silent' } }) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    // The store answers the first request slowly; the second comes on the same connection once the server is closing.
    const ping = vi.spyOn(s.store, 'ping').mockImplementationOnce(() => new Promise((resolve) => setTimeout(resolve, 300)));
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (b: Buffer) => { received += b.toString(); });
    try {
      socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
      await vi.waitFor(() => expect(ping).toHaveBeenCalled());
      const closed = app.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await closed;
      await vi.waitFor(() => expect(received).toMatch(/HTTP\/1\.1 503[\s\S]*\r\n\r\n/));
      const drained = received.slice(received.indexOf('HTTP/1.1 503'));
      expect(drained.toLowerCase()).toContain('x-content-type-options: nosniff\r\n');
    } finally {
      ping.mockRestore();
      socket.destroy();
      await app.close();
    }
  });

  it('a malformed URL is answered in the API\'s own error shape', async () => {
    const r = await s.call('system', { method: 'GET', url: '/v1/revisions/%zz' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: 'The URL is malformed: "/v1/revisions/%zz" holds an invalid percent-encoding.' } });
    expect(r.headers['x-request-id']).toMatch(/^req-/);
  });
});

describe('Cache-Control: no-store on answers that carry a secret or a client\'s facts', () => {
  it('the new token', async () => {
    const r = await s.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'system', name: 'no-store' } });
    expect(r.statusCode).toBe(201);
    expect(r.json().token).toMatch(/^zhidu_/);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('every answer to a token: decisions, records, errors', async () => {
    const decided = await s.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { input: suitability, asOf: FROZEN_NOW.toISOString() } });
    const record = await s.call('auditor', { method: 'GET', url: `/v1/decisions/${decided.json().decisionId}` });
    const refused = await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: -1, turnover: 1 } } });
    const unknown = await s.call(undefined, { method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer zhidu_unknown' } });
    expect([decided, record, refused, unknown].map((r) => [r.statusCode, r.headers['cache-control']])).toEqual([[200, 'no-store'], [200, 'no-store'], [400, 'no-store'], [401, 'no-store']]);
  });
});

describe('the pages a browser shows: a CSP that forbids framing', () => {
  it('/docs', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/docs' });
    expect(r.statusCode).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("frame-ancestors 'self'");
  });

  it('/ (the editor, or the page saying how to build it)', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/' });
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
  });
});

