// Shared by the server suite: a store cloned from a template (migrated, rules/ published as
// revision 1, one token of each kind) so each test file starts in well under a second, and an
// app built on it. The template is built once per machine and kept in the temp folder, keyed by
// what it is made of; parallel workers wait for whichever of them builds it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../../src/server/app.ts';
import { resolveConfig, type ServerConfig } from '../../src/server/config.ts';
import { fullSetValidator, SetCache } from '../../src/store/context.ts';
import { migrate } from '../../src/store/migrate.ts';
import { pgliteDb } from '../../src/store/pglite-db.ts';
import { openStore, Store, type StoreOptions } from '../../src/store/store.ts';
import { ROOT, RULES_DIR } from '../helpers/policy-sets.ts';
import { freshDatabaseUrl } from '../store/helpers.ts';

export const TOKEN_NAMES = ['headOffice', 'headOffice2', 'branch0101', 'branch0202', 'system', 'auditor'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];
export type Tokens = Record<TokenName, string>;

const MADE_OF = ['src/store', 'rules', 'test/server/helpers.ts'];

function fingerprint(): string {
  const h = createHash('sha256');
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) for (const e of readdirSync(path).sort()) walk(join(path, e));
    else h.update(path).update(readFileSync(path));
  };
  for (const p of MADE_OF) walk(join(ROOT, p));
  return h.digest('hex').slice(0, 16);
}

/** rules/ published as revision 1 and one token of each kind, on a migrated store. */
async function seed(store: Store): Promise<Tokens> {
  const first = await store.ensureInitialised(RULES_DIR);
  const make = async (role: 'head-office' | 'branch' | 'system' | 'auditor', name: string, branch?: string): Promise<string> =>
    (await store.tokens.create({ role, name, actor: 'test', ...(branch ? { branch } : {}) })).token;
  return {
    headOffice: first.headOfficeToken!,
    headOffice2: await make('head-office', 'second head office'),
    branch0101: await make('branch', 'branch 0101', '0101'),
    branch0202: await make('branch', 'branch 0202', '0202'),
    system: await make('system', 'crm'),
    auditor: await make('auditor', 'auditor'),
  };
}

async function buildTemplate(file: string): Promise<void> {
  const pg = await PGlite.create();
  const db = pgliteDb(pg);
  await migrate(db);
  const store = new Store(db, { db, now: () => new Date(), validateSet: fullSetValidator, sets: new SetCache(), step: () => undefined });
  const tokens = await seed(store);
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const tmp = `${file}.${process.pid}`;
  writeFileSync(`${tmp}.tar`, Buffer.from(await dump.arrayBuffer()));
  writeFileSync(`${tmp}.json`, JSON.stringify(tokens));
  renameSync(`${tmp}.json`, `${file}.json`);
  renameSync(`${tmp}.tar`, `${file}.tar`);
}

let template: Promise<{ blob: Blob; tokens: Tokens }> | undefined;

/** The template's data and tokens (built on first use; concurrent builders wait on a lock). */
export function serverTemplate(): Promise<{ blob: Blob; tokens: Tokens }> {
  template ??= (async () => {
    const dir = join(tmpdir(), 'zhidu-server-templates');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, fingerprint());
    const lock = `${file}.lock`;
    for (let waited = 0; !existsSync(`${file}.tar`); waited += 200) {
      try {
        mkdirSync(lock);
      } catch {
        // Someone else is building it; a lock older than two minutes was left by a dead worker.
        if (waited > 120_000 || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        if (!existsSync(`${file}.tar`)) {
          await buildTemplate(file);
          // Templates of older sources are of no further use.
          for (const f of readdirSync(dir)) if (!f.startsWith(basename(file)) && /\.(tar|json)$/.test(f)) rmSync(join(dir, f), { force: true });
        }
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    return { blob: new Blob([readFileSync(`${file}.tar`)]), tokens: JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Tokens };
  })();
  return template;
}

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  tokens: Tokens;
  config: ServerConfig;
  /** inject() as a named token (or none). */
  call(as: TokenName | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * The store the server suite runs on: embedded (PGlite) by default; PostgreSQL in the
 * `server-postgres` project (vitest.config.ts), which runs this suite again on a real server.
 */
export const TEST_ENGINE = process.env.ZHIDU_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';

async function openSeededStore(options: Partial<StoreOptions> | undefined): Promise<{ store: Store; tokens: Tokens }> {
  if (TEST_ENGINE === 'postgres') {
    // A database cloned from the migrated template of the store suite's PostgreSQL, seeded here.
    const store = await openStore({ databaseUrl: await freshDatabaseUrl(), ...options });
    return { store, tokens: await seed(store) };
  }
  const { blob, tokens } = await serverTemplate();
  return { store: await openStore({ loadDataDir: blob, ...options }), tokens };
}

export async function openTestServer(options: { config?: Partial<ServerConfig>; logger?: Logger; now?: () => Date; store?: Partial<StoreOptions> } = {}): Promise<TestServer> {
  const { store, tokens } = await openSeededStore(options.store);
  const config = resolveConfig({ env: {}, overrides: { logLevel: 'silent', validateResponses: true, ...options.config } });
  const app = await buildApp({ store, config, ...(options.logger ? { logger: options.logger } : {}), ...(options.now ? { now: options.now } : {}) });
  return {
    app, store, tokens, config,
    call: (as, o) => app.inject({ ...o, headers: { ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}), ...o.headers } }),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** rules/classification.yaml as revision 1 holds it. */
export function rulesText(kind: string): string {
  return readFileSync(join(RULES_DIR, `${kind}.yaml`), 'utf8');
}

export const THRESHOLD_OVERRIDE = 'classification:\n  turnoverThreshold: 2.5\n';
