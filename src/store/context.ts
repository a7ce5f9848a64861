// What every part of the store shares: the database, the clock, how a full policy set is
// validated, and a cache of revisions already parsed (revisions never change, so neither do they).
import { loadPolicyTexts, type LoadResult, type PolicyText } from '../policy/policy-set.ts';
import { badInput } from '../errors.ts';
import type { Db } from './db.ts';

/** Checks the texts of a complete policy set (the default requires every kind). */
export type SetValidator = (texts: readonly PolicyText[]) => LoadResult;

export const fullSetValidator: SetValidator = (texts) => loadPolicyTexts(texts, { complete: true });

export interface StoreContext {
  readonly db: Db;
  readonly now: () => Date;
  readonly validateSet: SetValidator;
  readonly sets: SetCache;
  /** Called between the writes of a publish, inside its transaction (fault-injection tests). */
  readonly step: (name: string) => Promise<void> | void;
}

const CACHE_LIMIT = 64;

/** Parsed policy sets keyed by anything immutable (a revision id, revision + override ids). */
export class SetCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const loading = load();
    loading.catch(() => this.entries.delete(key));
    this.entries.set(key, loading);
    if (this.entries.size > CACHE_LIMIT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return loading;
  }
}


/** An instant from a caller must not lie in the past: history already decided stays decided. */
export function notInPast(instant: Date | undefined, now: Date, field: string): Date {
  const at = instant ?? now;
  if (Number.isNaN(at.getTime())) throw badInput(field, 'not a valid instant.');
  if (at.getTime() < now.getTime()) {
    throw badInput(field, `${at.toISOString()} lies in the past; what was in force before now cannot change.`);
  }
  return at;
}
