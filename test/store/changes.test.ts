// Change notification: publishes, approvals and revocations reach listeners once committed — another
// process's store with PostgreSQL (within a second), the same store with PGlite — and a
// listener connection that drops comes back and says `resync`.
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreChange } from '../../src/store/changes.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { ENGINES, fixtureDocuments, openPublishedStore, type TestStore } from './helpers.ts';

function collector(): { changes: StoreChange[]; next(pred: (c: StoreChange) => boolean, ms?: number): Promise<StoreChange> } {
  const changes: StoreChange[] = [];
  return {
    changes,
    async next(pred, ms = 1000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = changes.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`No matching change within ${ms} ms; got ${JSON.stringify(changes)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe.each(ENGINES)('change notification on %s', (engine) => {
  let t: TestStore | undefined;
  let listener: Store | undefined;
  afterEach(async () => {
    if (listener !== t?.store) await listener?.close();
    await t?.store.close();
    t = listener = undefined;
  });

  it('hears a publish and an approval within one second, and nothing of a refused publish', async () => {
    t = await openPublishedStore(engine);
    // With PostgreSQL the listener is a second store, as another server process would hold.
    listener = t.url ? await openStore(t.options) : t.store;
    const heard = collector();
    await listener.onChange((c) => heard.changes.push(c));

    await t.store.revisions.publish({ documents: { 'service-package': fixtureDocuments()['service-package']! }, actor: 'hq', force: true });
    expect(await heard.next((c) => c.type === 'revision')).toMatchObject({ type: 'revision', id: 2 });

    await t.store.revisions.publish({ documents: { classification: 'kind: classification\n' }, actor: 'hq' }).catch(() => undefined);
    const p = await t.store.proposals.submit({ branch: '0101', baseRevision: 2, override: 'classification:\n  turnoverThreshold: 2.5\n', reason: 'r', actor: 'b' });
    const { override } = await t.store.proposals.approve({ id: p.id, actor: 'hq' });
    expect(await heard.next((c) => c.type === 'override')).toEqual({ type: 'override', id: override.id, branch: '0101', effectiveFrom: override.effectiveFrom.toISOString() });
    expect(heard.changes.filter((c) => c.type === 'revision')).toHaveLength(1);
  });

  it('hears a revocation once, and nothing of revoking a token already revoked', async () => {
    t = await openPublishedStore(engine);
    listener = t.url ? await openStore(t.options) : t.store;
    const heard = collector();
    await listener.onChange((c) => heard.changes.push(c));
    const { info } = await t.store.tokens.create({ role: 'system', name: 'crm', actor: 'hq' });
    await t.store.tokens.revoke(info.id, 'hq');
    expect(await heard.next((c) => c.type === 'token')).toEqual({ type: 'token', id: info.id });
    await t.store.tokens.revoke(info.id, 'hq');
    // A publish after it, heard in order: by then a second revocation notice would have come.
    await t.store.revisions.publish({ documents: { 'service-package': fixtureDocuments()['service-package']! }, actor: 'hq', force: true });
    await heard.next((c) => c.type === 'revision');
    expect(heard.changes.filter((c) => c.type === 'token')).toHaveLength(1);
  });

});

describe('change notification across processes (PostgreSQL)', () => {
  let t: TestStore | undefined;
  let listener: Store | undefined;
  afterEach(async () => {
    await listener?.close();
    await t?.store.close();
    t = listener = undefined;
  });

  it('reconnects a dropped listener, says resync, and hears later changes', async () => {
    t = await openPublishedStore('postgres');
    listener = await openStore(t.options);
    const heard = collector();
    await listener.onChange((c) => heard.changes.push(c));
    const { rows } = await (t.store as unknown as { db: { query(s: string): Promise<{ rows: { killed: boolean }[] }> } }).db.query(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and query ilike 'listen%'`);
    expect(rows.length).toBeGreaterThan(0);
    await heard.next((c) => c.type === 'resync', 5000);
    await t.store.revisions.publish({ documents: { 'service-package': fixtureDocuments()['service-package']! }, actor: 'hq', force: true });
    expect(await heard.next((c) => c.type === 'revision')).toMatchObject({ id: 2 });
  });
});
