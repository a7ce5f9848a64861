// Change notification: publishes, approvals and token revocations NOTIFY inside their transaction, so listeners
// hear of a change only once it is committed — in this process and, with PostgreSQL, in every
// other process on the database. After a lost connection comes back, a `resync` says "reload".
import type { Db, Sql } from './db.ts';

export const CHANGE_CHANNEL = 'zhidu_changes';

export type StoreChange =
  | { type: 'revision'; id: number; effectiveFrom: string }
  | { type: 'override'; id: number; branch: string; effectiveFrom: string }
  /** A token was revoked: servers forget the tokens they remember. */
  | { type: 'token'; id: number }
  | { type: 'resync' };

export type ChangeListener = (change: StoreChange) => void;

export async function notifyChange(tx: Sql, change: StoreChange): Promise<void> {
  await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(change)]);
}

/** Fans database notifications out to in-process listeners; LISTENs lazily, on the first one. */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(private readonly db: Db) {
    db.onReconnect(() => this.emit({ type: 'resync' }));
  }

  /** Resolves once LISTEN is in place, so a change committed after it is never missed. */
  async subscribe(listener: ChangeListener): Promise<() => void> {
    this.listeners.add(listener);
    this.listening ??= this.db.listen(CHANGE_CHANNEL, (payload) => this.receive(payload));
    await this.listening;
    return () => { this.listeners.delete(listener); };
  }

  private receive(payload: string): void {
    let change: StoreChange;
    try { change = JSON.parse(payload) as StoreChange; } catch { return; }
    this.emit(change);
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try { listener(change); } catch { /* a failing listener must not starve the others */ }
    }
  }

  async close(): Promise<void> {
    const unlisten = await this.listening?.catch(() => undefined);
    this.listeners.clear();
    await unlisten?.();
  }
}
