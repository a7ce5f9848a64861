// The service around the routes, through inject(): fastify's own errors in the documented
// shape, authentication, limits (body size, rate, time), health, readiness, metrics, the
// OpenAPI document and the docs page, and the policy cache swapping on a store change. The suite
// runs on the embedded store and again on PostgreSQL (vitest.config.ts, project server-postgres).
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DECISION_NAMES } from '../../src/policy/kinds.ts';
import { buildApp } from '../../src/server/app.ts';
import { createLogger } from '../../src/server/logging.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { PolicyCache } from '../../src/server/policy-cache.ts';
import { ROOT } from '../helpers/policy-sets.ts';
import { openTestServer, rulesText, TEST_ENGINE, type TestServer } from './helpers.ts';

let s: TestServer;
let limited: FastifyInstance;
beforeAll(async () => {
  s = await openTestServer();
  // A second app on the same store, with tight limits.
  limited = await buildApp({ store: s.store, config: resolveConfig({ env: {}, overrides: { logLevel: 'silent', validateResponses: true, bodyLimit: 200_000, rateLimitPerMinute: 3, requestTimeoutMs: 50 } }) });
});
afterAll(async () => {
  await limited?.close();
  await s?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe("fastify's own errors, in the documented shape", () => {
  it('malformed JSON', async () => {
    const r = await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: { 'content-type': 'application/json' }, payload: '{"input": {' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: 'The body is not valid JSON.', details: [{ field: '', message: 'not valid JSON' }] } });
  });

  it('an empty JSON body', async () => {
    const r = await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: 'The body is empty but its content type says JSON.' } });
  });

  it('an unknown route', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/v2/everything?x=1' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no GET /v2/everything.' } });
    expect(r.headers['x-request-id']).toMatch(/^req-/);
  });

  it('a body of another content type', async () => {
    const r = await s.call('system', { method: 'POST', url: '/v1/decide/classification', headers: { 'content-type': 'text/csv' }, payload: 'assets\n1\n' });
    expect(r.statusCode).toBe(415);
    expect(r.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This endpoint reads application/json bodies (batches: application/x-ndjson).' } });
  });

  it('a body over the limit', async () => {
    const r = await limited.inject({ method: 'POST', url: '/v1/validate', headers: { ...auth(s.tokens.auditor), 'content-type': 'application/json' }, payload: JSON.stringify({ documents: { classification: 'x'.repeat(300_000) } }) });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than this server accepts; send fewer items, or stream them to the batch endpoint.' } });
  });

  it('no token, a malformed header, an unknown token', async () => {
    const body = { error: { code: 'UNAUTHENTICATED', message: 'Send a token: Authorization: Bearer <token>.' } };
    const none = await s.app.inject({ method: 'GET', url: '/v1/revisions' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual(body);
    expect((await s.app.inject({ method: 'GET', url: '/v1/revisions', headers: { authorization: 'Basic dXNlcjpwdw==' } })).json()).toEqual(body);
    const unknown = await s.app.inject({ method: 'GET', url: '/v1/revisions', headers: auth('zhidu_not-a-real-token') });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'The token is unknown or has been revoked.' } });
  });
});

describe('limits', () => {
  it('rate-limits per token, with Retry-After', async () => {
    const call = (token: string) => limited.inject({ method: 'GET', url: '/v1/me', headers: auth(token) });
    for (let i = 0; i < 3; i++) expect((await call(s.tokens.branch0202)).statusCode).toBe(200);
    const r = await call(s.tokens.branch0202);
    expect(r.statusCode).toBe(429);
    const wait = Number(r.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(r.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `More than 3 requests a minute for this token; retry in ${wait} s.` } });
    expect([r.headers['x-ratelimit-limit'], r.headers['x-ratelimit-remaining']]).toEqual(['3', '0']);
    // Another token has its own allowance.
    expect((await call(s.tokens.auditor)).statusCode).toBe(200);
  });

  it('never rate-limits the probes', async () => {
    for (const url of ['/healthz', '/readyz']) {
      for (let i = 0; i < 5; i++) {
        const r = await limited.inject({ method: 'GET', url });
        expect(r.statusCode).toBe(200);
        expect(r.headers['x-ratelimit-limit']).toBeUndefined();
      }
    }
  });

  it('rate-limits other public routes by address', async () => {
    const docs = (remoteAddress: string) => limited.inject({ method: 'GET', url: '/docs/json', remoteAddress });
    for (let i = 0; i < 3; i++) expect((await docs('10.1.1.1')).headers['x-ratelimit-remaining']).toBe(String(2 - i));
    expect((await docs('10.1.1.1')).statusCode).toBe(429);
    expect((await docs('10.1.1.2')).statusCode).toBe(200);
  });

  it('throttles an address that keeps sending unknown tokens', async () => {
    const guess = (i: number) => limited.inject({ method: 'GET', url: '/v1/me', headers: auth(`zhidu_guess${i}`), remoteAddress: '10.9.8.7' });
    for (let i = 0; i < 60; i++) expect((await guess(i)).statusCode).toBe(401);
    const r = await guess(60);
    expect(r.statusCode).toBe(429);
    expect(r.json()).toEqual({ error: { code: 'RATE_LIMITED', message: `Too many unknown tokens from this address; retry in ${r.headers['retry-after']} s.` } });
    // A real token from elsewhere is unaffected.
    expect((await limited.inject({ method: 'GET', url: '/v1/me', headers: auth(s.tokens.system) })).statusCode).toBe(200);
  });

  it('a simulation cut off by the timeout answers 503, stops, and logs nothing amiss', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    const slow = await buildApp({ store: s.store, logger: createLogger('warn', sink), config: resolveConfig({ env: {}, overrides: { logLevel: 'warn', requestTimeoutMs: 30 } }) });
    try {
      // 100,000 inputs take far longer than 30 ms to parse and decide twice.
      const inputs = Array.from({ length: 100_000 }, (_, i) => ({ assets: i * 71, turnover: (i % 13) / 2 }));
      const r = await slow.inject({
        method: 'POST', url: '/v1/simulate', headers: auth(s.tokens.headOffice),
        payload: { decision: 'classification', candidate: { override: 'classification:\n  turnoverThreshold: 2.5\n' }, inputs },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ error: { code: 'TIMEOUT', message: 'No answer within 30 ms.' } });
      // The simulation notices at its next pause (every 256 inputs) and ends without an error line.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50)).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('cuts off a request that takes too long', async () => {
    // The store takes longer to answer than the 50 ms limit (however fast the machine is).
    const ping = vi.spyOn(s.store, 'ping').mockImplementationOnce(() => new Promise((resolve) => setTimeout(resolve, 400)));
    try {
      const r = await limited.inject({ method: 'GET', url: '/readyz' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ error: { code: 'TIMEOUT', message: 'No answer within 50 ms.' } });
    } finally {
      ping.mockRestore();
    }
  });
});

describe('revoked tokens', () => {
  it('another server on the same store refuses a revoked token as soon as it hears of it, though it remembers tokens for a minute', async () => {
    const other = await buildApp({ store: s.store, config: resolveConfig({ env: {}, overrides: { logLevel: 'silent', tokenCacheMs: 60_000 } }) });
    try {
      const created = (await s.call('headOffice', { method: 'POST', url: '/v1/tokens', payload: { role: 'system', name: 'short-lived' } })).json() as { id: number; token: string };
      const me = () => other.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${created.token}` } });
      // The other server has looked the token up and remembers it.
      expect((await me()).statusCode).toBe(200);
      expect((await s.call('headOffice', { method: 'POST', url: `/v1/tokens/${created.id}/revoke` })).statusCode).toBe(200);
      await vi.waitFor(async () => expect((await me()).statusCode).toBe(401), { timeout: 2000, interval: 20 });
    } finally {
      await other.close();
    }
  });
});

describe('the store under the server', () => {
  it(`is the engine this project runs the suite on (${TEST_ENGINE})`, () => {
    expect(s.store.engine).toBe(TEST_ENGINE);
  });
});

describe('health, readiness and metrics', () => {
  it('/healthz needs no token', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz: the store answers and the policy in force compiles', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.json()).toEqual({ status: 'ready', revision: { id: 1, hash: expect.stringMatching(/^sha256:/) } });
  });

  it('/readyz says so when the store does not answer', async () => {
    const ping = vi.spyOn(s.store, 'ping').mockRejectedValueOnce(new Error('connection refused'));
    const r = await s.app.inject({ method: 'GET', url: '/readyz' });
    ping.mockRestore();
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ error: { code: 'UNAVAILABLE', message: 'The store does not answer.' } });
  });

  it('/metrics: decisions by kind and headline outcome, latency, revision in force', async () => {
    await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: 2_000_000, turnover: 2.7 } } });
    await s.call('system', { method: 'POST', url: '/v1/decide/classification', payload: { input: { assets: -1, turnover: 2.7 } } });
    const r = await s.call('system', { method: 'GET', url: '/metrics' });
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^zhidu_decisions_total\{decision="classification",outcome="B"\} \d+$/m);
    expect(r.body).toMatch(/^zhidu_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/decide\/classification",status="200"\} \d+$/m);
    expect(r.body).toMatch(/^zhidu_http_request_duration_seconds_count\{method="POST",route="\/v1\/decide\/classification",status="400"\} \d+$/m);
    expect(r.body).toMatch(/^zhidu_revision_in_force 1$/m);
    expect(r.body).toMatch(/^zhidu_revision_in_force_info\{revision="1",hash="sha256:[0-9a-f]+"\} 1$/m);
  });

  it('/metrics asks for a head-office, auditor or system token by default, and is rate-limited like any route', async () => {
    const none = await s.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    const branch = await s.call('branch0101', { method: 'GET', url: '/metrics' });
    expect(branch.statusCode).toBe(403);
    expect(branch.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'The branch role may not GET /metrics; allowed: head-office, auditor, system.' } });
    for (const as of ['headOffice', 'auditor', 'system'] as const) {
      const r = await s.call(as, { method: 'GET', url: '/metrics' });
      expect(r.statusCode).toBe(200);
      expect(r.body).toMatch(/^zhidu_revision_in_force 1$/m);
      expect(r.headers['x-ratelimit-limit']).toBe(String(s.config.rateLimitPerMinute));
    }
  });

  it('/metrics with ZHIDU_METRICS=public is for anyone (rate-limited by address); with off, there is none', async () => {
    for (const [mode, status] of [['public', 200], ['off', 404]] as const) {
      const app = await buildApp({ store: s.store, config: resolveConfig({ env: { ZHIDU_METRICS: mode }, overrides: { logLevel: 'silent' } }) });
      try {
        const r = await app.inject({ method: 'GET', url: '/metrics' });
        expect(r.statusCode, mode).toBe(status);
        if (mode === 'public') expect(r.headers['x-ratelimit-limit']).toBeDefined();
      } finally {
        await app.close();
      }
    }
  });
});

describe('OpenAPI and docs', () => {
  let doc: { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>; components: { schemas: Record<string, unknown> } };
  beforeAll(async () => { doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json(); });

  it('is OpenAPI 3.1 and lists every route of API.md', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      ...DECISION_NAMES.map((d) => `POST /v1/decide/${d}`), 'POST /v1/decide/{decision}/batch', 'GET /v1/revisions', 'GET /v1/revisions/{id}', 'POST /v1/revisions',
      'POST /v1/validate', 'POST /v1/branches/{code}/proposals', 'GET /v1/proposals', 'GET /v1/proposals/{id}', 'POST /v1/proposals/{id}/approve',
      'POST /v1/proposals/{id}/reject', 'POST /v1/proposals/{id}/withdraw', 'GET /v1/branches/{code}/policy', 'POST /v1/simulate',
      'GET /v1/decisions/{id}', 'GET /v1/audit', 'GET /healthz', 'GET /readyz', 'GET /metrics',
    ]) expect(routes).toContain(route);
  });

  it('describes each decision input with the very schema under schemas/decisions/', () => {
    for (const d of DECISION_NAMES) {
      const body = doc.paths[`/v1/decide/${d}`]!.post!.requestBody!.content['application/json']!.schema as { properties: { input: { $ref: string } } };
      const name = body.properties.input.$ref.replace('#/components/schemas/', '');
      const file = JSON.parse(readFileSync(join(ROOT, `schemas/decisions/${d}.input.schema.json`), 'utf8')) as { properties: unknown; required?: unknown };
      const component = doc.components.schemas[name] as { properties: Record<string, unknown>; required?: unknown };
      expect(Object.keys(component.properties)).toEqual(Object.keys(file.properties as object));
      expect(component.required).toEqual(file.required);
    }
  });

  it('describes each decision output with the very schema under schemas/decisions/', () => {
    for (const d of DECISION_NAMES) {
      const answer = (doc.paths[`/v1/decide/${d}`]!.post as unknown as { responses: Record<string, { content: Record<string, { schema: { allOf: { $ref?: string; properties?: { output?: { $ref: string } } }[] } }> }> })
        .responses['200']!.content['application/json']!.schema;
      expect(answer.allOf[0]!.$ref).toBe('#/components/schemas/api.decision');
      const name = answer.allOf[1]!.properties!.output!.$ref.replace('#/components/schemas/', '');
      const file = JSON.parse(readFileSync(join(ROOT, `schemas/decisions/${d}.output.schema.json`), 'utf8')) as { properties: object; required?: unknown };
      const component = doc.components.schemas[name] as { properties: Record<string, unknown>; required?: unknown };
      expect(Object.keys(component.properties)).toEqual(Object.keys(file.properties));
      expect(component.required).toEqual(file.required);
    }
  });

  it('every $ref resolves inside the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      let node: unknown = doc;
      for (const key of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(key.replace(/~1/g, '/').replace(/~0/g, '~'))];
      expect(node, ref).toBeDefined();
    }
  });

  it('/docs is a browsable page whose assets come from the package', async () => {
    const page = await s.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const bundle = await s.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
  });

  it('/ is the browser editor (its page, or a page saying how to build it), without a token', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/' });
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    if (r.statusCode === 503) expect(r.body).toContain('npm run build:editor');
    else expect(r.statusCode).toBe(200);
  });
});

describe('the policy cache', () => {
  it('swaps to a newly published revision on the store\'s change notice; an entry already held stays as it was', async () => {
    const cache = new PolicyCache(s.store, () => new Date());
    await cache.start();
    try {
      const before = await cache.resolve(undefined, new Date());
      const text = rulesText('classification').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: 2.2');
      // Published behind the cache's back: only the change notice tells it.
      const published = await s.store.revisions.publish({ documents: { classification: text }, actor: 'test', note: 'swap' });
      await expect.poll(async () => (await cache.resolve(undefined, new Date())).revision.id, { timeout: 5000 }).toBe(published.id);
      const after = await cache.resolve(undefined, new Date());
      expect((await after.policy.decide('classification', { assets: 2_000_000, turnover: 2.3 })).output.class).toBe('A');
      expect(before.revision.id).toBe(1);
      expect((await before.policy.decide('classification', { assets: 2_000_000, turnover: 2.3 })).output.class).toBe('B');
      expect(Object.isFrozen(before)).toBe(true);
    } finally {
      cache.stop();
    }
  });
});
