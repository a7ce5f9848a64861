// The one SQL dialect the store speaks, over either engine: PGlite in a data directory or a
// PostgreSQL pool. Everything above this file is engine-agnostic and runs the same statements.
import { ZhiduError } from '../errors.ts';

export type Engine = 'pglite' | 'postgres';

export interface Sql {
  /** One statement with $n parameters. Counts come back through RETURNING, never a row count. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly engine: Engine;
  /** BEGIN … COMMIT on one connection; ROLLBACK when `fn` throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; NOTIFY payloads arrive after the notifying transaction commits. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Called after a lost LISTEN connection is back: notifications sent meanwhile were missed. */
  onReconnect(callback: () => void): void;
  close(): Promise<void>;
}

/**
 * Every transaction that writes history takes this lock first, so writers queue in one order:
 * audit entries chain without gaps, revision ids stay contiguous, and no two writers can
 * deadlock on each other's rows. Readers and decision records never take it.
 */
const WRITE_LOCK = 7_262_000_001;
const MIGRATION_LOCK = 7_262_000_002;

export async function writeTransaction<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [WRITE_LOCK]);
    return fn(tx);
  });
}

export async function migrationTransaction<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    return fn(tx);
  });
}

/** The single row of a query, or undefined. */
export async function maybeOne<R>(sql: Sql, text: string, params: readonly unknown[] = []): Promise<R | undefined> {
  const { rows } = await sql.query<R>(text, params);
  return rows[0];
}

export async function one<R>(sql: Sql, text: string, params: readonly unknown[] = []): Promise<R> {
  const row = await maybeOne<R>(sql, text, params);
  if (row === undefined) throw new Error(`Expected one row from: ${text}`);
  return row;
}

/** SQLSTATE of a database error (both drivers put it on `code`). */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The database cannot serve now (down, restarting, out of connections or resources): the
 * request is not at fault and may be retried. Both engines throw this for such failures (and
 * only for them), so every caller answers 503 UNAVAILABLE, never 500. `reason` says which failure
 * for the operator's log (an SQLSTATE, an errno code or the driver's words); the message, which
 * clients see, names no host.
 */
export class StoreUnavailableError extends ZhiduError {
  constructor(readonly reason: string, cause?: unknown) {
    super('UNAVAILABLE', 'The database does not answer (down, restarting or saturated); try again shortly.');
    this.cause = cause;
  }
}

/**
 * SQLSTATEs that mean "not now" rather than "not this": connection exceptions (class 08),
 * insufficient resources (class 53: too many connections, disk full, out of memory), and the
 * server shutting down, crashed or starting up (57P01–57P03).
 */
export function isOutageState(state: string | undefined): boolean {
  return state !== undefined && (state.startsWith('08') || state.startsWith('53') || /^57P0[1-3]$/.test(state));
}
