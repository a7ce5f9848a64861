// Revisions on both engines: publish, carry-over, refusal of invalid sets, effective dating,
// and immutability enforced by the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policySetHash } from '../../src/policy/hash.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { fullSetValidator } from '../../src/store/context.ts';
import {
  classificationWithSource, classificationWithThreshold, DAY, ENGINES, fixtureDocuments, HOUR,
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

  it('a later publish supersedes a scheduled one from its own effective date; scheduled ones carry over from what will be in force', async () => {
    const active = await latest();
    const start = t.clock.now().getTime();
    const a = await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(2.7) }, effectiveFrom: new Date(start + 10 * DAY), actor: 'a' });
    // Scheduled after revision a: carries classification 2.7 over from a, not from the active one.
    const b = await t.store.revisions.publish({ documents: { 'service-package': fixtureDocuments()['service-package']! }, effectiveFrom: new Date(start + 20 * DAY), actor: 'a' });
    expect((await t.store.revisions.get(b.id))?.documents.classification).toContain('turnoverThreshold: 2.7');
    const c = await t.store.revisions.publish({ documents: { classification: classificationWithSource('第四条') }, effectiveFrom: new Date(start + 15 * DAY), actor: 'a' });
    // c (day 15) was published after b (day 20): from day 15 on, c is in force and b never comes.
    expect((await t.store.revisions.at(new Date(start + 25 * DAY)))?.id).toBe(c.id);
    const statuses = Object.fromEntries((await t.store.revisions.list()).map((r) => [r.id, r.status]));
    expect([statuses[active], statuses[a.id], statuses[b.id], statuses[c.id]]).toEqual(['active', 'scheduled', 'superseded', 'scheduled']);
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
