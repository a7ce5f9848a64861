// Content verified where it is read (issue 20, item 2), on both engines: rows edited behind the
// triggers' back, as a DBA could (session_replication_role = replica), are refused when read and
// named by the store check, kind, id and what differs.
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash } from '../../src/store/audit.ts';
import type { Db } from '../../src/store/db.ts';
import { SetCache } from '../../src/store/context.ts';
import { makeCheckpoint, parseCheckpoint } from '../../src/store/checkpoint.ts';
import { canonicalText, integrityKeyFrom, Sealer, sealingDb, type IntegrityKey, type IntegrityProblem } from '../../src/store/integrity.ts';
import { decisionForm } from '../../src/store/seals.ts';
import { Store } from '../../src/store/store.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { canonicalJson, policySetHash } from '../../src/policy/hash.ts';
import { migrate } from '../../src/store/migrate.ts';
import { classificationWithThreshold, DAY, ENGINES, fixtureDocuments, openPublishedStore, rejection, type TestStore } from './helpers.ts';

const dbOf = (store: Store): Db => (store as unknown as { db: Db }).db;
const ctxOf = (store: Store): ConstructorParameters<typeof Store>[1] => (store as unknown as { ctx: ConstructorParameters<typeof Store>[1] }).ctx;

/** Runs statements as a DBA could, with the immutability triggers off. */
async function tamper(store: Store, ...statements: string[]): Promise<void> {
  await dbOf(store).transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    for (const s of statements) await tx.query(s);
  });
}

/** The same database seen by a store that has read nothing yet (a restarted server), with another sealer if given. */
function restarted(store: Store, sealer?: Sealer): Store {
  const db = sealer ? sealingDb(dbOf(store), sealer) : dbOf(store);
  return new Store(db, { ...ctxOf(store), db, sets: new SetCache() });
}

const OVERRIDE = 'classification:\n  turnoverThreshold: 2.5\n';

function newKey(): IntegrityKey {
  return integrityKeyFrom(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

/** The plain seal of a row's current content, as someone without the key could recompute it. */
function plainSeal(form: string): string {
  return `sha256:${createHash('sha256').update(form).digest('hex')}`;
}

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

  it('a record\'s seal holds across what jsonb does to numbers, key order and strings', async () => {
    t = await openPublishedStore(engine);
    const awkward = {
      z: 1e-7, a: 2 ** 60, '10': -0, '9': 1e21, m: 0.1 + 0.2, tiny: 5e-324, s: 'tab\t"quote" \\ \u0007 \u2028 中文 😀', empty: {}, list: [null, { b: 1, a: [] }],
      skipped: undefined, date: new Date('2026-07-01T00:00:00.123Z'),
    };
    const decisionId = randomUUID();
    await t.store.decisions.record({ decisionId, revisionId: 1, revisionHash: 'sha256:x', decision: 'suitability', input: awkward, output: { verdict: 'match' }, trace: [awkward], caller: 'c', at: t.clock.now() });
    const read = await restarted(t.store).decisions.get(decisionId);
    expect(read?.input).toEqual(JSON.parse(JSON.stringify(awkward)));
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

/** Recomputes the chain from `fromSeq` on, as someone who knows the hash format could. */
async function recomputeChain(store: Store, fromSeq: number): Promise<void> {
  const entries = await store.audit.list({ limit: 10_000 });
  let prevHash = entries.find((e) => e.seq === fromSeq - 1)?.hash ?? '';
  const statements: string[] = [];
  for (const e of entries.filter((x) => x.seq >= fromSeq)) {
    const hash = entryHash({ ...e, prevHash });
    statements.push(`update audit set prev_hash = '${prevHash}', hash = '${hash}' where seq = ${e.seq}`);
    prevHash = hash;
  }
  await tamper(store, ...statements);
}

describe.each(ENGINES)('an anchored audit trail, on %s', (engine) => {
  let t: TestStore;
  afterEach(async () => { await t?.store.close(); });

  it('an entry whose time moved by a microsecond no longer verifies', async () => {
    t = await openPublishedStore(engine);
    await t.store.tokens.create({ role: 'system', actor: 'hq' });
    expect((await t.store.audit.verify()).ok).toBe(true);
    await tamper(t.store, `update audit set at = at + interval '1 microsecond' where seq = 2`);
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 2, problem: 'altered', message: expect.stringMatching(/time is stored as .*\.\d{6}Z/) });
  });

  it('a checkpoint shows an entry rewritten with the chain recomputed after it, and the last entry deleted', async () => {
    t = await openPublishedStore(engine);
    for (const name of ['a', 'b', 'c']) await t.store.tokens.create({ role: 'system', name, actor: 'hq' });
    const checkpoint = await t.store.integrity.checkpoint();
    expect(checkpoint).toMatchObject({ format: 'zhidu.audit-checkpoint/1', seq: 4, hash: (await t.store.audit.head())!.hash });
    expect(checkpoint.signature).toBeUndefined();

    await tamper(t.store, `update audit set summary = jsonb_set(summary, '{name}', '"mallory"') where seq = 3`);
    await recomputeChain(t.store, 3);
    // From inside, a recomputed chain is whole: only the checkpoint kept elsewhere shows it.
    expect((await t.store.audit.verify()).ok).toBe(true);
    expect((await t.store.integrity.against(checkpoint)).problems).toEqual([
      expect.objectContaining({ kind: 'checkpoint', id: 4, problem: 'rewritten', message: expect.stringMatching(/audit entry 4 hashes to sha256:\w+, but the checkpoint .* recorded/) }),
    ]);

    await tamper(t.store, 'delete from audit where seq = 4');
    expect((await t.store.audit.verify()).ok).toBe(true);
    expect((await t.store.integrity.against(checkpoint)).problems).toEqual([
      expect.objectContaining({ problem: 'truncated', message: expect.stringMatching(/names audit entry 4, but the trail ends at 3/) }),
    ]);
  });
});

describe.each(ENGINES)('the integrity key, on %s', (engine) => {
  let t: TestStore;
  afterEach(async () => { await t?.store.close(); });

  it('a seal recomputed without the key passes a store without the key, not one with it', async () => {
    const key = newKey();
    t = await openPublishedStore(engine, { integrityKey: key });
    const decisionId = randomUUID();
    const record = {
      decisionId, revisionId: 1, revisionHash: 'sha256:x', decision: 'suitability', input: { client: { riskLevel: 'low' } },
      output: { verdict: 'block', reasons: ['risk-too-high'] }, caller: 'token:3 (crm)', at: t.clock.now(),
    };
    await t.store.decisions.record(record);
    expect(await t.store.decisions.get(decisionId)).toEqual(record);
    const edited = { ...record, output: { verdict: 'match', reasons: [] } };
    const form = decisionForm({ ...edited, overrideId: null, branch: null, trace: null, requestId: null });
    await tamper(t.store, `update decisions set output = '{"verdict": "match", "reasons": []}', row_hash = '${plainSeal(form)}' where decision_id = '${decisionId}'`);

    expect(await restarted(t.store, new Sealer()).decisions.get(decisionId)).toEqual(edited);
    const err = await rejection(t.store.decisions.get(decisionId));
    expect(err.code).toBe('STORE_INTEGRITY');
    expect(err.details).toEqual([expect.objectContaining({ kind: 'decision', id: decisionId, problem: 'unsealed', message: expect.stringMatching(/plain hash only/) })]);
  });

  it('an audit entry rewritten and its chain recomputed fails its MAC; a store with another key reads nothing as sealed', async () => {
    const key = newKey();
    t = await openPublishedStore(engine, { integrityKey: key });
    await t.store.tokens.create({ role: 'system', name: 'a', actor: 'hq' });
    await t.store.tokens.create({ role: 'system', name: 'b', actor: 'hq' });
    expect((await t.store.audit.verify()).ok).toBe(true);
    await tamper(t.store, `update audit set actor = 'someone else' where seq = 2`);
    await recomputeChain(t.store, 2);
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 2, problem: 'altered' });

    expect(await restarted(t.store, new Sealer(newKey())).audit.verify()).toMatchObject({ ok: false, seq: 1, problem: 'unsealed', message: expect.stringMatching(/sealed with another key/) });
  });

  it('checkpoints are signed; a forged or altered one, or one signed by another key, is named', async () => {
    const key = newKey();
    t = await openPublishedStore(engine, { integrityKey: key });
    const signed = await t.store.integrity.checkpoint();
    expect(signed.signature).toMatchObject({ alg: 'Ed25519', keyId: key.keyId, publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----/) });
    expect(await t.store.integrity.against(signed)).toEqual({ problems: [], notes: [] });
    expect(await t.store.integrity.against(parseCheckpoint(JSON.stringify(signed)))).toEqual({ problems: [], notes: [] });

    const moved = { ...signed, seq: 0, hash: '' };
    expect((await t.store.integrity.against(moved)).problems).toEqual([expect.objectContaining({ problem: 'signature', message: expect.stringMatching(/altered or forged/) })]);
    const unsigned = makeCheckpoint({ seq: signed.seq, hash: signed.hash }, new Date(signed.at));
    expect((await t.store.integrity.against(unsigned)).problems).toEqual([expect.objectContaining({ problem: 'signature', message: expect.stringMatching(/is not signed, but checkpoints are checked with key/) })]);
    const stranger = newKey();
    const forged = makeCheckpoint({ seq: 1, hash: signed.hash }, new Date(signed.at), stranger);
    expect((await t.store.integrity.against(forged)).problems).toEqual([expect.objectContaining({ problem: 'signature', message: expect.stringMatching(`not the trusted key ${key.keyId}`) })]);
    // Without a trusted key the signature is not checked, and the check says so.
    const plain = await openPublishedStore(engine);
    try {
      expect((await plain.store.integrity.against(signed)).notes).toEqual([expect.stringMatching(/no public key was given/)]);
    } finally {
      await plain.store.close();
    }
  });
});

describe('canonicalText', () => {
  it('is canonicalJson of the value after a JSON round trip, for any value JSON can write', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.constant(undefined), fc.boolean(), fc.double(), fc.integer(), fc.string({ unit: 'binary' }),
        fc.date({ noInvalidDate: true }), fc.array(tie('value')), fc.dictionary(fc.string({ unit: 'binary' }), tie('value'))),
    })).value;
    fc.assert(fc.property(json, (v) => {
      const expected = v === undefined ? 'null' : canonicalJson(JSON.parse(JSON.stringify(v)));
      expect(canonicalText(v)).toBe(expected);
    }), { numRuns: 2000 });
  });
});

describe.each(ENGINES)('deeper edits, on %s', (engine) => {
  let t: TestStore;
  afterEach(async () => { await t?.store.close(); });

  it('a document edited with its text hash and then the revision hash recomputed is still caught, each time one step further', async () => {
    t = await openPublishedStore(engine);
    const edited = `replace(yaml, E'\\nturnoverThreshold: 3\\n', E'\\nturnoverThreshold: 2\\n')`;
    await tamper(t.store, `update revision_documents set yaml = ${edited}, text_hash = 'sha256:' || encode(sha256(convert_to(${edited}, 'UTF8')), 'hex') where revision_id = 1 and kind = 'classification'`);
    // The text hash matches again, the parsed set no longer hashes to the revision's hash.
    expect((await restarted(t.store).revisions.get(1))?.documents.classification).toMatch(/\nturnoverThreshold: 2\n/);
    const parsed = await rejection(restarted(t.store).revisions.policySet(1));
    expect(parsed.details).toEqual([expect.objectContaining({ kind: 'revision', id: 1, field: 'documents', problem: 'content' })]);

    const { rows: [doc] } = await dbOf(t.store).query<{ yaml: string }>(`select yaml from revision_documents where revision_id = 1 and kind = 'classification'`);
    const documents = { ...fixtureDocuments(), classification: doc!.yaml };
    const rehashed = policySetHash(loadPolicyTexts(Object.entries(documents).map(([file, text]) => ({ file, text }))).set);
    await tamper(t.store, `update revisions set hash = '${rehashed}' where id = 1`);
    // Now the set hashes to the row's hash, but the audit entry of its publication recorded another.
    for (const read of [() => restarted(t.store).revisions.policySet(1), () => restarted(t.store).revisions.list(), () => restarted(t.store).revisions.at()]) {
      const err = await rejection(read());
      expect(err.details).toEqual([expect.objectContaining({ kind: 'revision', id: 1, field: 'hash', problem: 'anchor' })]);
    }
  });

  it('a revision made effective earlier is refused by list() and at()', async () => {
    t = await openPublishedStore(engine);
    await t.store.revisions.publish({ documents: { classification: classificationWithThreshold(2.8) }, effectiveFrom: new Date(t.clock.now().getTime() + DAY), actor: 'hq' });
    expect((await t.store.revisions.at())?.id).toBe(1);
    await tamper(t.store, `update revisions set effective_from = effective_from - interval '2 days' where id = 2`);
    for (const read of [() => t.store.revisions.list(), () => t.store.revisions.at()]) {
      const err = await rejection(read());
      expect(err.code).toBe('STORE_INTEGRITY');
      expect(err.details).toEqual([expect.objectContaining({ kind: 'revision', id: 2, field: 'effectiveFrom', problem: 'anchor' })]);
    }
  });

  it('a revoked token made valid again does not authenticate', async () => {
    t = await openPublishedStore(engine);
    const { token, info } = await t.store.tokens.create({ role: 'head-office', actor: 'hq' });
    await t.store.tokens.revoke(info.id, 'hq');
    expect(await t.store.tokens.authenticate(token)).toBeUndefined();
    await tamper(t.store, `update tokens set revoked_at = null where id = ${info.id}`);
    const err = await rejection(t.store.tokens.authenticate(token));
    expect(err.details).toEqual([expect.objectContaining({ kind: 'token', id: info.id, field: 'revokedAt', problem: 'anchor' })]);
  });
});

describe.each(ENGINES)('the store check and sealing, on %s', (engine) => {
  let t: TestStore;
  afterEach(async () => { await t?.store.close(); });

  async function populate(store: Store, clock: TestStore['clock']): Promise<{ decisionId: string; overrideId: number; tokenId: number }> {
    const p = await store.proposals.submit({ branch: '0101', baseRevision: 1, override: OVERRIDE, reason: 'r', actor: 'branch:0101' });
    const { override } = await store.proposals.approve({ id: p.id, actor: 'hq' });
    const { info } = await store.tokens.create({ role: 'branch', branch: '0101', name: 'b', actor: 'hq' });
    const decisionId = randomUUID();
    await store.decisions.record({ decisionId, revisionId: 1, revisionHash: 'sha256:x', decision: 'suitability', input: { a: 1 }, output: { verdict: 'warn' }, caller: 'c', at: clock.now() });
    return { decisionId, overrideId: override.id, tokenId: info.id };
  }

  it('names every problem, kind by kind, and every audit entry whose row is gone', async () => {
    t = await openPublishedStore(engine);
    const { decisionId, overrideId, tokenId } = await populate(t.store, t.clock);
    const spare = await t.store.tokens.create({ role: 'system', actor: 'hq' });
    const intact = await t.store.integrity.check();
    expect(intact).toMatchObject({ ok: true, problems: [], legacy: 0, unchecked: 0, checked: { revisions: 1, overrides: 1, tokens: 2, decisions: 1, auditEntries: 5 } });

    await tamper(t.store,
      `update revision_documents set yaml = yaml || E'\\n# edited\\n' where revision_id = 1 and kind = 'service-package'`,
      `update overrides set effective_from = effective_from + interval '1 microsecond' where id = ${overrideId}`,
      `update tokens set name = 'renamed' where id = ${tokenId}`,
      `update decisions set input = '{"a": 2}' where decision_id = '${decisionId}'`,
      `delete from tokens where id = ${spare.info.id}`);
    const report = await t.store.integrity.check();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.id, p.problem, p.field])).toEqual([
      ['revision', 1, 'content', 'documents.service-package'],
      ['override', overrideId, 'content', undefined],
      ['override', overrideId, 'anchor', 'effectiveFrom'],
      ['token', tokenId, 'content', undefined],
      ['token', tokenId, 'anchor', 'name'],
      ['decision', decisionId, 'content', undefined],
      ['token', spare.info.id, 'missing', undefined],
    ]);
    // Comments are not policy: the parsed set still hashes to the revision's hash; the text does not.
    expect(report.problems[0]!.message).toBe('revision 1: the text of service-package no longer matches the hash taken when it was published.');
    expect(report.problems.at(-1)!.message).toMatch(new RegExp(`^token ${spare.info.id}: audit entry \\d+ records it, but the store has no such token\\.$`));
  });

  it('rows from before the integrity migration read as legacy without a key; with one they are refused until sealed, and sealing skips what fails', async () => {
    t = await openPublishedStore(engine);
    const { decisionId, overrideId, tokenId } = await populate(t.store, t.clock);
    const other = await t.store.tokens.create({ role: 'system', name: 'x', actor: 'hq' });
    await tamper(t.store, 'update tokens set row_hash = null', 'update overrides set row_hash = null', 'update decisions set row_hash = null', 'update audit set mac = null');
    expect(await t.store.integrity.check()).toMatchObject({ ok: true, legacy: 4 });
    expect(await t.store.decisions.get(decisionId)).toMatchObject({ output: { verdict: 'warn' } });

    const key = newKey();
    const keyed = restarted(t.store, new Sealer(key));
    expect((await rejection(keyed.overrides.get(overrideId))).details).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'override', id: overrideId, problem: 'unsealed' })]));
    expect((await rejection(keyed.decisions.get(decisionId))).code).toBe('STORE_INTEGRITY');
    expect((await keyed.integrity.check()).problems.map((p) => p.problem)).toEqual(expect.arrayContaining(['unsealed']));

    // One token's role changed while it carried no seal: its audit entry still tells, so it stays unsealed.
    await tamper(t.store, `update tokens set role = 'head-office', branch = null where id = ${tokenId}`);
    const sealed = await keyed.integrity.seal('cli:operator');
    expect(sealed).toMatchObject({ keyId: key.keyId, sealed: { tokens: 1, overrides: 1, decisions: 1, auditEntries: 5 }, refusedRows: 1 });
    expect(sealed.refused.map((p) => [p.kind, p.id, p.problem, p.field])).toEqual([['token', tokenId, 'anchor', 'role'], ['token', tokenId, 'anchor', 'branch']]);
    const last = (await keyed.audit.list({ limit: 10_000 })).at(-1)!;
    expect(last).toMatchObject({ action: 'store.seal', actor: 'cli:operator', summary: { sealed: { tokens: 1, overrides: 1, decisions: 1, auditEntries: 5 }, refused: 1, keyId: key.keyId } });

    expect(await keyed.overrides.get(overrideId)).toMatchObject({ id: overrideId });
    expect(await keyed.decisions.get(decisionId)).toMatchObject({ decisionId });
    const stillRefused = [['token', tokenId, 'unsealed', undefined], ['token', tokenId, 'anchor', 'role'], ['token', tokenId, 'anchor', 'branch']];
    expect((await rejection(keyed.tokens.list())).details!.map((p) => { const q = p as IntegrityProblem; return [q.kind, q.id, q.problem, q.field]; })).toEqual(stillRefused);
    expect((await keyed.integrity.check()).problems.map((p) => [p.kind, p.id, p.problem, p.field])).toEqual(stillRefused);
    expect(other.info.id).not.toBe(tokenId);
    // Sealing again finds nothing more to seal and records nothing.
    expect((await keyed.integrity.seal('cli:operator')).sealed).toEqual({ revisions: 0, overrides: 0, tokens: 0, decisions: 0, auditEntries: 0 });
    expect((await keyed.audit.list({ limit: 10_000 })).at(-1)!.seq).toBe(last.seq);
  });

  it('the database lets a seal be added, never removed or changed, and nothing else change with it', async () => {
    t = await openPublishedStore(engine);
    const { decisionId, overrideId, tokenId } = await populate(t.store, t.clock);
    const db = dbOf(t.store);
    for (const statement of [
      `update decisions set row_hash = null where decision_id = '${decisionId}'`,
      `update decisions set row_hash = 'sha256:0' where decision_id = '${decisionId}'`,
      `update overrides set row_hash = null where id = ${overrideId}`,
      `update tokens set row_hash = null where id = ${tokenId}`,
      `update audit set mac = 'hmac-sha256:x:y', actor = 'x' where seq = 1`,
      `delete from decisions where decision_id = '${decisionId}'`,
    ]) expect((await rejection(db.query(statement))).message, statement).toMatch(/immutable|only be revoked/);
    await tamper(t.store, `update decisions set row_hash = null where decision_id = '${decisionId}'`);
    expect((await rejection(db.query(`update decisions set row_hash = 'sha256:0', caller = 'x' where decision_id = '${decisionId}'`))).message).toMatch(/immutable/);
    await db.query(`update decisions set row_hash = 'sha256:0' where decision_id = '${decisionId}'`);
    await db.query(`update audit set mac = 'hmac-sha256:x:y' where seq = 1`);
  });
});

describe.each(ENGINES)('a store in use before the integrity migration, on %s', (engine) => {
  let t: TestStore | undefined;
  afterEach(async () => { await t?.store.close(); t = undefined; });

  it('gets its documents\' text hashes from the migration, and its rows read as legacy until sealed', async () => {
    t = await openPublishedStore(engine);
    const { token } = await t.store.tokens.create({ role: 'auditor', actor: 'hq' });
    const db = dbOf(t.store);
    // Back to schema 002, with the rows as 002 held them.
    await db.exec(`
      set session_replication_role = replica;
      drop trigger revision_documents_text_hash on revision_documents;
      alter table revision_documents drop column text_hash;
      alter table tokens drop column row_hash; alter table overrides drop column row_hash;
      alter table decisions drop column row_hash; alter table audit drop column mac;
      drop index audit_subject_seq;
      drop trigger overrides_immutable on overrides; drop trigger decisions_immutable on decisions; drop trigger audit_immutable on audit;
      create trigger overrides_immutable before update or delete on overrides for each row execute function zhidu_refuse_change();
      create trigger decisions_immutable before update or delete on decisions for each row execute function zhidu_refuse_change();
      create trigger audit_immutable before update or delete on audit for each row execute function zhidu_refuse_change();
      drop function zhidu_refuse_change_but_sealing(); drop function zhidu_only_seals(jsonb, jsonb, text); drop function zhidu_document_text_hash();
      delete from zhidu_migrations where version = 3;
      set session_replication_role = origin;`);
    expect(await migrate(db)).toEqual([3]);
    const { rows } = await db.query<{ yaml: string; text_hash: string }>('select yaml, text_hash from revision_documents');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.text_hash).toBe(`sha256:${createHash('sha256').update(r.yaml, 'utf8').digest('hex')}`);
    const fresh = restarted(t.store);
    expect(await fresh.tokens.authenticate(token)).toMatchObject({ role: 'auditor' });
    expect(await fresh.integrity.check()).toMatchObject({ ok: true, legacy: 1 });
    expect((await fresh.integrity.seal('cli:operator')).sealed).toMatchObject({ tokens: 1 });
    expect(await fresh.integrity.check()).toMatchObject({ ok: true, legacy: 0 });
  });
});
