// `zhidu token|revisions|audit` through main(), on the embedded store (--data-dir) and on
// PostgreSQL (DATABASE_URL): output, exit codes, and a data directory held by another store.
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
  const scratch = mkdtempSync('/tmp/zhidu-cli-');
  const dataDir = join(scratch, 'data');
  let options: StoreOptions;
  let savedUrl: string | undefined;

  async function zhidu(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = bufferIo();
    const code = await main([...args, '--data-dir', dataDir], io);
    return { code, out: io.out(), err: io.err() };
  }

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

    const store = await openStore(options);
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
    expect(intact.out).toMatch(/^audit chain intact: 7 entries; head 7 sha256:/);

    const store = await openStore(options);
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
