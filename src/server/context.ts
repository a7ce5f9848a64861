// What every route file is given: the store, the configuration, the policy cache, metrics,
// the authenticator, the recorded decisions' allowances and the clock.
import type { Store } from '../store/index.ts';
import { ZhiduError } from '../errors.ts';
import type { Authenticator } from './auth.ts';
import type { ServerConfig } from './config.ts';
import type { RecordLimits } from './deciding.ts';
import type { Metrics } from './metrics.ts';
import type { PolicyCache } from './policy-cache.ts';

export interface ServerContext {
  readonly store: Store;
  readonly config: ServerConfig;
  readonly cache: PolicyCache;
  readonly metrics: Metrics;
  readonly auth: Authenticator;
  /** Recorded decisions a minute per token, by role. */
  readonly records: RecordLimits;
  readonly now: () => Date;
}

/** An ISO-8601 instant sent by a client (`asOf`, `effectiveFrom`); absent = undefined. */
export function instantOf(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new ZhiduError('BAD_INPUT', `${field}: "${value}" is not an ISO-8601 instant.`, [{ field, message: 'not an ISO-8601 instant' }]);
  return at;
}

/** A 404 for a resource that does not exist. */
export function notFound(what: string): ZhiduError {
  return new ZhiduError('NOT_FOUND', `There is no ${what}.`);
}
