// The embedded engine: PGlite (PostgreSQL compiled to WebAssembly) persisting to a folder.
// One connection per process; PGlite queues queries and transactions itself, and LISTEN/NOTIFY
// works within the process, which is all an embedded store has. It cannot go down the way a
// server can, but it can be closed under a request (shutting down) or run out of disk or
// memory: those leave as StoreUnavailableError, as PostgreSQL's do.
import { PGlite } from '@electric-sql/pglite';
import { ZhiduError } from '../errors.ts';
import { isOutageState, sqlState, StoreUnavailableError, type Db, type Sql } from './db.ts';

export interface PgliteOpenOptions {
  /** Folder holding the database files; absent = in memory (tests). */
  dataDir?: string;
  /** A `dumpDataDir()` tarball to start from instead of running initdb (tests). */
  loadDataDir?: Blob;
}

/** A failure as StoreUnavailableError when the database cannot serve now; anything else as it is. */
function outage(pg: PGlite, err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (pg.closed) return new StoreUnavailableError('closed', err);
  const state = sqlState(err);
  return isOutageState(state) ? new StoreUnavailableError(state!, err) : err;
}

function wrap(pg: PGlite, conn: Pick<PGlite, 'query' | 'exec'>): Sql {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      try {
        const result = await conn.query<R>(text, [...params]);
        return { rows: result.rows };
      } catch (err) {
        throw outage(pg, err);
      }
    },
    async exec(text: string) {
      try {
        await conn.exec(text);
      } catch (err) {
        throw outage(pg, err);
      }
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
  const sql = wrap(pg, pg);
  return {
    engine: 'pglite',
    query: sql.query,
    exec: sql.exec,
    async transaction(fn) {
      if (pg.closed) throw new StoreUnavailableError('closed');
      try {
        return await pg.transaction((tx) => fn(wrap(pg, tx)));
      } catch (err) {
        // The callback's own refusals (a conflict, a failed check) pass as they are.
        throw err instanceof ZhiduError ? err : outage(pg, err);
      }
    },
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
