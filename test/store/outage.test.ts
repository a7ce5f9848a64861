// PostgreSQL going away and coming back (on a cluster of this test's own): meanwhile the store
// reports not ready and refuses to acknowledge writes; afterwards it reconnects by itself, every
// acknowledged write is there, and the change listener says `resync` and hears new changes.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoreChange } from '../../src/store/changes.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { freePort, pgRun } from './global-setup.ts';
import { fixtureDocuments, fixtureValidator, storeEnv } from './helpers.ts';

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

describe('PostgreSQL going away and coming back', () => {
  const env = storeEnv();
  const data = join(env.clusterDir, 'outage');
  let port = 0;
  const ctl = (...args: string[]): void => pgRun('pg_ctl', ['-D', data, ...args]);
  const start = (): void => ctl('-l', join(env.clusterDir, 'outage.log'), '-w', '-t', '30', '-o', `-h 127.0.0.1 -p ${port} -k ${env.clusterDir}`, 'start');
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    try { ctl('-m', 'immediate', '-w', 'stop'); } catch { /* already stopped */ }
  });

  it('reports not ready meanwhile, reconnects, and loses no acknowledged write', async () => {
    port = await freePort();
    start();
    store = await openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, validateSet: fixtureValidator });
    const heard: StoreChange[] = [];
    await store.onChange((c) => heard.push(c));
    const revision = await store.revisions.publish({ documents: fixtureDocuments(), actor: 'hq' });
    const record = (decisionId: string) => store!.decisions.record({
      decisionId, revisionId: revision.id, revisionHash: revision.hash, decision: 'classification',
      input: { assets: 1 }, output: { class: 'G' }, caller: 'test',
    });
    const acknowledged = Array.from({ length: 50 }, () => randomUUID());
    await Promise.all(acknowledged.map(record));

    ctl('-m', 'fast', '-w', 'stop');
    await expect(store.ping()).rejects.toThrow();
    const during = randomUUID();
    await expect(record(during)).rejects.toThrow();

    start();
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
