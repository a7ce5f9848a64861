// Publishing without losing what anyone meant, on both engines: a publish's effects are known
// before it happens (the overrides it suspends, the proposals it makes stale), refused unless
// acknowledged, and each audited; a stale proposal cannot be approved and is rebased in one step;
// a kind another publish changed since the documents' base is refused; and concurrent publishes
// from two servers on one database all end up in force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPolicyDir } from '../../src/store/files.ts';
import { fullSetValidator } from '../../src/store/context.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';
import {
  classificationWithSource, classificationWithThreshold, ENGINES, HOUR, openPublishedStore, openTestStore, rejection,
  servicePackageWithSource, type TestStore,
} from './helpers.ts';

const OVERRIDE = 'classification:\n  turnoverThreshold: 2.5\n';
const threshold = (value: unknown): unknown => (value as { turnoverThreshold?: unknown }).turnoverThreshold;

describe.each(ENGINES)('publish effects on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openPublishedStore(engine); });
  afterAll(async () => { await t?.store.close(); });
  const current = async (): Promise<number> => (await t.store.revisions.at())!.id;
  const propose = async (branch: string, override = OVERRIDE) =>
    t.store.proposals.submit({ branch, baseRevision: await current(), override, reason: '本地客户周转率偏低', actor: `branch:${branch}` });

  it('names the override a publish would suspend, refuses it unacknowledged, and audits the suspension', async () => {
    const p = await propose('0101');
    const { override } = await t.store.proposals.approve({ id: p.id, actor: 'hq' });
    t.clock.advance(HOUR);
    const documents = { classification: classificationWithThreshold(3.2) };
    const plan = await t.store.revisions.plan({ documents });
    expect(plan.effects).toEqual([{
      type: 'override-suspended', branch: '0101', override: override.id, from: t.clock.now().toISOString(),
      reasons: [{ path: '/classification/turnoverThreshold', code: 'OVERRIDE_BASE_CHANGED', message: expect.stringContaining('/classification/turnoverThreshold') }],
    }]);

    const before = await current();
    const refused = await rejection(t.store.revisions.publish({ documents, actor: 'hq' }));
    expect(refused.code).toBe('EFFECTS_UNACKNOWLEDGED');
    expect(refused.details).toEqual([{ effectsId: plan.effectsId, effects: plan.effects }]);
    const wrongDigest = await rejection(t.store.revisions.publish({ documents, actor: 'hq', acknowledge: `sha256:${'0'.repeat(64)}` }));
    expect(wrongDigest.code).toBe('EFFECTS_UNACKNOWLEDGED');
    expect(await current()).toBe(before);
    expect((await t.store.overrides.effectivePolicy('0101')).overrideStatus).toBe('applied');

    // A moment after the preview: an immediate publish's "from now" moved with it, and the preview's digest still stands.
    t.clock.advance(1_000);
    const published = await t.store.revisions.publish({ documents, actor: 'hq', acknowledge: plan.effectsId });
    expect(published.effects).toEqual([{ ...plan.effects[0], from: t.clock.now().toISOString() }]);
    const effective = await t.store.overrides.effectivePolicy('0101');
    expect(effective.overrideStatus).toBe('suspended');
    // Positioned in the override's own text, at the value the branch wrote.
    expect(effective.problems).toEqual([expect.objectContaining({ file: 'override', code: 'OVERRIDE_BASE_CHANGED', path: '/classification/turnoverThreshold', line: 2, column: 22 })]);
    // The revisions involved travel as data too, for the editor to say in Chinese.
    expect(effective.problems[0]!.params).toEqual({ baseRevision: override.baseRevision, revision: published.id });
    expect(threshold(effective.set.documents.get('classification')?.value)).toBe(3.2);
    const entries = (await t.store.audit.list()).slice(-2);
    expect(entries.map((e) => [e.action, e.subject])).toEqual([['revision.publish', `revision:${published.id}`], ['override.suspend', `override:${override.id}`]]);
    expect(entries[0]?.summary).toMatchObject({ effectsAcknowledged: plan.effectsId });
    expect(entries[1]?.summary).toMatchObject({ branch: '0101', override: override.id, by: published.id });
    expect(await t.store.overrides.states('0101')).toEqual([expect.objectContaining({ inForce: true, revision: published.id, status: 'suspended' })]);

    // Suspended already: moving the same path again suspends nothing more.
    expect((await t.store.revisions.plan({ documents: { classification: classificationWithThreshold(3.3) } })).effects).toEqual([]);
  });

  it('a proposal a publish makes stale: said before, recorded in its history, approval refused, rebased in one step', async () => {
    const p = await propose('0201');
    const documents = { classification: classificationWithThreshold(3.6) };
    const plan = await t.store.revisions.plan({ documents });
    expect(plan.effects).toEqual([{ type: 'proposal-stale', branch: '0201', proposal: p.id, reasons: [expect.objectContaining({ code: 'OVERRIDE_BASE_CHANGED', path: '/classification/turnoverThreshold' })] }]);
    const published = await t.store.revisions.publish({ documents, actor: 'hq', acknowledge: plan.effectsId });

    const stale = (await t.store.proposals.get(p.id))!;
    expect(stale.status).toBe('submitted');
    expect(stale.stale).toEqual({ revision: published.id, reasons: [expect.objectContaining({ code: 'OVERRIDE_BASE_CHANGED', path: '/classification/turnoverThreshold' })] });
    expect(stale.steps.map((s) => s.action)).toEqual(['submitted', 'stale']);
    expect(stale.steps[1]?.detail).toMatchObject({ revision: published.id });
    const approval = await rejection(t.store.proposals.approve({ id: p.id, actor: 'hq' }));
    expect(approval.code).toBe('PROPOSAL_STALE');
    expect(approval.message).toMatch(/reject it, or ask branch 0201 to rebase it/);

    const asked = await t.store.proposals.requestRebase({ id: p.id, actor: 'hq', comment: '请按新版本重新确认' });
    expect(asked.steps.map((s) => [s.action, s.comment]).at(-1)).toEqual(['rebase-requested', '请按新版本重新确认']);

    const rebased = await t.store.proposals.rebase({ id: p.id, actor: 'branch:0201' });
    expect(rebased).toMatchObject({ status: 'submitted', branch: '0201', baseRevision: published.id, override: OVERRIDE, replaces: p.id });
    expect(rebased.stale).toBeUndefined();
    const old = (await t.store.proposals.get(p.id))!;
    expect(old).toMatchObject({ status: 'superseded', replacedBy: rebased.id });
    expect(old.stale).toBeUndefined();
    expect(old.steps.map((s) => s.action)).toEqual(['submitted', 'stale', 'rebase-requested', 'superseded']);
    expect((await rejection(t.store.proposals.rebase({ id: p.id, actor: 'branch:0201' }))).code).toBe('CONFLICT');

    await t.store.proposals.approve({ id: rebased.id, actor: 'hq' });
    expect(threshold((await t.store.overrides.effectivePolicy('0201')).set.documents.get('classification')?.value)).toBe(2.5);
    const actions = (await t.store.audit.list()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['proposal.stale', 'proposal.rebase-request', 'proposal.supersede']));
  });

  it('refuses a second pending proposal with the same content, however it is written', async () => {
    const first = await propose('0301', 'classification:\n  turnoverThreshold: 2.6\n');
    const dup = await rejection(propose('0301', '# 同一调整\nclassification: {turnoverThreshold: 2.6}\n'));
    expect(dup.code).toBe('PROPOSAL_DUPLICATE');
    expect(dup.details).toEqual([{ proposal: first.id }]);
    expect((await propose('0302', 'classification:\n  turnoverThreshold: 2.6\n')).status).toBe('submitted');
    await t.store.proposals.withdraw({ id: first.id, actor: 'branch:0301' });
    expect((await propose('0301', 'classification:\n  turnoverThreshold: 2.6\n')).status).toBe('submitted');
  });

  it('refuses a kind another publish changed since the documents\' base, and never reverts what it did not change', async () => {
    const base = await current();
    const baseDocs = (await t.store.revisions.get(base))!.documents;
    const a = await t.store.revisions.publish({ documents: { classification: classificationWithSource('甲') }, baseRevision: base, actor: 'hq-a', acknowledge: true });
    const conflict = await rejection(t.store.revisions.publish({ documents: { classification: classificationWithSource('乙') }, baseRevision: base, actor: 'hq-b' }));
    expect(conflict.code).toBe('REVISION_CONFLICT');
    expect(conflict.details).toEqual([{ kind: 'classification', baseRevision: base, currentRevision: a.id }]);
    expect(conflict.message).toContain(`Revision ${a.id} changed classification since revision ${base}`);
    // All documents sent, as an editor does: the unchanged classification is not sent back over a's.
    const c = await t.store.revisions.publish({
      documents: { ...baseDocs, 'service-package': servicePackageWithSource('丙') }, baseRevision: base, actor: 'hq-c', acknowledge: true,
    });
    const docs = (await t.store.revisions.get(c.id))!.documents;
    expect(docs.classification).toContain('source: 甲');
    expect(docs['service-package']).toContain('source: 丙');
    expect((await rejection(t.store.revisions.publish({ documents: {}, baseRevision: 9999, actor: 'hq' }))).code).toBe('BAD_INPUT');
  });
});

// Every kind of the real policy set: publishes of different kinds at once, as head office's
// people do on a busy morning, through two servers (PostgreSQL: two pools on one database).
describe.each(ENGINES)('concurrent publishes on %s', (engine) => {
  let t: TestStore;
  let second: Store;
  let kinds: string[];
  const documents = readPolicyDir(RULES_DIR).documents;
  const withSource = (kind: string, source: string): string => documents[kind]!.replace(/^source: .*$/m, `source: ${source}`);

  beforeAll(async () => {
    t = await openTestStore(engine, { validateSet: fullSetValidator });
    await t.store.revisions.publish({ documents, actor: 'seed' });
    second = t.url ? await openStore({ ...t.options, validateSet: fullSetValidator }) : t.store;
    kinds = Object.keys(documents).sort();
    expect(kinds.length).toBeGreaterThanOrEqual(11);
  });
  afterAll(async () => {
    if (second !== t.store) await second?.close();
    await t?.store.close();
  });

  it('every confirmed publish of a different kind is in the revision in force', async () => {
    for (let round = 1; round <= 2; round++) {
      const results = await Promise.allSettled(kinds.map((kind, i) =>
        (i % 2 ? second : t.store).revisions.publish({ documents: { [kind]: withSource(kind, `round ${round}`) }, actor: `hq-${i}`, acknowledge: true })));
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(failed, `round ${round}`).toEqual([]);
      const inForce = (await t.store.revisions.get((await t.store.revisions.at())!.id))!.documents;
      for (const kind of kinds) expect(inForce[kind], `${kind} after round ${round}`).toContain(`source: round ${round}`);
    }
  });

  it('two publishes of one kind from the same base: exactly one is confirmed, the other is REVISION_CONFLICT', async () => {
    const base = (await t.store.revisions.at())!.id;
    const jobs = kinds.flatMap((kind, i) => ['甲', '乙'].map((who, j) => ({ kind, who, store: (i + j) % 2 ? second : t.store })));
    const results = await Promise.allSettled(jobs.map((j) =>
      j.store.revisions.publish({ documents: { [j.kind]: withSource(j.kind, `${j.kind} by ${j.who}`) }, baseRevision: base, actor: j.who, acknowledge: true })));
    const inForce = (await t.store.revisions.get((await t.store.revisions.at())!.id))!.documents;
    for (const kind of kinds) {
      const mine = jobs.map((j, i) => ({ ...j, result: results[i]! })).filter((j) => j.kind === kind);
      const confirmed = mine.filter((j) => j.result.status === 'fulfilled');
      expect(confirmed, kind).toHaveLength(1);
      expect(inForce[kind]).toContain(`source: ${kind} by ${confirmed[0]!.who}`);
      const refused = mine.find((j) => j.result.status === 'rejected')!.result as PromiseRejectedResult;
      expect((refused.reason as { code?: string }).code).toBe('REVISION_CONFLICT');
    }
    expect((await t.store.audit.verify()).ok).toBe(true);
  });
});
