// Tokens, the audit chain and first start on both engines.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash } from '../../src/store/audit.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { ENGINES, fixtureDocuments, openTestStore, rejection, type TestStore } from './helpers.ts';

const dbOf = (store: Store): Db => (store as unknown as { db: Db }).db;

/** Every row of every table of the store, as text. */
async function everyRow(store: Store): Promise<string> {
  const db = dbOf(store);
  const { rows } = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public'`);
  const texts = await Promise.all(rows.map(async ({ name }) => (await db.query<{ row: string }>(`select t::text as row from ${name} t`)).rows.map((r) => r.row).join('\n')));
  return texts.join('\n');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Changes audit rows behind the triggers' back, as someone with superuser access could. */
async function tamper(store: Store, statement: string): Promise<void> {
  await dbOf(store).transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    await tx.query(statement);
  });
}

function rulesDirWithFixture(): string {
  const dir = mkdtempSync('/tmp/zhidu-rules-');
  for (const [kind, text] of Object.entries(fixtureDocuments())) writeFileSync(join(dir, `${kind}.yaml`), text);
  return dir;
}

// One store per engine for the file, empty at first (the embedded one on disk, so its files can
// be searched for tokens at the end); tests run in order.
describe.each(ENGINES)('tokens and audit on %s', (engine) => {
  let t: TestStore;
  let closed = false;
  const dataDir = engine === 'pglite' ? mkdtempSync('/tmp/zhidu-store-') : undefined;
  const rules = rulesDirWithFixture();
  const clearTokens: string[] = [];
  beforeAll(async () => { t = await openTestStore(engine, dataDir ? { dataDir } : {}); });
  afterAll(async () => {
    if (!closed) await t?.store.close();
    for (const dir of [rules, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('first start publishes rules/ as revision 1 with a one-time head-office token, once', async () => {
    const first = await t.store.ensureInitialised(rules);
    expect(first.revision).toMatchObject({ id: 1, publishedBy: 'system', status: 'active', effectiveFrom: new Date(0) });
    clearTokens.push(first.headOfficeToken!);
    expect(await t.store.tokens.authenticate(first.headOfficeToken!)).toMatchObject({ role: 'head-office' });
    expect(await t.store.ensureInitialised(rules)).toEqual({});
    expect((await t.store.revisions.get(1))?.documents).toEqual(fixtureDocuments());
    expect((await t.store.audit.list()).map((e) => [e.action, e.actor])).toEqual([['revision.publish', 'system'], ['token.create', 'system']]);
  });

  it('creates, authenticates, lists and revokes tokens', async () => {
    const auditBefore = (await t.store.audit.list()).length;
    const hq = await t.store.tokens.create({ role: 'head-office', name: 'ci', actor: 'cli:root' });
    const branch = await t.store.tokens.create({ role: 'branch', branch: '0101', name: '浦东营业部', actor: 'cli:root' });
    clearTokens.push(hq.token, branch.token);
    expect(hq.token).toMatch(/^zhidu_[A-Za-z0-9_-]{43}$/);
    expect(await t.store.tokens.authenticate(hq.token)).toEqual({ tokenId: hq.info.id, role: 'head-office', name: 'ci' });
    expect(await t.store.tokens.authenticate(branch.token)).toEqual({ tokenId: branch.info.id, role: 'branch', branch: '0101', name: '浦东营业部' });
    expect(await t.store.tokens.authenticate('zhidu_unknown')).toBeUndefined();
    expect(await t.store.tokens.authenticate('')).toBeUndefined();

    expect((await rejection(t.store.tokens.create({ role: 'branch', actor: 'x' }))).code).toBe('BAD_INPUT');
    expect((await rejection(t.store.tokens.create({ role: 'system', branch: '0101', actor: 'x' }))).code).toBe('BAD_INPUT');
    expect((await rejection(t.store.tokens.create({ role: 'root' as never, actor: 'x' }))).code).toBe('BAD_INPUT');

    const revoked = await t.store.tokens.revoke(branch.info.id, 'cli:root');
    expect(revoked.revokedAt).toEqual(t.clock.now());
    expect(await t.store.tokens.authenticate(branch.token)).toBeUndefined();
    await t.store.tokens.revoke(branch.info.id, 'cli:root');
    expect((await rejection(t.store.tokens.revoke(9999, 'cli:root'))).code).toBe('NOT_FOUND');
    const listed = (await t.store.tokens.list()).filter((i) => i.id === hq.info.id || i.id === branch.info.id);
    expect(listed.map((i) => [i.role, i.branch, i.revokedAt !== undefined])).toEqual([['head-office', undefined, false], ['branch', '0101', true]]);
    expect((await t.store.audit.list()).slice(auditBefore).map((e) => e.action)).toEqual(['token.create', 'token.create', 'token.revoke']);
  });

  it('the database refuses to un-revoke, re-role or delete a token, or reopen a decided proposal', async () => {
    const { info, token } = await t.store.tokens.create({ role: 'auditor', actor: 'x' });
    clearTokens.push(token);
    await t.store.tokens.revoke(info.id, 'x');
    const db = dbOf(t.store);
    for (const statement of [
      `update tokens set revoked_at = null where id = ${info.id}`,
      `update tokens set role = 'head-office' where id = ${info.id}`,
      `delete from tokens where id = ${info.id}`,
    ]) expect((await rejection(db.query(statement))).message, statement).toMatch(/revoked|immutable/);
    const p = await t.store.proposals.submit({ branch: '0101', baseRevision: 1, override: 'classification:\n  turnoverThreshold: 2.5\n', reason: 'r', actor: 'b' });
    await t.store.proposals.reject({ id: p.id, actor: 'hq' });
    expect((await rejection(db.query(`update proposals set status = 'approved' where id = ${p.id}`))).message).toMatch(/submitted/);
    expect((await rejection(db.query(`delete from proposal_steps`))).message).toMatch(/immutable/);
  });

  it('lists entries of one action, or about one branch, in order, paged by sequence', async () => {
    const before = (await t.store.audit.list({ limit: 10_000 })).at(-1)!.seq;
    await t.store.tokens.create({ role: 'branch', branch: '0303', name: 'b', actor: 'hq' });
    await t.store.tokens.create({ role: 'system', name: 's', actor: 'hq' });
    await t.store.tokens.create({ role: 'branch', branch: '0404', name: 'c', actor: 'hq' });
    const created = await t.store.tokens.create({ role: 'branch', branch: '0303', name: 'd', actor: 'hq' });
    await t.store.tokens.revoke(created.info.id, 'hq');
    const mine = await t.store.audit.list({ afterSeq: before, branch: '0303' });
    expect(mine.map((e) => [e.action, e.summary.branch])).toEqual([['token.create', '0303'], ['token.create', '0303'], ['token.revoke', '0303']]);
    expect(mine.map((e) => e.seq)).toEqual([...mine.map((e) => e.seq)].sort((a, b) => a - b));
    expect((await t.store.audit.list({ afterSeq: before, action: 'token.revoke' })).map((e) => e.subject)).toEqual([`token:${created.info.id}`]);
    expect((await t.store.audit.list({ afterSeq: before, action: 'token.create', branch: '0404' })).map((e) => e.summary.name)).toEqual(['c']);
    // Paging: after the first of the branch's entries, the rest; with a limit, that many.
    expect((await t.store.audit.list({ afterSeq: mine[0]!.seq, branch: '0303' })).map((e) => e.seq)).toEqual(mine.slice(1).map((e) => e.seq));
    expect(await t.store.audit.list({ afterSeq: before, branch: '0303', limit: 1 })).toEqual(mine.slice(0, 1));
  });

  it('verify() names the first entry altered, rewritten with a recomputed hash, or removed', async () => {
    const intact = await t.store.audit.verify();
    expect(intact.ok).toBe(true);
    const entries = await t.store.audit.list();
    expect(intact).toMatchObject({ entries: entries.length, head: { seq: entries.length, hash: entries.at(-1)!.hash } });
    const original = entries[2]!;
    const restore = (): Promise<void> => tamper(t.store,
      `update audit set actor = '${original.actor}', hash = '${original.hash}' where seq = ${original.seq}`);

    await tamper(t.store, `update audit set actor = 'mallory' where seq = 3`);
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 3, problem: 'altered', entries: 2 });
    await restore();
    expect((await t.store.audit.verify()).ok).toBe(true);

    await tamper(t.store, `update audit set actor = 'mallory', hash = '${entryHash({ ...original, actor: 'mallory' })}' where seq = 3`);
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 3, problem: 'altered' });
    await restore();

    await tamper(t.store, 'delete from audit where seq = 4');
    expect(await t.store.audit.verify()).toMatchObject({ ok: false, seq: 4, problem: 'removed', entries: 3 });
    const gone = entries[3]!;
    await dbOf(t.store).query('insert into audit (seq, at, actor, action, subject, summary, prev_hash, hash) values ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)',
      [gone.seq, gone.at, gone.actor, gone.action, gone.subject, JSON.stringify(gone.summary), gone.prevHash, gone.hash]);
    expect((await t.store.audit.verify()).ok).toBe(true);
  });

  it('the clear tokens are stored nowhere: not in any row, not in any file', async () => {
    const rows = await everyRow(t.store);
    expect(rows).toContain('sha256:');
    expect(clearTokens.length).toBeGreaterThan(3);
    for (const token of clearTokens) expect(rows).not.toContain(token.slice(6));
    if (!dataDir) return;
    await t.store.close();
    closed = true;
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const token of clearTokens) expect(bytes.includes(token.slice(6)), file).toBe(false);
    }
  });
});

describe.each(ENGINES)('first start racing on %s', (engine) => {
  const rules = rulesDirWithFixture();
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    rmSync(rules, { recursive: true, force: true });
  });

  it('with a head-office token already there it publishes but makes no token; racing starters publish once', async () => {
    const t = await openTestStore(engine);
    stores.push(t.store);
    await t.store.tokens.create({ role: 'head-office', actor: 'cli' });
    const twin = t.url ? await openStore(t.options) : t.store;
    if (twin !== t.store) stores.push(twin);
    const [a, b] = await Promise.all([t.store.ensureInitialised(rules), twin.ensureInitialised(rules)]);
    expect([a.revision?.id, b.revision?.id].filter((id) => id !== undefined)).toEqual([1]);
    expect(a.headOfficeToken ?? b.headOfficeToken).toBeUndefined();
    expect(await t.store.revisions.list()).toHaveLength(1);
  });
});
