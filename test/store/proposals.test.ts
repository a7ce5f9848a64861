// Branch proposals and overrides on both engines: the lifecycle, rebase versus PROPOSAL_STALE,
// effective dating of overrides, suspension after head office moves, and double approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.ts';
import {
  classificationWithSource, classificationWithThreshold, DAY, ENGINES, openPublishedStore, rejection, type TestStore,
} from './helpers.ts';

const OVERRIDE = 'classification:\n  turnoverThreshold: 2.5\n';
const threshold = (value: unknown): unknown => (value as { turnoverThreshold?: unknown }).turnoverThreshold;

/** A proposal against the revision in force now (tests share one store and move head office on). */
async function submitted(store: Store, branch: string, override = OVERRIDE, baseRevision?: number) {
  const base = baseRevision ?? (await store.revisions.at())!.id;
  return store.proposals.submit({ branch, baseRevision: base, override, reason: '本地客户周转率偏低', actor: `branch:${branch}` });
}

// One store per engine for the whole file; each test uses its own branch codes.
describe.each(ENGINES)('proposals on %s', (engine) => {
  let t: TestStore;
  let other: Store | undefined;
  beforeAll(async () => { t = await openPublishedStore(engine); });
  afterAll(async () => {
    await other?.close();
    await t?.store.close();
  });

  it('submitted → approved: the branch decides with its override from then on, others do not', async () => {
    const auditBefore = (await t.store.audit.list()).length;
    const p = await submitted(t.store, '0101');
    expect(p).toMatchObject({ status: 'submitted', branch: '0101', baseRevision: 1, override: OVERRIDE, submittedBy: 'branch:0101' });
    expect(p.steps.map((s) => s.action)).toEqual(['submitted']);
    const { changes } = await t.store.proposals.diff(p.id);
    expect(changes.get('classification')).toEqual([{ path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }]);

    t.clock.advance(DAY);
    const { proposal, override } = await t.store.proposals.approve({ id: p.id, actor: 'head-office:zhang', comment: '同意' });
    expect(proposal.status).toBe('approved');
    expect(proposal.overrideId).toBe(override.id);
    expect(proposal.steps.map((s) => [s.action, s.actor, s.comment])).toEqual([
      ['submitted', 'branch:0101', '本地客户周转率偏低'],
      ['approved', 'head-office:zhang', '同意'],
    ]);
    expect(override).toMatchObject({ branch: '0101', proposalId: p.id, baseRevision: 1, effectiveFrom: t.clock.now() });

    const mine = await t.store.overrides.effectivePolicy('0101');
    expect(mine.overrideStatus).toBe('applied');
    expect(mine.override?.id).toBe(override.id);
    expect(threshold(mine.set.documents.get('classification')?.value)).toBe(2.5);
    expect(mine.hash).not.toBe(mine.revision.hash);
    const theirs = await t.store.overrides.effectivePolicy('0102');
    expect(theirs.overrideStatus).toBe('none');
    expect(threshold(theirs.set.documents.get('classification')?.value)).toBe(3);
    expect(theirs.hash).toBe(theirs.revision.hash);
    // Before the approval instant the branch had no override.
    expect((await t.store.overrides.effectivePolicy('0101', new Date(t.clock.now().getTime() - 1))).overrideStatus).toBe('none');

    expect((await t.store.audit.list()).slice(auditBefore).map((e) => e.action)).toEqual(['proposal.submit', 'proposal.approve']);
  });

  it('rejected and withdrawn proposals are final; the submitter cannot approve their own', async () => {
    const a = await submitted(t.store, '0301');
    const b = await submitted(t.store, '0302');
    expect((await rejection(t.store.proposals.approve({ id: a.id, actor: 'branch:0301' }))).code).toBe('FORBIDDEN');
    expect((await t.store.proposals.reject({ id: a.id, actor: 'hq', comment: '理由不足' })).status).toBe('rejected');
    expect((await t.store.proposals.withdraw({ id: b.id, actor: 'branch:0302' })).status).toBe('withdrawn');
    expect((await rejection(t.store.proposals.approve({ id: a.id, actor: 'hq' }))).code).toBe('CONFLICT');
    expect((await rejection(t.store.proposals.withdraw({ id: a.id, actor: 'branch:0301' }))).code).toBe('CONFLICT');
    expect((await rejection(t.store.proposals.reject({ id: 9999, actor: 'hq' }))).code).toBe('NOT_FOUND');
    expect((await t.store.proposals.list({ status: 'rejected' })).map((p) => p.id)).toContain(a.id);
    expect((await t.store.proposals.list({ branch: '0302' })).map((p) => p.status)).toEqual(['withdrawn']);
    expect(await t.store.overrides.list('0301')).toEqual([]);
  });

  it('refuses an override beyond head office bounds, naming the path, and stores nothing', async () => {
    const before = (await t.store.proposals.list()).length;
    const err = await rejection(submitted(t.store, '0401', 'classification:\n  turnoverThreshold: 1\n'));
    expect(err.code).toBe('OVERRIDE_OUT_OF_BOUNDS');
    expect(err.details).toEqual([expect.objectContaining({ code: 'OVERRIDE_OUT_OF_BOUNDS', path: '/classification/turnoverThreshold', line: 2, column: 22 })]);
    expect((await rejection(submitted(t.store, 'not a code!'))).code).toBe('BAD_INPUT');
    expect((await rejection(submitted(t.store, '0401', OVERRIDE, 9999))).code).toBe('NOT_FOUND');
    expect(await t.store.proposals.list()).toHaveLength(before);
  });

  it('rebases onto a newer revision when head office left the override paths alone, and records it', async () => {
    const p = await submitted(t.store, '0501');
    const moved = await t.store.revisions.publish({ documents: { classification: classificationWithSource('第五条') }, actor: 'hq', acknowledge: true });
    const { proposal, override } = await t.store.proposals.approve({ id: p.id, actor: 'hq' });
    expect(override.baseRevision).toBe(moved.id);
    expect(proposal.steps.map((s) => s.action)).toEqual(['submitted', 'rebased', 'approved']);
    expect(proposal.steps[1]?.detail).toEqual({ from: p.baseRevision, to: moved.id });
    const effective = await t.store.overrides.effectivePolicy('0501');
    expect(effective.revision.id).toBe(moved.id);
    expect(threshold(effective.set.documents.get('classification')?.value)).toBe(2.5);
    expect((effective.set.documents.get('classification')?.value as { source?: string }).source).toBe('第五条');
    expect((await t.store.audit.list()).map((e) => e.action)).toContain('proposal.rebase');
  });

  it('PROPOSAL_STALE when head office changed a path the override touches; the proposal stays open', async () => {
    const p = await submitted(t.store, '0601');
    const moved = await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(3.2) }, actor: 'hq', acknowledge: true });
    const err = await rejection(t.store.proposals.approve({ id: p.id, actor: 'hq' }));
    expect(err.code).toBe('PROPOSAL_STALE');
    expect(err.details).toEqual([{ path: '/classification/turnoverThreshold', baseRevision: p.baseRevision, currentRevision: moved.id }]);
    expect((await t.store.proposals.get(p.id))?.status).toBe('submitted');
    expect(await t.store.overrides.list('0601')).toEqual([]);
  });

  it('at most one override per branch at an instant: a newer approval supersedes from its effective date', async () => {
    const start = t.clock.now().getTime();
    const first = await submitted(t.store, '0701', 'classification:\n  turnoverThreshold: 2.5\n');
    const second = await submitted(t.store, '0701', 'classification:\n  turnoverThreshold: 3.5\n');
    const a = await t.store.proposals.approve({ id: first.id, actor: 'hq', effectiveFrom: new Date(start + 5 * DAY) });
    const b = await t.store.proposals.approve({ id: second.id, actor: 'hq', effectiveFrom: new Date(start + 10 * DAY) });
    expect(await t.store.overrides.at('0701', new Date(start + 4 * DAY))).toBeUndefined();
    expect((await t.store.overrides.at('0701', new Date(start + 5 * DAY)))?.id).toBe(a.override.id);
    expect((await t.store.overrides.at('0701', new Date(start + 10 * DAY)))?.id).toBe(b.override.id);
    const later = await t.store.overrides.effectivePolicy('0701', new Date(start + 30 * DAY));
    expect(threshold(later.set.documents.get('classification')?.value)).toBe(3.5);
    expect((await rejection(t.store.proposals.approve({ id: (await submitted(t.store, '0702')).id, actor: 'hq', effectiveFrom: new Date(start - 1) }))).code).toBe('BAD_INPUT');
  });

  it('suspends an override once head office changes what it touches: head office documents apply', async () => {
    const p = await submitted(t.store, '0801');
    await t.store.proposals.approve({ id: p.id, actor: 'hq' });
    t.clock.advance(DAY);
    await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(3.4) }, actor: 'hq', acknowledge: true });
    const effective = await t.store.overrides.effectivePolicy('0801');
    expect(effective.overrideStatus).toBe('suspended');
    expect(effective.problems[0]).toMatchObject({ path: '/classification/turnoverThreshold' });
    expect(threshold(effective.set.documents.get('classification')?.value)).toBe(3.4);
  });

  it('concurrent approvals of one proposal: exactly one succeeds, the other gets CONFLICT', async () => {
    // Two connections (PostgreSQL: two pools, as two servers would have); PGlite has one.
    other = t.url ? await openStore(t.options) : undefined;
    const second = other ?? t.store;
    for (let round = 0; round < 4; round++) {
      const p = await submitted(t.store, `09${round}`);
      const results = await Promise.allSettled([
        t.store.proposals.approve({ id: p.id, actor: 'hq-1' }),
        second.proposals.approve({ id: p.id, actor: 'hq-2' }),
      ]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failures, `round ${round}`).toHaveLength(1);
      expect((failures[0]?.reason as { code?: string }).code).toBe('CONFLICT');
      const steps = (await t.store.proposals.get(p.id))?.steps ?? [];
      expect(steps.filter((s) => s.action === 'approved')).toHaveLength(1);
      expect((await t.store.overrides.list(`09${round}`))).toHaveLength(1);
    }
    expect((await t.store.audit.verify()).ok).toBe(true);
  });
});
