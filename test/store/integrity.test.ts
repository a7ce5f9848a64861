// Content verified where it is read (issue 20, item 2), on both engines: rows edited behind the
// triggers' back, as a DBA could (session_replication_role = replica), are refused when read and
// named by the store check, kind, id and what differs.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { SetCache } from '../../src/store/context.ts';
import { Store } from '../../src/store/store.ts';
import { ENGINES, openPublishedStore, rejection, type TestStore } from './helpers.ts';

const dbOf = (store: Store): Db => (store as unknown as { db: Db }).db;
const ctxOf = (store: Store): ConstructorParameters<typeof Store>[1] => (store as unknown as { ctx: ConstructorParameters<typeof Store>[1] }).ctx;

/** Runs statements as a DBA could, with the immutability triggers off. */
async function tamper(store: Store, ...statements: string[]): Promise<void> {
  await dbOf(store).transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    for (const s of statements) await tx.query(s);
  });
}

/** The same database seen by a store that has read nothing yet (a restarted server). */
function restarted(store: Store): Store {
  return new Store(dbOf(store), { ...ctxOf(store), sets: new SetCache() });
}

const OVERRIDE = 'classification:\n  turnoverThreshold: 2.5\n';

describe.each(ENGINES)('content verified where it is read, on %s', (engine) => {
  let t: TestStore;
  afterEach(async () => { await t?.store.close(); });

  it('a revision whose stored document was edited is refused, by get() and by policySet(), naming revision and kind', async () => {
    t = await openPublishedStore(engine);
    await tamper(t.store, `update revision_documents set yaml = replace(yaml, E'\\nturnoverThreshold: 3\\n', E'\\nturnoverThreshold: 2\\n') where revision_id = 1 and kind = 'classification'`);
    const fresh = restarted(t.store);
    const read = await rejection(fresh.revisions.get(1));
    expect(read.code).toBe('STORE_INTEGRITY');
    expect(read.details).toEqual([expect.objectContaining({ kind: 'revision', id: 1, field: 'documents.classification', problem: 'content' })]);
    expect((await rejection(fresh.revisions.policySet(1))).code).toBe('STORE_INTEGRITY');
    expect((await rejection(fresh.overrides.effectivePolicy())).code).toBe('STORE_INTEGRITY');
  });

  it('an approved override edited in place is refused wherever it is read', async () => {
    t = await openPublishedStore(engine);
    const p = await t.store.proposals.submit({ branch: '0101', baseRevision: 1, override: OVERRIDE, reason: 'r', actor: 'branch:0101' });
    const { override } = await t.store.proposals.approve({ id: p.id, actor: 'hq' });
    await tamper(t.store, `update overrides set override_yaml = E'classification:\\n  turnoverThreshold: 1.6\\n' where id = ${override.id}`);
    for (const read of [() => t.store.overrides.get(override.id), () => t.store.overrides.at('0101'), () => t.store.overrides.list()]) {
      const err = await rejection(read());
      expect(err.code).toBe('STORE_INTEGRITY');
      // Its seal no longer holds, and its text is no longer the proposal's it was approved from.
      expect(err.details).toEqual([
        expect.objectContaining({ kind: 'override', id: override.id, problem: 'content' }),
        expect.objectContaining({ kind: 'override', id: override.id, problem: 'anchor', field: 'override' }),
      ]);
    }
  });

  it('a decision record whose verdict was edited is refused', async () => {
    t = await openPublishedStore(engine);
    const decisionId = randomUUID();
    await t.store.decisions.record({
      decisionId, revisionId: 1, revisionHash: 'sha256:x', decision: 'suitability', input: { client: { riskLevel: 'low' } },
      output: { verdict: 'block', reasons: ['risk-too-high'] }, caller: 'token:3 (crm)', at: t.clock.now(),
    });
    await tamper(t.store, `update decisions set output = jsonb_set(output, '{verdict}', '"match"') where decision_id = '${decisionId}'`);
    const err = await rejection(t.store.decisions.get(decisionId));
    expect(err.code).toBe('STORE_INTEGRITY');
    expect(err.details).toEqual([expect.objectContaining({ kind: 'decision', id: decisionId, problem: 'content' })]);
  });

  it('a branch token turned into a head-office token no longer authenticates', async () => {
    t = await openPublishedStore(engine);
    const { token, info } = await t.store.tokens.create({ role: 'branch', branch: '0101', name: 'b', actor: 'hq' });
    await tamper(t.store, `update tokens set role = 'head-office', branch = null where id = ${info.id}`);
    const err = await rejection(t.store.tokens.authenticate(token));
    expect(err.code).toBe('STORE_INTEGRITY');
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'token', id: info.id, field: 'role', problem: 'anchor' })]));
    expect((await rejection(t.store.tokens.list())).code).toBe('STORE_INTEGRITY');
  });
});
