// The embedded engine: PGlite (PostgreSQL compiled to WebAssembly) persisting to a folder.
// One connection per process; PGlite queues queries and transactions itself, and LISTEN/NOTIFY
// works within the process, which is all an embedded store has.
import { PGlite } from '@electric-sql/pglite';
import type { Db, Sql } from './db.ts';

export interface PgliteOpenOptions {
  /** Folder holding the database files; absent = in memory (tests). */
  dataDir?: string;
  /** A `dumpDataDir()` tarball to start from instead of running initdb (tests). */
  loadDataDir?: Blob;
}

function wrap(conn: Pick<PGlite, 'query' | 'exec'>): Sql {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const result = await conn.query<R>(text, [...params]);
      return { rows: result.rows };
    },
    async exec(text: string) {
      await conn.exec(text);
    },
  };
}

export async function openPgliteDb(options: PgliteOpenOptions): Promise<Db> {
  const pg = await PGlite.create({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
  });
  return pgliteDb(pg);
}

/** The store's view of an open PGlite (tests also keep the PGlite to dump a template). */
export function pgliteDb(pg: PGlite): Db {
  const sql = wrap(pg);
  return {
    engine: 'pglite',
    query: sql.query,
    exec: sql.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => { if (!pg.closed) await unlisten(); };
    },
    // One in-process connection: it never reconnects, so it never misses a notification.
    onReconnect: () => undefined,
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
