// The shared engine: a PostgreSQL pool for queries and transactions, plus one dedicated
// connection for LISTEN that reconnects by itself when the server goes away and comes back.
// Failures that mean "the database cannot serve now" (refused, reset, terminated by a shutdown,
// no free connection within the pool timeout) leave as StoreUnavailableError, decided here once;
// the pool replaces broken connections by itself, so nothing has to be reopened afterwards.
import pg from 'pg';
import { isOutageState, StoreUnavailableError, type Db, type Sql } from './db.ts';

export interface PoolOptions {
  /** Connections at most (default 10). */
  size?: number;
  /** Milliseconds a query waits for a free connection, or for a new one to connect, before it is refused as unavailable (default 5000). */
  timeoutMs?: number;
}

/** A driver failure as StoreUnavailableError when it means the database cannot serve now; anything else as it is. */
function outage(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (err instanceof pg.DatabaseError) return isOutageState(err.code) ? new StoreUnavailableError(err.code!, err) : err;
  // Programming faults (a parameter that does not serialise) stay what they are. Anything else the
  // driver throws is about the connection: refused or reset (errno codes), a connect or pool-wait
  // timeout, "Connection terminated unexpectedly", a pool already ended: pg gives those no code.
  if (!(err instanceof Error) || err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return err;
  const errno = (err as NodeJS.ErrnoException).code;
  return new StoreUnavailableError(typeof errno === 'string' ? errno : err.message, err);
}

function wrap(conn: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      try {
        const result = await conn.query(text, [...params]);
        return { rows: result.rows as R[] };
      } catch (err) {
        throw outage(err);
      }
    },
    async exec(text: string) {
      try {
        await conn.query(text);
      } catch (err) {
        throw outage(err);
      }
    },
  };
}

/** LISTEN on its own connection; after a reconnect, `onResync` says notifications may have been missed. */
class Listener {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private closed = false;
  private connecting: Promise<void> | undefined;
  private retryMs = 100;

  constructor(private readonly url: string, private readonly onReconnect: () => void) {}

  async add(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    const fresh = !set;
    if (!set) { set = new Set(); this.channels.set(channel, set); }
    set.add(onPayload);
    await this.ensureConnected();
    if (fresh && this.client) await this.client.query(`listen ${pg.escapeIdentifier(channel)}`);
    return async () => { set.delete(onPayload); };
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      for (const cb of this.channels.get(msg.channel) ?? []) cb(msg.payload ?? '');
    });
    await client.connect();
    for (const channel of this.channels.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    this.client = client;
    this.retryMs = 100;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 2000);
    setTimeout(() => {
      if (this.closed) return;
      this.ensureConnected().then(
        () => this.onReconnect(),
        () => this.retry(),
      );
    }, delay).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await this.connecting?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}

export async function openPostgresDb(url: string, options: PoolOptions = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.size ?? 10, connectionTimeoutMillis: options.timeoutMs ?? 5000 });
  // An idle client dropped by a server restart must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Unwrapped: opening fails with the driver's own words (which host refused), for the operator.
  await pool.query('select 1');
  const reconnected = new Set<() => void>();
  const listener = new Listener(url, () => { for (const cb of reconnected) cb(); });
  const sql = wrap(pool);
  return {
    engine: 'postgres',
    query: sql.query,
    exec: sql.exec,
    async transaction(fn) {
      const client = await pool.connect().catch((err: unknown) => { throw outage(err); });
      const tx = wrap(client);
      let broken: unknown;
      try {
        await tx.exec('begin');
        const result = await fn(tx);
        await tx.exec('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch((e: unknown) => { broken = e; });
        throw err;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    listen: (channel, onPayload) => listener.add(channel, onPayload),
    onReconnect: (cb) => { reconnected.add(cb); },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
