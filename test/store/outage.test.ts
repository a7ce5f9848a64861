// PostgreSQL going away and coming back (on a cluster of this file's own), and PostgreSQL
// saturated. The store meanwhile reports not ready and refuses to acknowledge writes, as
// UNAVAILABLE; afterwards it reconnects by itself, every acknowledged write is there, and the
// change listener says `resync` and hears new changes.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import type { StoreChange } from '../../src/store/changes.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/store.ts';
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
    await store.revisions.publish({ documents: { classification: fixtureDocuments().classification! }, actor: 'hq' });
    await eventually(async () => { if (!heard.some((c) => c.type === 'revision' && c.id === 2)) throw new Error('not heard'); }, 2000);
    expect((await store.audit.verify()).ok).toBe(true);
  });
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
