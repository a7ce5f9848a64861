// Decision records on both engines: round trip, durability across connections, grouped
// inserts (measured against one-by-one) and isolation of a bad record from its batch.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordTooLarge, type NewDecisionRecord } from '../../src/store/decisions.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { ENGINES, openPublishedStore, type TestStore } from './helpers.ts';

function record(store: TestStore, overrides: Partial<NewDecisionRecord> = {}): NewDecisionRecord {
  return {
    decisionId: randomUUID(), revisionId: 1, revisionHash: 'sha256:test', decision: 'suitability',
    input: { client: { riskLevel: 'low' }, product: { type: '货币型基金' } },
    output: { verdict: 'match', reasons: [] }, caller: 'token:3 (crm)', requestId: 'req-1',
    at: store.clock.now(), ...overrides,
  };
}

// One store per engine for the file (the embedded one on disk, to be closed and reopened).
describe.each(ENGINES)('decision records on %s', (engine) => {
  let t: TestStore;
  let store: Store;
  let second: Store | undefined;
  const dataDir = engine === 'pglite' ? mkdtempSync('/tmp/zhidu-store-') : undefined;
  beforeAll(async () => {
    t = await openPublishedStore(engine, dataDir ? { dataDir } : {});
    store = t.store;
  });
  afterAll(async () => {
    await second?.close();
    await store?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a recorded decision is durable once record() resolves: another connection reads it back whole', async () => {
    const p = await store.proposals.submit({ branch: '0101', baseRevision: 1, override: 'classification:\n  turnoverThreshold: 2.5\n', reason: 'r', actor: 'b' });
    const { override } = await store.proposals.approve({ id: p.id, actor: 'hq' });
    const r = record(t, { overrideId: override.id, branch: '0101', trace: [{ rule: 'r1', source: 'classification.yaml:12:3' }] });
    await store.decisions.record(r);
    if (engine === 'pglite') {
      // One process at a time on an embedded store: close, then read it back from the files.
      await store.close();
      store = await openStore(t.options);
      expect(await store.decisions.get(r.decisionId)).toEqual(r);
    } else {
      second = await openStore(t.options);
      expect(await second.decisions.get(r.decisionId)).toEqual(r);
    }
    expect(await store.decisions.get('no-such-id')).toBeUndefined();
  });

  it('groups concurrent records into few transactions, and is faster for it', async () => {
    const log = store.decisions;
    const oneByOne = 100;
    const start = { ...log.stats };
    let started = performance.now();
    for (let i = 0; i < oneByOne; i++) await log.record(record(t));
    const sequentialMs = performance.now() - started;
    expect(log.stats.batches - start.batches).toBe(oneByOne);

    const grouped = 5000;
    const before = { ...log.stats };
    const records = Array.from({ length: grouped }, () => record(t));
    started = performance.now();
    await Promise.all(records.map((r) => log.record(r)));
    const groupedMs = performance.now() - started;
    const batches = log.stats.batches - before.batches;
    expect(batches).toBeLessThanOrEqual(10);
    expect(log.stats.records - before.records).toBe(grouped);
    for (const r of [records[0]!, records[2500]!, records.at(-1)!]) expect((await log.get(r.decisionId))?.decisionId).toBe(r.decisionId);

    const perSecond = (n: number, ms: number): number => Math.round((n / ms) * 1000);
    console.info(`[${engine}] decision records: one by one ${perSecond(oneByOne, sequentialMs)}/s; grouped ${perSecond(grouped, groupedMs)}/s in ${batches} transactions (largest ${log.stats.largestBatch})`);
    expect(perSecond(grouped, groupedMs)).toBeGreaterThan(perSecond(oneByOne, sequentialMs));
  });

  it('a record over the size asked for is refused before anything is queued; its bytes are UTF-8 JSON', async () => {
    const fits = record(t, { input: { note: '适当性'.repeat(100) }, output: { verdict: 'match' } });
    // {"note":"…"} is 11 bytes around 300 characters of 3 bytes each; {"verdict":"match"} is 19.
    const limit = 11 + 900 + 19;
    const before = store.decisions.stats.records;
    await store.decisions.record(fits, limit);
    const over = record(t, { input: { note: '适当性'.repeat(100) + 'x' }, output: { verdict: 'match' }, trace: [] });
    const refused = await store.decisions.record(over, limit).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RecordTooLarge);
    expect(refused).toMatchObject({ limit, size: { input: 912, output: 19, trace: 2, total: 933 } });
    await store.decisions.flush();
    expect(store.decisions.stats.records).toBe(before + 1);
    expect(await store.decisions.get(fits.decisionId)).toEqual(fits);
    expect(await store.decisions.get(over.decisionId)).toBeUndefined();
  });

  it('a bad record fails alone; its batch neighbours are stored', async () => {
    const good = [record(t), record(t)];
    const duplicate = record(t, { decisionId: good[0]!.decisionId });
    const unknownRevision = record(t, { revisionId: 99 });
    const results = await Promise.allSettled([good[0], duplicate, unknownRevision, good[1]].map((r) => store.decisions.record(r!)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    for (const r of good) expect(await store.decisions.get(r.decisionId)).toBeDefined();
    expect(await store.decisions.get(unknownRevision.decisionId)).toBeUndefined();
  });
});
