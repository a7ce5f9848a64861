// Versioned migrations: recorded once, re-running applies nothing, a database from a newer
// zhidu is refused, and two processes migrating one empty PostgreSQL database at once apply
// each migration exactly once (advisory lock).
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Db } from '../../src/store/db.ts';
import { knownMigrations, migrate } from '../../src/store/migrate.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { ENGINES, openTestStore, storeEnv, type TestStore } from './helpers.ts';

const dbOf = (store: Store): Db => (store as unknown as { db: Db }).db;

describe.each(ENGINES)('migrations on %s', (engine) => {
  let t: TestStore | undefined;
  afterEach(async () => { await t?.store.close(); t = undefined; });

  it('records each migration once; running again applies nothing; a newer schema is refused', async () => {
    t = await openTestStore(engine);
    const db = dbOf(t.store);
    const { rows } = await db.query<{ version: number }>('select version from zhidu_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(knownMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    await db.query(`insert into zhidu_migrations (version, name) values (999, 'from the future')`);
    await expect(migrate(db)).rejects.toThrow(/schema version 999, newer than this zhidu knows/);
  });
});

describe('migrations racing on one empty PostgreSQL database', () => {
  const stores: Store[] = [];
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });

  it('two processes starting at once apply each migration exactly once', async () => {
    const env = storeEnv();
    const name = `zhidu_empty_${process.pid}_${Date.now() % 100000}`;
    const admin = new pg.Client({ connectionString: env.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = `${env.baseUrl}/${name}`;
    stores.push(...await Promise.all([openStore({ databaseUrl: url }), openStore({ databaseUrl: url }), openStore({ databaseUrl: url })]));
    const { rows } = await dbOf(stores[0]!).query<{ version: number; n: number }>('select version, count(*)::int as n from zhidu_migrations group by version order by version');
    expect(rows).toEqual(knownMigrations().map((m) => ({ version: m.version, n: 1 })));
    expect(await stores[1]!.revisions.list()).toEqual([]);
  });
});
