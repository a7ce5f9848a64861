// Revisions on both engines: publish, carry-over, refusal of invalid sets, effective dating,
// and immutability enforced by the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policySetHash } from '../../src/policy/hash.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { fullSetValidator } from '../../src/store/context.ts';
import {
  classificationWithSource, classificationWithThreshold, DAY, servicePackageWithSource, ENGINES, fixtureDocuments, HOUR,
  openTestStore, rejection, type TestStore,
} from './helpers.ts';

describe('the default validator', () => {
  it('demands every kind of a complete set', () => {
    const result = fullSetValidator([{ file: 'classification', text: fixtureDocuments().classification! }]);
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'KIND_MISSING' })]));
  });
});

// One store per engine for the whole file: tests run in order and only move the clock forward.
describe.each(ENGINES)('revisions on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t?.store.close(); });
  const latest = async (): Promise<number> => (await t.store.revisions.list()).at(-1)!.id;

  it('publishes a set verbatim with its canonical hash, publisher, note and audit entry', async () => {
    const docs = fixtureDocuments();
    const summary = await t.store.revisions.publish({ documents: docs, actor: 'alice', note: '首次发布' });
    expect(summary).toMatchObject({ id: 1, status: 'active', publishedBy: 'alice', note: '首次发布' });
    expect(summary.effectiveFrom).toEqual(t.clock.now());
    const stored = await t.store.revisions.get(1);
    expect(stored?.documents).toEqual(docs);
    const expected = loadPolicyTexts(Object.entries(docs).map(([file, text]) => ({ file, text })));
    expect(stored?.hash).toBe(policySetHash(expected.set));
    const audit = await t.store.audit.list();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ seq: 1, action: 'revision.publish', subject: 'revision:1', actor: 'alice' });
    expect(audit[0]?.summary).toMatchObject({ hash: summary.hash, carriedFrom: null });
  });

  it('refuses an invalid set with every diagnostic and stores nothing', async () => {
    const before = { revisions: await latest(), audit: (await t.store.audit.list()).length };
    const err = await rejection(t.store.revisions.publish({ documents: { classification: classificationWithThreshold('"high"') }, actor: 'alice' }));
    expect(err.code).toBe('POLICY_INVALID');
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'classification', code: 'SCHEMA_VIOLATION', path: '/turnoverThreshold' })]));
    expect(await latest()).toBe(before.revisions);
    expect(await t.store.audit.list()).toHaveLength(before.audit);
  });

  it('refuses a text sent under the wrong kind and a key that is no kind', async () => {
    const docs = fixtureDocuments();
    const wrong = await rejection(t.store.revisions.publish({ documents: { 'service-package': docs.classification! }, actor: 'a' }));
    expect(wrong.code).toBe('POLICY_INVALID');
    expect(wrong.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'KIND_UNKNOWN', path: '/kind' })]));
    const unknown = await rejection(t.store.revisions.publish({ documents: { nonsense: docs.classification! }, actor: 'a' }));
    expect(unknown.code).toBe('POLICY_INVALID');
  });

  it('carries over the kinds not sent, verbatim', async () => {
    const first = await t.store.revisions.get(await latest());
    t.clock.advance(HOUR);
    const second = await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(2.8) }, actor: 'bob', note: 'threshold' });
    const stored = await t.store.revisions.get(second.id);
    expect(stored?.documents['service-package']).toBe(first?.documents['service-package']);
    expect(stored?.documents.classification).toContain('turnoverThreshold: 2.8');
    expect(second.hash).not.toBe(first?.hash);
    const entry = (await t.store.audit.list()).at(-1);
    expect(entry?.summary).toMatchObject({ carriedFrom: first?.id, changes: { classification: ['/turnoverThreshold'] } });
  });

  it('resolves the revision in force at an instant: active, scheduled, superseded', async () => {
    const base = await latest();
    const start = t.clock.now();
    const in9days = new Date(start.getTime() + 9 * DAY);
    const scheduled = await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(2.9) }, effectiveFrom: in9days, actor: 'a' });
    expect(scheduled.status).toBe('scheduled');
    expect((await t.store.revisions.at())?.id).toBe(base);
    expect((await t.store.revisions.at(new Date(in9days.getTime() - 1)))?.id).toBe(base);
    expect((await t.store.revisions.at(in9days))?.id).toBe(scheduled.id);
    expect(await t.store.revisions.at(new Date(Date.parse('2026-07-01T00:00:00Z') - 1))).toBeUndefined();
    expect((await t.store.revisions.list()).slice(-2).map((r) => r.status)).toEqual(['active', 'scheduled']);

    t.clock.advance(10 * DAY);
    expect((await t.store.revisions.list()).slice(-2).map((r) => r.status)).toEqual(['superseded', 'active']);
    // History stays put: at the earlier instant the base revision was (and still is) in force.
    expect((await t.store.revisions.at(start))?.id).toBe(base);
  });

  it('a publish landing before a scheduled revision keeps the schedule (rebased) unless told to replace it', async () => {
    const active = await latest();
    const start = t.clock.now().getTime();
    const a = await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(2.7) }, effectiveFrom: new Date(start + 10 * DAY), actor: 'a' });
    // Scheduled after revision a: carries classification 2.7 over from a, not from the active one.
    const b = await t.store.revisions.publish({ documents: { 'service-package': servicePackageWithSource('第十条') }, effectiveFrom: new Date(start + 20 * DAY), actor: 'a' });
    expect((await t.store.revisions.get(b.id))?.documents.classification).toContain('turnoverThreshold: 2.7');

    // c (day 15) lands before b (day 20): without acknowledgement nothing happens.
    const c = { documents: { classification: classificationWithSource('第四条') }, effectiveFrom: new Date(start + 15 * DAY), actor: 'a' };
    const refused = await rejection(t.store.revisions.publish(c));
    expect(refused.code).toBe('EFFECTS_UNACKNOWLEDGED');
    const [{ effectsId, effects }] = refused.details as [{ effectsId: string; effects: unknown[] }];
    expect(effects).toEqual([{ type: 'revision-rescheduled', revision: b.id, effectiveFrom: new Date(start + 20 * DAY).toISOString(), kinds: ['service-package'], overrides: [] }]);
    expect(await latest()).toBe(b.id);

    const kept = await t.store.revisions.publish({ ...c, acknowledge: effectsId });
    expect(kept.rescheduled).toEqual([{ replaces: b.id, id: kept.id + 1 }]);
    const bAgain = await t.store.revisions.get(kept.id + 1);
    // b again, at its own instant: its own service-package over c's classification.
    expect(bAgain).toMatchObject({ replaces: b.id, effectiveFrom: new Date(start + 20 * DAY), status: 'scheduled', note: b.note });
    expect(bAgain?.documents['service-package']).toContain('第十条');
    expect(bAgain?.documents.classification).toContain('source: 第四条');
    expect((await t.store.revisions.at(new Date(start + 12 * DAY)))?.id).toBe(a.id);
    expect((await t.store.revisions.at(new Date(start + 15 * DAY)))?.id).toBe(kept.id);
    expect((await t.store.revisions.at(new Date(start + 20 * DAY - 1)))?.id).toBe(kept.id);
    expect((await t.store.revisions.at(new Date(start + 20 * DAY)))?.id).toBe(kept.id + 1);
    const statuses = Object.fromEntries((await t.store.revisions.list()).map((r) => [r.id, r.status]));
    expect([statuses[active], statuses[a.id], statuses[b.id], statuses[kept.id], statuses[kept.id + 1]]).toEqual(['active', 'scheduled', 'superseded', 'scheduled', 'scheduled']);
    expect((await t.store.revisions.summaryOf(b.id))?.replacedBy).toBe(kept.id + 1);
    // Each revision has the audit entry of its own publication; the rescheduling is one of its own.
    const entries = (await t.store.audit.list()).slice(-3);
    expect(entries.map((e) => [e.action, e.subject])).toEqual([
      ['revision.publish', `revision:${kept.id}`], ['revision.publish', `revision:${kept.id + 1}`], ['revision.reschedule', `revision:${b.id}`],
    ]);
    expect(entries[1]?.summary).toMatchObject({ replaces: b.id, after: kept.id, note: b.note });
    expect(entries[2]?.summary).toMatchObject({ republishedAs: kept.id + 1, after: kept.id });

    // Replacing: d (day 18) supersedes b's second coming, and says so.
    const d = { documents: { classification: classificationWithSource('第六条') }, effectiveFrom: new Date(start + 18 * DAY), actor: 'a', scheduled: 'replace' as const };
    const asked = await rejection(t.store.revisions.publish(d));
    expect((asked.details as [{ effects: unknown[] }])[0].effects).toEqual([{ type: 'revision-superseded', revision: kept.id + 1, effectiveFrom: new Date(start + 20 * DAY).toISOString(), reason: 'replaced' }]);
    const replaced = await t.store.revisions.publish({ ...d, acknowledge: true });
    expect(replaced.rescheduled).toEqual([]);
    expect((await t.store.revisions.at(new Date(start + 25 * DAY)))?.id).toBe(replaced.id);
    expect((await t.store.revisions.get(replaced.id))?.documents['service-package']).not.toContain('第十条');
    expect((await t.store.audit.list()).at(-1)).toMatchObject({ action: 'revision.supersede', subject: `revision:${kept.id + 1}`, summary: { by: replaced.id, reason: 'replaced' } });
  });

  it('refuses to publish what is already in force unless forced', async () => {
    const inForce = await t.store.revisions.at();
    const documents = (await t.store.revisions.get(inForce!.id))!.documents;
    const err = await rejection(t.store.revisions.publish({ documents, actor: 'a' }));
    expect(err.code).toBe('REVISION_UNCHANGED');
    expect(err.message).toContain(`revision ${inForce!.id}`);
    // A comment alone does not change a decision either.
    const commented = await rejection(t.store.revisions.publish({ documents: { classification: `# 注释\n${documents.classification}` }, actor: 'a' }));
    expect(commented.code).toBe('REVISION_UNCHANGED');
    const before = await latest();
    const forced = await t.store.revisions.publish({ documents: { classification: `# 注释\n${documents.classification}` }, actor: 'a', force: true, acknowledge: true });
    expect(forced.id).toBe(before + 1);
    expect((await t.store.audit.list()).find((e) => e.subject === `revision:${forced.id}`)?.summary).toMatchObject({ forced: true });
  });

  it('refuses an effective date in the past', async () => {
    const err = await rejection(t.store.revisions.publish({ documents: {}, effectiveFrom: new Date(t.clock.now().getTime() - 1), actor: 'a' }));
    expect(err.code).toBe('BAD_INPUT');
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of history, whoever asks', async () => {
    const sql = (t.store as unknown as { db: { query(s: string): Promise<unknown> } }).db;
    const attempts = [
      `update revisions set note = 'rewritten' where id = 1`,
      'delete from revisions where id = 1',
      `update revision_documents set yaml = 'kind: classification' where revision_id = 1`,
      'delete from revision_documents',
      `update audit set actor = 'mallory'`,
      'delete from audit',
      'truncate audit',
      'truncate revisions cascade',
    ];
    for (const statement of attempts) {
      const err = await rejection(sql.query(statement));
      expect(err.message, statement).toMatch(/immutable/);
    }
    expect((await t.store.revisions.get(1))?.note).toBe('首次发布');
    expect((await t.store.audit.verify()).ok).toBe(true);
  });
});
