// Vitest global setup for the store suite: a real PostgreSQL 15 in a temp folder on a free port
// (initdb + pg_ctl, as the postgres user when running as root), a migrated template database
// to clone per test file, and a migrated PGlite template tarball. Runs only when store tests
// are queued; when they are and the PostgreSQL binaries are missing, it fails — never skips.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { pgliteDb } from '../../src/store/pglite-db.ts';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const TEMPLATE_DB = 'zhidu_template';

export interface StoreTestEnv {
  /** Connection string of the maintenance database (create/drop test databases there). */
  adminUrl: string;
  /** Base URL without a database name: `${base}/dbname`. */
  baseUrl: string;
  pgliteTemplate: string;
  /** Folder of the clusters: `data` (running, shared) and `outage` (stopped; one test's own). */
  clusterDir: string;
  port: number;
}

declare module 'vitest' {
  interface ProvidedContext {
    zhiduStore: StoreTestEnv | null;
  }
}

const STORE_TESTS = /test\/store\/|test\/cli\/store-commands/;

async function storeTestsQueued(project: TestProject): Promise<boolean> {
  // Vitest does not hand the queued files to a global setup; its CLI filters are on the
  // (internal) filenamePattern. Without filters every file runs, store tests included.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  // The server-postgres project runs the server suite on PostgreSQL: any of its files needs it.
  if (project.name === 'server-postgres') return testFiles.length > 0;
  return testFiles.some((f) => STORE_TESTS.test(f.replace(/\\/g, '/')));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL binary's command line, as the postgres user (postgres refuses to run as root). */
function pgCommand(binary: string, args: string[]): [string, string[]] {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]] : [join(PG_BIN, binary), args];
}

export function pgRun(binary: string, args: string[]): void {
  const [cmd, argv] = pgCommand(binary, args);
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** pgRun without blocking the event loop (a test keeps a server busy while PostgreSQL stops and starts). */
export function pgRunAsync(binary: string, args: string[]): Promise<void> {
  const [cmd, argv] = pgCommand(binary, args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, (err, _stdout, stderr) => (err ? reject(new Error(`${binary} ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
  });
}

async function startPostgres(): Promise<{ dir: string; port: number; stop: () => void }> {
  for (const bin of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(PG_BIN, bin))) {
      throw new Error(`${PG_BIN}/${bin} is missing: the store suite runs against a real PostgreSQL 15. Install it (apt-get install postgresql-15).`);
    }
  }
  const dir = mkdtempSync('/tmp/zhidu-pg-');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:', dir]);
  const port = await freePort();
  pgRun('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  // A second, stopped cluster for the test that takes PostgreSQL away and brings it back.
  execFileSync('cp', ['-a', join(dir, 'data'), join(dir, 'outage')]);
  pgRun('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30', '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c max_connections=200`, 'start']);
  const stop = (): void => {
    for (const cluster of ['data', 'outage']) {
      try { pgRun('pg_ctl', ['-D', join(dir, cluster), '-m', 'immediate', '-w', 'stop']); } catch { /* not running */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, port, stop };
}

async function postgresTemplate(baseUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${baseUrl}/postgres` });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const db = await openPostgresDb(`${baseUrl}/${TEMPLATE_DB}`);
  await migrate(db);
  await db.close();
}

async function pgliteTemplate(file: string): Promise<void> {
  const pglite = await PGlite.create();
  await migrate(pgliteDb(pglite));
  const dump = await pglite.dumpDataDir('none');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!(await storeTestsQueued(project))) {
    project.provide('zhiduStore', null);
    return undefined;
  }
  const server = await startPostgres();
  const scratch = mkdtempSync('/tmp/zhidu-pglite-');
  const teardown = (): void => {
    server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const baseUrl = `postgres://postgres@127.0.0.1:${server.port}`;
    const pgliteFile = join(scratch, 'template.tar');
    await Promise.all([postgresTemplate(baseUrl), pgliteTemplate(pgliteFile)]);
    project.provide('zhiduStore', { adminUrl: `${baseUrl}/postgres`, baseUrl, pgliteTemplate: pgliteFile, clusterDir: server.dir, port: server.port });
    return teardown;
  } catch (err) {
    teardown();
    throw err;
  }
}
