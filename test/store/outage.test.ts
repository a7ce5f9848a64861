// PostgreSQL going away and coming back (on a cluster of this file's own), and PostgreSQL
// saturated. The store meanwhile reports not ready and refuses to acknowledge writes; afterwards
// it reconnects by itself, every acknowledged write is there, and the change listener says
// `resync` and hears new changes. A server on it answers 503 UNAVAILABLE with Retry-After
// wherever it needs the database, never 500, keeps deciding for tokens it has seen, and is back
// to 200 everywhere once PostgreSQL is, without being restarted.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import type { StoreChange } from '../../src/store/changes.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';
import { freePort, pgRunAsync } from './global-setup.ts';
import { fixtureDocuments, fixtureValidator, freshDatabaseUrl, storeEnv } from './helpers.ts';

async function eventually<T>(attempt: () => Promise<T>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const env = storeEnv();
const data = join(env.clusterDir, 'outage');
let port = 0;
const ctl = (...args: string[]): Promise<void> => pgRunAsync('pg_ctl', ['-D', data, ...args]);
const start = (): Promise<void> => ctl('-l', join(env.clusterDir, 'outage.log'), '-w', '-t', '30', '-o', `-h 127.0.0.1 -p ${port} -k ${env.clusterDir}`, 'start');
const stop = (): Promise<void> => ctl('-m', 'fast', '-w', 'stop');
const urlOf = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;

beforeAll(async () => { port = await freePort(); });
// Each test starts with PostgreSQL up, whatever the one before left behind.
beforeEach(async () => { await start().catch(() => undefined); });
afterAll(async () => {
  try { await ctl('-m', 'immediate', '-w', 'stop'); } catch { /* already stopped */ }
});

describe('PostgreSQL going away and coming back', () => {
  let store: Store | undefined;
  afterAll(async () => { await store?.close(); });

  it('reports not ready meanwhile, reconnects, and loses no acknowledged write', async () => {
    store = await openStore({ databaseUrl: urlOf('postgres'), validateSet: fixtureValidator });
    const heard: StoreChange[] = [];
    await store.onChange((c) => heard.push(c));
    const revision = await store.revisions.publish({ documents: fixtureDocuments(), actor: 'hq' });
    const record = (decisionId: string) => store!.decisions.record({
      decisionId, revisionId: revision.id, revisionHash: revision.hash, decision: 'classification',
      input: { assets: 1 }, output: { class: 'G' }, caller: 'test',
    });
    const acknowledged = Array.from({ length: 50 }, () => randomUUID());
    await Promise.all(acknowledged.map(record));

    await stop();
    await expect(store.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const during = randomUUID();
    await expect(record(during)).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    await start();
    await eventually(() => store!.ping());
    await eventually(async () => { if (!heard.some((c) => c.type === 'resync')) throw new Error('no resync yet'); });
    for (const id of acknowledged) expect(await store.decisions.get(id), id).toBeDefined();
    expect(await store.decisions.get(during)).toBeUndefined();
    await record(randomUUID());
    await store.revisions.publish({ documents: { classification: fixtureDocuments().classification! }, actor: 'hq', force: true });
    await eventually(async () => { if (!heard.some((c) => c.type === 'revision' && c.id === 2)) throw new Error('not heard'); }, 2000);
    expect((await store.audit.verify()).ok).toBe(true);
  });
});

interface Answer { phase: string; kind: string; status: number; retryAfter: string | undefined; code: string | undefined }

function answerOf(phase: string, kind: string, r: LightMyRequestResponse): Answer {
  const code = r.statusCode >= 400 ? (r.json() as { error?: { code?: string } }).error?.code : undefined;
  return { phase, kind, status: r.statusCode, retryAfter: r.headers['retry-after'] as string | undefined, code };
}

describe('a server on PostgreSQL going away under load and coming back', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterAll(async () => { for (const o of opened.reverse()) await o.close(); });

  it('answers 503 with Retry-After where it needs the database, keeps deciding for tokens it has seen, and recovers by itself', async () => {
    const admin = new pg.Client({ connectionString: urlOf('postgres') });
    await admin.connect();
    await admin.query('create database server_outage');
    await admin.end();
    const store = await openStore({ databaseUrl: urlOf('server_outage'), pool: { size: 4, timeoutMs: 1000 } });
    opened.push(store);
    const first = await store.ensureInitialised(RULES_DIR);
    const tokenOf = async (role: 'system' | 'auditor', name: string): Promise<string> => (await store.tokens.create({ role, name, actor: 'test' })).token;
    const tokens = { headOffice: first.headOfficeToken!, system: await tokenOf('system', 'crm'), auditor: await tokenOf('auditor', 'audit'), unseen: await tokenOf('system', 'first used during the outage') };
    const configFor = (outageMs: number) => resolveConfig({ env: {}, overrides: { logLevel: 'silent', validateResponses: true, tokenCacheMs: 100, tokenOutageMs: outageMs } });
    const app = await buildApp({ store, config: configFor(10 * 60_000) });
    opened.push(app);
    // The same, but trusting what it remembers through an outage for half a second only.
    const strict = await buildApp({ store, config: configFor(500) });
    opened.push(strict);

    const call = (on: FastifyInstance, token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      on.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    const send = {
      classify: (on: FastifyInstance = app, token = tokens.system) => call(on, token, 'POST', '/v1/decide/classification', { input: { assets: 2_000_000, turnover: 2.7 } }),
      // Kept on record by the policy: the answer waits for the record, so it needs the database.
      suitability: () => call(app, tokens.system, 'POST', '/v1/decide/suitability', { input: { client: { riskLevel: 'low', assessedAt: '2026-11-15' }, product: { riskLevel: 'low' } } }),
      revisions: () => call(app, tokens.auditor, 'GET', '/v1/revisions'),
      ready: () => app.inject({ method: 'GET', url: '/readyz' }),
      publish: (threshold: number) => call(app, tokens.headOffice, 'POST', '/v1/revisions', {
        documents: { classification: readFileSync(join(RULES_DIR, 'classification.yaml'), 'utf8').replace(/^turnoverThreshold: [\d.]+/m, `turnoverThreshold: ${threshold}`) }, note: 'threshold',
      }),
    };
    const revisionOf = (r: LightMyRequestResponse): number => (r.json() as { revision: { id: number } }).revision.id;

    // Every token is seen once (looked up and remembered), but `unseen`.
    for (const r of [await send.classify(), await send.classify(strict), await send.revisions(), await call(app, tokens.headOffice, 'GET', '/v1/revisions')]) {
      expect(r.statusCode).toBe(200);
    }

    // Load for the whole test: four workers sending every kind of request; each answer is kept
    // with the phase it began and ended in.
    let phase = 'up';
    let running = true;
    const answers: Answer[] = [];
    const load = { classify: () => send.classify(), suitability: send.suitability, revisions: send.revisions, ready: send.ready };
    const workers = Array.from({ length: 4 }, async () => {
      while (running) {
        for (const [kind, request] of Object.entries(load)) {
          const began = phase;
          const r = await request();
          answers.push(answerOf(began === phase ? began : `${began}→${phase}`, kind, r));
        }
      }
    });
    try {
      await sleep(300);
      phase = 'stopping';
      await stop();
      phase = 'down';
      // Past the token cache (100 ms) and the strict server's allowance for outages (500 ms).
      await sleep(1200);

      const decided = await send.classify();
      expect(decided.statusCode).toBe(200);
      expect(revisionOf(decided)).toBe(1);
      const refused = await send.revisions();
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/database/) } });
      expect(refused.headers['retry-after']).toBe('5');
      for (const [what, r] of [
        ['readiness', await send.ready()],
        ['a token first used now', await send.classify(app, tokens.unseen)],
        ['a token remembered longer than the outage allowance', await send.classify(strict)],
        ['a decision kept on record', await send.suitability()],
        ['a publish', await send.publish(2.6)],
      ] as const) {
        expect({ what, status: r.statusCode, code: (r.json() as { error: { code: string } }).error.code, retryAfter: r.headers['retry-after'] })
          .toEqual({ what, status: 503, code: 'UNAVAILABLE', retryAfter: '5' });
      }

      phase = 'starting';
      await start();
      await vi.waitFor(async () => expect((await send.ready()).statusCode).toBe(200), { timeout: 15_000, interval: 100 });
      phase = 'back';
      await sleep(300);
    } finally {
      running = false;
      await Promise.all(workers);
    }

    // Under load: never a 500; while down, decisions for a seen token answered, everything else
    // said 503 with Retry-After; before and after, everything answered.
    expect(answers.filter((a) => a.status === 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 503 && (a.code !== 'UNAVAILABLE' || a.retryAfter !== '5'))).toEqual([]);
    const inPhase = (p: string, kind: string) => answers.filter((a) => a.phase === p && a.kind === kind);
    for (const kind of Object.keys(load)) {
      for (const p of ['up', 'back']) {
        expect(inPhase(p, kind).length, `${kind} ${p}`).toBeGreaterThan(0);
        expect(inPhase(p, kind).filter((a) => a.status !== 200), `${kind} ${p}`).toEqual([]);
      }
      const down = inPhase('down', kind);
      expect(down.length, `${kind} down`).toBeGreaterThan(0);
      expect(new Set(down.map((a) => a.status)), `${kind} down`).toEqual(new Set([kind === 'classify' ? 200 : 503]));
    }

    // Back without a restart: tokens are looked up again, writes go through, and the change feed
    // works again (the decision below is only on revision 2 once its NOTIFY is heard).
    expect((await send.classify(app, tokens.unseen)).statusCode).toBe(200);
    expect((await send.classify(strict)).statusCode).toBe(200);
    expect((await send.suitability()).statusCode).toBe(200);
    const published = await send.publish(2.6);
    expect(published.statusCode).toBe(201);
    await vi.waitFor(async () => expect(revisionOf(await send.classify())).toBe(2), { timeout: 5000, interval: 50 });
    await vi.waitFor(async () => expect(revisionOf(await send.classify(strict))).toBe(2), { timeout: 5000, interval: 50 });
  }, 120_000);
});

describe('PostgreSQL saturated', () => {
  it('a request that waits longer than the pool timeout for a connection is 503 with Retry-After, and answers once one is free', async () => {
    const store = await openStore({ databaseUrl: await freshDatabaseUrl(), pool: { size: 2, timeoutMs: 300 }, validateSet: fixtureValidator });
    await store.revisions.publish({ documents: fixtureDocuments(), actor: 'hq' });
    const { token } = await store.tokens.create({ role: 'auditor', name: 'audit', actor: 'test' });
    const app = await buildApp({ store, config: resolveConfig({ env: {}, overrides: { logLevel: 'silent', validateResponses: true } }) });
    try {
      const revisions = () => app.inject({ method: 'GET', url: '/v1/revisions', headers: { authorization: `Bearer ${token}` } });
      expect((await revisions()).statusCode).toBe(200);
      // Both connections busy for a second and a half.
      const db = (store as unknown as { db: Db }).db;
      const busy = Promise.all([db.query('select pg_sleep(1.5)'), db.query('select pg_sleep(1.5)')]);
      await sleep(50);
      const started = Date.now();
      const refused = await revisions();
      expect(Date.now() - started).toBeLessThan(1200);
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/database/) } });
      expect(refused.headers['retry-after']).toBe('5');
      await busy;
      expect((await revisions()).statusCode).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('decision records waiting together for a connection fail together, after one pool timeout rather than one each', async () => {
    const store = await openStore({ databaseUrl: await freshDatabaseUrl(), pool: { size: 1, timeoutMs: 300 }, validateSet: fixtureValidator });
    try {
      const revision = await store.revisions.publish({ documents: fixtureDocuments(), actor: 'hq' });
      const db = (store as unknown as { db: Db }).db;
      const busy = db.query('select pg_sleep(2)');
      await sleep(50);
      const started = Date.now();
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.decisions.record({
        decisionId: randomUUID(), revisionId: revision.id, revisionHash: revision.hash, decision: 'suitability',
        input: {}, output: { verdict: 'match' }, caller: 'test',
      })));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : o.status))).toEqual(Array(20).fill('UNAVAILABLE'));
      await busy;
    } finally {
      await store.close();
    }
  });
});
