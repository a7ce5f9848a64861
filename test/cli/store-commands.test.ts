// `zhidu token|revisions|audit|store` through main(), on the embedded store (--data-dir) and on
// PostgreSQL (DATABASE_URL): output, exit codes, and a data directory held by another store.
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore, storeOptionsFrom, type Store, type StoreOptions } from '../../src/store/store.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';
import { ENGINES, freshDatabaseUrl, pgliteTemplate } from '../store/helpers.ts';

function bufferIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: (s: string) => { err += s; return true; } },
    out: () => out,
    err: () => err,
  };
}

/**
 * A store for one describe block's commands, on either engine: a fresh PostgreSQL database
 * (DATABASE_URL, restored afterwards) or an embedded one in a scratch folder. `zhidu` runs a
 * command against it through main(); `options` opens it directly.
 */
function commandStore(engine: (typeof ENGINES)[number], prefix: string): { zhidu: (...args: string[]) => Promise<{ code: number; out: string; err: string }>; options: () => StoreOptions; scratch: string } {
  const scratch = mkdtempSync(prefix);
  const dataDir = join(scratch, 'data');
  let options: StoreOptions;
  let savedUrl: string | undefined;
  beforeAll(async () => {
    savedUrl = process.env.DATABASE_URL;
    if (engine === 'postgres') {
      process.env.DATABASE_URL = await freshDatabaseUrl();
      options = { databaseUrl: process.env.DATABASE_URL };
    } else {
      delete process.env.DATABASE_URL;
      options = { dataDir };
      await (await openStore({ dataDir, loadDataDir: pgliteTemplate() })).close();
    }
  });
  afterAll(() => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    rmSync(scratch, { recursive: true, force: true });
  });
  return {
    async zhidu(...args) {
      const io = bufferIo();
      const code = await main([...args, '--data-dir', dataDir], io);
      return { code, out: io.out(), err: io.err() };
    },
    options: () => options,
    scratch,
  };
}

describe('where the commands find the store', () => {
  it('DATABASE_URL first, then --data-dir, then ZHIDU_DATA_DIR, then ./data', () => {
    const url = 'postgres://u@h:5432/db';
    expect(storeOptionsFrom({ dataDir: '/x' }, { DATABASE_URL: url, ZHIDU_DATA_DIR: '/y' })).toEqual({ databaseUrl: url });
    expect(storeOptionsFrom({ dataDir: '/x' }, { ZHIDU_DATA_DIR: '/y' })).toEqual({ dataDir: '/x' });
    expect(storeOptionsFrom({}, { ZHIDU_DATA_DIR: '/y' })).toEqual({ dataDir: '/y' });
    expect(storeOptionsFrom({}, {})).toEqual({ dataDir: join(process.cwd(), 'data') });
  });
});

describe.each(ENGINES)('store commands on %s', (engine) => {
  const { zhidu, options: storeOptions, scratch } = commandStore(engine, '/tmp/zhidu-cli-');

  it('publishes rules/, exports it byte for byte, and publishes an edited copy as scheduled', async () => {
    const first = await zhidu('revisions', 'publish', RULES_DIR, '--note', '初版');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^revision 1 sha256:[0-9a-f]{64} active from /);

    const out = join(scratch, 'export');
    const exported = await zhidu('revisions', 'export', '1', out);
    expect(exported.code).toBe(0);
    for (const path of exported.out.trim().split('\n')) {
      const name = path.slice(out.length + 1);
      expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(RULES_DIR, name), 'utf8'));
    }
    expect((await zhidu('revisions', 'export', '9', out)).code).toBe(1);

    const classification = join(out, 'classification.yaml');
    writeFileSync(classification, readFileSync(classification, 'utf8').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: 2.8'));
    const second = await zhidu('revisions', 'publish', out, '--effective-from', '2999-01-01T00:00:00+08:00', '--note', 'threshold');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^revision 2 sha256:\S+ scheduled from 2998-12-31T16:00:00.000Z/);
    const listed = await zhidu('revisions', 'list');
    expect(listed.out.trim().split('\n').map((l) => l.split('\t').slice(0, 2))).toEqual([['1', 'active'], ['2', 'scheduled']]);
  });

  it('refuses an invalid folder naming file, line and column, and usage errors with exit 2', async () => {
    const broken = join(scratch, 'broken');
    cpSync(join(scratch, 'export'), broken, { recursive: true });
    const file = join(broken, 'classification.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^turnoverThreshold: .*$/m, 'turnoverThreshold: high'));
    const refused = await zhidu('revisions', 'publish', broken);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(new RegExp(`^${file}:\\d+:\\d+ SCHEMA_VIOLATION `, 'm'));
    expect(refused.err).toMatch(/nothing was published/);
    expect((await zhidu('revisions', 'publish', broken, '--effective-from', 'next tuesday')).code).toBe(2);
    expect((await zhidu('revisions', 'publish', RULES_DIR, '--effective-from', '2001-01-01T00:00:00Z')).code).toBe(2);
    expect((await zhidu('revisions', 'list')).out.trim().split('\n')).toHaveLength(2);
  });

  it('refuses a folder that changes nothing, and lists a publish\'s effects until they are acknowledged', async () => {
    const same = await zhidu('revisions', 'publish', RULES_DIR);
    expect(same.code).toBe(1);
    expect(same.err).toMatch(/^error: REVISION_UNCHANGED These documents decide exactly as revision 1 /m);

    // An immediate publish lands before revision 2 (scheduled for 2999): the schedule is kept, once acknowledged.
    const edited = join(scratch, 'edited');
    cpSync(RULES_DIR, edited, { recursive: true });
    const file = join(edited, 'vip.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^source: .*$/m, 'source: 2027年修订'));
    const asked = await zhidu('revisions', 'publish', edited, '--note', 'vip source');
    expect(asked.code).toBe(1);
    expect(asked.err).toMatch(/effect: scheduled revision 2 \(from 2998-12-31T16:00:00.000Z\) is published again after this one, rebased/);
    expect(asked.err).toMatch(/run again with --yes/);
    expect((await zhidu('revisions', 'list')).out.trim().split('\n')).toHaveLength(2);

    const done = await zhidu('revisions', 'publish', edited, '--note', 'vip source', '--yes');
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/^revision 3 sha256:\S+ active from /);
    expect(done.out).toMatch(/^revision 4 publishes scheduled revision 2 again, rebased$/m);
    const listed = (await zhidu('revisions', 'list')).out.trim().split('\n').map((l) => l.split('\t').slice(0, 2));
    expect(listed).toEqual([['1', 'superseded'], ['2', 'superseded'], ['3', 'active'], ['4', 'scheduled']]);
  });

  it('creates a token shown once on the last line, lists without it, revokes it', async () => {
    const created = await zhidu('token', 'create', '--role', 'head-office', '--name', 'ci');
    expect(created.code).toBe(0);
    const token = created.out.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^zhidu_\S{43}$/);
    const branch = await zhidu('token', 'create', '--role', 'branch', '--branch', '0101');
    expect(branch.code).toBe(0);

    const listed = await zhidu('token', 'list');
    expect(listed.out).not.toContain(token);
    expect(listed.out.trim().split('\n').map((l) => l.split('\t').slice(0, 3))).toEqual([['1', 'head-office', '-'], ['2', 'branch', '0101']]);

    const store = await openStore(storeOptions());
    expect(await store.tokens.authenticate(token)).toMatchObject({ role: 'head-office', name: 'ci' });
    await store.close();

    expect((await zhidu('token', 'revoke', '1')).out).toBe('token 1 revoked\n');
    const json = JSON.parse((await zhidu('token', 'list', '--format', 'json')).out) as { id: number; revokedAt?: string }[];
    expect(json.map((i) => [i.id, i.revokedAt !== undefined])).toEqual([[1, true], [2, false]]);
    expect((await zhidu('token', 'revoke', '99')).code).toBe(1);
    expect((await zhidu('token', 'revoke', 'abc')).code).toBe(2);
    expect((await zhidu('token', 'create', '--role', 'branch')).code).toBe(2);
    expect((await zhidu('token', 'create', '--role', 'root')).code).toBe(2);
  });

  it('audit verify: exit 0 on an intact chain, exit 1 naming the first altered entry', async () => {
    const intact = await zhidu('audit', 'verify');
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^audit chain intact: 8 entries; head 8 sha256:/);

    const store = await openStore(storeOptions());
    await (store as unknown as { db: Db }).db.transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      await tx.query(`update audit set summary = '{"note": "rewritten"}' where seq = 2`);
    });
    await store.close();
    const broken = await zhidu('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^audit chain broken at entry 2 \(altered\)/);
  });
});

describe.each(ENGINES)('store integrity commands on %s', (engine) => {
  const { zhidu, options: storeOptions, scratch } = commandStore(engine, '/tmp/zhidu-cli-integrity-');
  afterAll(() => { delete process.env.ZHIDU_INTEGRITY_KEY_FILE; });

  /** Statements run as a DBA could, behind the triggers' back. */
  async function tamper(...statements: string[]): Promise<void> {
    const store = await openStore(storeOptions());
    try {
      await (store as unknown as { db: Db }).db.transaction(async (tx) => {
        await tx.query('set local session_replication_role = replica');
        for (const s of statements) await tx.query(s);
      });
    } finally {
      await store.close();
    }
  }

  it('audit verify names a revision whose stored document was edited, and exits 1', async () => {
    expect((await zhidu('revisions', 'publish', RULES_DIR)).code).toBe(0);
    expect((await zhidu('token', 'create', '--role', 'branch', '--branch', '0101')).code).toBe(0);
    const intact = await zhidu('audit', 'verify');
    expect(intact.out).toBe([
      `audit chain intact: 2 entries; head 2 ${intact.out.match(/head 2 (sha256:\w+)/)![1]}`,
      'checked 1 revision, 0 overrides, 1 token, 0 decision records, 2 audit entries; plain hashes only (no integrity key given)',
      'store intact', '',
    ].join('\n'));
    expect(intact.code).toBe(0);

    await tamper(`update revision_documents set yaml = replace(yaml, E'\nturnoverThreshold: 3\n', E'\nturnoverThreshold: 2\n') where revision_id = 1 and kind = 'classification'`,
      `update tokens set role = 'head-office', branch = null where id = 1`);
    const broken = await zhidu('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.out.split('\n').filter((l) => l.includes('\t'))).toEqual([
      'content\trevision\t1\tdocuments.classification\trevision 1: the text of classification no longer matches the hash taken when it was published.',
      expect.stringMatching(/^content\trevision\t1\tdocuments\trevision 1: its documents hash to sha256:\w+, not the sha256:\w+ it was published with\.$/),
      'content\ttoken\t1\t-\ttoken 1: its content no longer matches the seal taken when it was written.',
      'anchor\ttoken\t1\trole\ttoken 1: role is "head-office" but audit entry 2 (token.create) recorded "branch".',
      'anchor\ttoken\t1\tbranch\ttoken 1: branch is null but audit entry 2 (token.create) recorded "0101".',
    ]);
    expect(broken.out).toMatch(/\n5 problem\(s\)\n$/);
    const json = JSON.parse((await zhidu('audit', 'verify', '--format', 'json')).out);
    expect(json).toMatchObject({ ok: false, checked: { revisions: 1, tokens: 1 }, problems: expect.arrayContaining([expect.objectContaining({ kind: 'token', id: 1, field: 'role' })]) });
  });

  it('audit checkpoint, then verify --against: a deleted last entry and a forged checkpoint exit 1; bad files are usage errors', async () => {
    const key = join(scratch, 'integrity.pem');
    writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    process.env.ZHIDU_INTEGRITY_KEY_FILE = key;
    const fresh = join(scratch, 'fresh');
    const fz = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      const io = bufferIo();
      return { code: await main([...args, '--data-dir', fresh], io), out: io.out(), err: io.err() };
    };
    if (engine === 'postgres') process.env.DATABASE_URL = await freshDatabaseUrl();
    else await (await openStore({ dataDir: fresh, loadDataDir: pgliteTemplate() })).close();
    const freshOptions: StoreOptions = engine === 'postgres' ? { databaseUrl: process.env.DATABASE_URL! } : { dataDir: fresh };
    try {
      expect((await fz('revisions', 'publish', RULES_DIR)).code).toBe(0);
      expect((await fz('token', 'create', '--role', 'system')).code).toBe(0);
      const file = join(scratch, 'checkpoint.json');
      const written = await fz('audit', 'checkpoint', '--out', file);
      expect(written.out).toMatch(/^checkpoint of audit entry 2 written to .*checkpoint\.json \(signed with integrity key [0-9a-f]{16}\)\n$/);
      const checkpoint = JSON.parse(readFileSync(file, 'utf8'));
      expect(checkpoint).toMatchObject({ format: 'zhidu.audit-checkpoint/1', seq: 2, signature: { alg: 'Ed25519' } });
      const ok = await fz('audit', 'verify', '--against', file);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/checkpoint of .*: audit entry 2 is still there with the hash it recorded\nstore intact\n$/);
      expect(ok.out).toMatch(/seals checked with integrity key /);

      const store = await openStore(freshOptions);
      await (store as unknown as { db: Db }).db.transaction(async (tx) => {
        await tx.query('set local session_replication_role = replica');
        await tx.query('delete from audit where seq = 2');
      });
      await store.close();
      const truncated = await fz('audit', 'verify', '--against', file);
      expect(truncated.code).toBe(1);
      expect(truncated.out).toMatch(/^truncated\tcheckpoint\t2\t-\tthe checkpoint of .* names audit entry 2, but the trail ends at 1: entries were removed from its end\.$/m);

      const forged = join(scratch, 'forged.json');
      writeFileSync(forged, JSON.stringify({ ...checkpoint, seq: 1, hash: (await fz('audit', 'verify', '--format', 'json').then((r) => JSON.parse(r.out).chain.head.hash)) }));
      const refused = await fz('audit', 'verify', '--against', forged);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/^signature\tcheckpoint\t1\t-\tthe checkpoint of .* does not verify with key [0-9a-f]{16}: the checkpoint was altered or forged\.$/m);

      writeFileSync(join(scratch, 'junk.json'), '{"format": "zhidu.audit-checkpoint/1", "seq": -1}');
      const junk = await fz('audit', 'verify', '--against', join(scratch, 'junk.json'));
      expect(junk.code).toBe(2);
      expect(junk.err).toMatch(/--against: .*junk\.json: seq: must be a whole number ≥ 0\./);
      expect((await fz('audit', 'verify', '--against', join(scratch, 'missing.json'))).code).toBe(2);
    } finally {
      delete process.env.ZHIDU_INTEGRITY_KEY_FILE;
      if (engine === 'postgres') process.env.DATABASE_URL = storeOptions().databaseUrl;
    }
  });

  it('store seal seals rows without a seal once they pass their checks, and says which it left', async () => {
    await tamper('update tokens set row_hash = null');
    const legacy = await zhidu('audit', 'verify');
    expect(legacy.out).toMatch(/^note: 1 row\(s\) carry no seal/m);
    const sealed = await zhidu('store', 'seal');
    // The token whose role was changed earlier stays unsealed and is named.
    expect(sealed.code).toBe(1);
    expect(sealed.out).toMatch(/^sealed 0 revisions, 0 overrides, 0 tokens, 0 decision records, 0 audit entries with plain hashes \(no integrity key given\)\nanchor\ttoken\t1\trole\t/);
    expect(sealed.out).toMatch(/\n1 row\(s\) left unsealed: they fail the checks above\n$/);
  });

  it('zhidu serve refuses a store whose revisions disagree with the audit trail: one error line, exit 1', async () => {
    await tamper(`update revisions set effective_from = effective_from + interval '1 second' where id = 1`);
    const r = await zhidu('serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'silent');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: STORE_INTEGRITY revision 1: effectiveFrom is "[^"]+" but audit entry 1 \(revision\.publish\) recorded "[^"]+"\. It is not served\.\n  \{"kind":"revision","id":1,"problem":"anchor","field":"effectiveFrom",/);
  });

  it('an integrity key file that cannot be read stops the command before it opens the store', async () => {
    process.env.ZHIDU_INTEGRITY_KEY_FILE = join(scratch, 'no-such-key.pem');
    try {
      const r = await zhidu('token', 'list');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^error: cannot open the store: ZHIDU_INTEGRITY_KEY_FILE: cannot read .*no-such-key\.pem \(ENOENT\)\n$/);
    } finally {
      delete process.env.ZHIDU_INTEGRITY_KEY_FILE;
    }
  });
});

describe('an embedded data directory held by another process', () => {
  const dataDir = mkdtempSync('/tmp/zhidu-cli-busy-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops at once with advice instead of opening it', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    const holder: Store = await openStore({ dataDir, loadDataDir: pgliteTemplate() });
    try {
      const io = bufferIo();
      const started = Date.now();
      expect(await main(['token', 'list', '--data-dir', dataDir], io)).toBe(1);
      expect(io.err()).toMatch(/in use by process \d+.*stop that process, or make the change through its HTTP API.*DATABASE_URL/s);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await holder.close();
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
    const io = bufferIo();
    expect(await main(['token', 'list', '--data-dir', dataDir], io)).toBe(0);
  });
});
