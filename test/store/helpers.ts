// Shared by the store suite: a fresh store on either engine (a clone of the migrated template)
// and a settable clock.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/store.ts';
import { fixtureDocuments, fixtureValidator } from './fixture.ts';
import type { StoreTestEnv } from './global-setup.ts';

export * from './fixture.ts';

export const ENGINES = ['pglite', 'postgres'] as const;
export type TestEngine = (typeof ENGINES)[number];

export function storeEnv(): StoreTestEnv {
  const env = inject('zhiduStore');
  if (!env) throw new Error('The store global setup did not run (test/store/global-setup.ts in vitest.config.ts).');
  return env;
}

let templateBlob: Blob | undefined;
export function pgliteTemplate(): Blob {
  templateBlob ??= new Blob([readFileSync(storeEnv().pgliteTemplate)]);
  return templateBlob;
}

let databases = 0;
/** A new PostgreSQL database cloned from the migrated template. */
export async function freshDatabaseUrl(): Promise<string> {
  const env = storeEnv();
  const name = `zhidu_t${process.pid}_${++databases}_${Date.now() % 100000}`;
  const admin = new pg.Client({ connectionString: env.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template zhidu_template`);
  } finally {
    await admin.end();
  }
  return `${env.baseUrl}/${name}`;
}

/** A settable clock; starts at 2026-07-01T00:00:00Z. */
export class TestClock {
  current = new Date('2026-07-01T00:00:00Z');
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface TestStore {
  store: Store;
  clock: TestClock;
  /** How to open the same store again (another process or after a crash). */
  options: StoreOptions;
  /** PostgreSQL only: the database URL. */
  url?: string;
}

/** A fresh, migrated, empty store. `dataDir` puts the embedded one on disk (else in memory). */
export async function openTestStore(engine: TestEngine, extra: Partial<StoreOptions> & { dataDir?: string } = {}): Promise<TestStore> {
  const clock = new TestClock();
  const common: StoreOptions = { now: clock.now, validateSet: fixtureValidator, ...extra };
  if (engine === 'postgres') {
    const url = await freshDatabaseUrl();
    const options = { ...common, databaseUrl: url };
    return { store: await openStore(options), clock, options, url };
  }
  const store = await openStore({ ...common, loadDataDir: pgliteTemplate() });
  return { store, clock, options: common };
}

/** A store with the fixture published as revision 1 (effective at the clock's start). */
export async function openPublishedStore(engine: TestEngine, extra: Partial<StoreOptions> = {}): Promise<TestStore> {
  const t = await openTestStore(engine, extra);
  await t.store.revisions.publish({ documents: fixtureDocuments(), actor: 'head-office:test', note: 'fixture' });
  return t;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: readonly unknown[] }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; details?: readonly unknown[] };
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}
