// Server configuration: defaults resolved in one place from flags and the environment,
// validated, then frozen. `ENVIRONMENT` is the list `zhidu serve --help` prints.
import { resolve } from 'node:path';
import type { Role } from '../store/index.ts';

/** Who may read /metrics: a head-office, auditor or system token; anyone; or nobody (no route). */
export type MetricsAccess = 'token' | 'public' | 'off';
export const METRICS_ACCESS: readonly MetricsAccess[] = ['token', 'public', 'off'];

/** The roles whose decisions are recorded: an auditor changes nothing, a record included. */
export type RecordingRole = Exclude<Role, 'auditor'>;
export const RECORDING_ROLES: readonly RecordingRole[] = ['head-office', 'branch', 'system'];

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** PostgreSQL when set; otherwise the embedded store in dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Published as revision 1 when the store holds none. */
  readonly rulesDir: string;
  readonly logLevel: string;
  /** Largest JSON body accepted (bytes). NDJSON batches stream and are bounded by line instead. */
  readonly bodyLimit: number;
  /** Longest NDJSON batch line (bytes). */
  readonly batchLineLimit: number;
  /** Decisions of one batch in flight at once: bounds memory whatever the batch length. */
  readonly batchConcurrency: number;
  /** Requests per token (or address, without one) per minute. */
  readonly rateLimitPerMinute: number;
  /** Who may read /metrics. */
  readonly metrics: MetricsAccess;
  /** Largest decision record kept, in bytes of JSON (input, output and trace); a decision whose record is larger is refused, not stored in part. */
  readonly recordMaxBytes: number;
  /** Recorded decisions per token a minute, by role; past it, a decision that must be recorded is refused until the minute is over. */
  readonly recordsPerMinute: Readonly<Record<RecordingRole, number>>;
  /** Milliseconds before a request that has not answered is cut off (streamed batches excepted). */
  readonly requestTimeoutMs: number;
  /** How long a looked-up token is trusted before asking the store again (a backstop: revocations are heard of at once, auth.ts). */
  readonly tokenCacheMs: number;
  /** Milliseconds between writes of when tokens were last used (the tokens screen). */
  readonly tokenUseFlushMs: number;
  /** Milliseconds to finish in-flight requests on SIGTERM before closing anyway. */
  readonly shutdownTimeoutMs: number;
  /** Check every response against its route schema (tests); off in production for speed. */
  readonly validateResponses: boolean;

  // When the store cannot serve (README "Restarts and outages").
  /** PostgreSQL connections at most. */
  readonly dbPoolSize: number;
  /** Milliseconds a query waits for a free PostgreSQL connection (or a new one to connect) before the request is answered 503. */
  readonly dbPoolTimeoutMs: number;
  /** How long a token confirmed before the store became unreachable keeps working without it (0: not at all); a revocation made meanwhile is not heard of until it is back. */
  readonly tokenOutageMs: number;
  /** Seconds a 503 answer asks the client to wait before trying again (Retry-After). */
  readonly retryAfterSeconds: number;
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  flags?: Partial<Record<'host' | 'port' | 'dataDir' | 'rulesDir' | 'logLevel', string>>;
  /** Settings given directly (tests). */
  overrides?: Partial<ServerConfig>;
}

/** Environment variables the server reads, for `--help`. */
export const ENVIRONMENT: readonly (readonly [string, string])[] = [
  ['PORT', 'port to listen on (default 8080)'],
  ['HOST', 'address to listen on (default 127.0.0.1)'],
  ['DATABASE_URL', 'PostgreSQL connection string; when unset, the embedded store in the data directory'],
  ['ZHIDU_DATA_DIR', 'embedded store folder (default ./data; --data-dir wins)'],
  ['LOG_LEVEL', 'fatal, error, warn, info (default), debug, trace or silent'],
  ['ZHIDU_RULES_DIR', 'policy set published as revision 1 on first start (default ./rules)'],
  ['ZHIDU_BODY_LIMIT', 'largest JSON body in bytes (default 10 MiB)'],
  ['ZHIDU_BATCH_LINE_LIMIT', 'longest NDJSON batch line in bytes (default 256 KiB)'],
  ['ZHIDU_RATE_LIMIT', 'requests per token per minute (default 600000)'],
  ['ZHIDU_METRICS', '/metrics for a head-office, auditor or system token (token, default), anyone (public) or nobody (off)'],
  ['ZHIDU_RECORD_MAX_BYTES', 'largest decision record in bytes of JSON; a larger one is refused with 413 (default 64 KiB)'],
  ['ZHIDU_RECORD_RATE', 'recorded decisions per token a minute, by role (default system=6000000,head-office=6000,branch=6000; auditors are never recorded)'],
  ['ZHIDU_REQUEST_TIMEOUT_MS', 'cut off a request after this long (default 120000; batches excepted)'],
  ['ZHIDU_DB_POOL_SIZE', 'PostgreSQL connections at most (default 10)'],
  ['ZHIDU_DB_POOL_TIMEOUT_MS', 'wait this long for a PostgreSQL connection before answering 503 (default 5000)'],
  ['ZHIDU_TOKEN_OUTAGE_MS', 'keep accepting tokens seen before the store became unreachable for this long (default 600000; 0 = no)'],
  ['ZHIDU_RETRY_AFTER', 'seconds a 503 answer says to wait (Retry-After; default 5)'],
  ['ZHIDU_INTEGRITY_KEY_FILE', 'Ed25519 private key (PEM) that seals stored rows and signs audit checkpoints (docs/integrity.md)'],
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  // Decimal digits only: Number() would also read 0x10, 1e3 and ' 7'.
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
  return n;
}

const DEFAULT_RECORDS_PER_MINUTE: Readonly<Record<RecordingRole, number>> = { system: 6_000_000, 'head-office': 6_000, branch: 6_000 };

/** `role=count,…`: the roles named change their default; an auditor has no allowance to set. */
function recordRates(raw: string | undefined): Readonly<Record<RecordingRole, number>> {
  const rates = { ...DEFAULT_RECORDS_PER_MINUTE };
  if (raw === undefined || raw.trim() === '') return rates;
  for (const part of raw.split(',')) {
    const [role, count, ...rest] = part.split('=').map((x) => x.trim());
    if (!RECORDING_ROLES.includes(role as RecordingRole) || count === undefined || count === '' || rest.length > 0) {
      throw new Error(`ZHIDU_RECORD_RATE is a list of role=count for ${RECORDING_ROLES.join(', ')} (auditors are never recorded); got "${part.trim()}"`);
    }
    rates[role as RecordingRole] = integer(`ZHIDU_RECORD_RATE ${role}`, count, 0, 1, 1_000_000_000);
  }
  return rates;
}

function metricsAccess(raw: string | undefined): MetricsAccess {
  if (raw === undefined || raw === '') return 'token';
  if (!METRICS_ACCESS.includes(raw as MetricsAccess)) throw new Error(`ZHIDU_METRICS must be one of ${METRICS_ACCESS.join(', ')}; got "${raw}"`);
  return raw as MetricsAccess;
}

export function resolveConfig({ env = process.env, flags = {}, overrides = {} }: ConfigSources = {}): ServerConfig {
  const logLevel = overrides.logLevel ?? flags.logLevel ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);
  const config: ServerConfig = {
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port: integer('PORT', flags.port ?? env.PORT, 8080, 0, 65535),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: resolve(flags.dataDir ?? env.ZHIDU_DATA_DIR ?? 'data'),
    rulesDir: resolve(flags.rulesDir ?? env.ZHIDU_RULES_DIR ?? 'rules'),
    logLevel,
    bodyLimit: integer('ZHIDU_BODY_LIMIT', env.ZHIDU_BODY_LIMIT, 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    batchLineLimit: integer('ZHIDU_BATCH_LINE_LIMIT', env.ZHIDU_BATCH_LINE_LIMIT, 256 * 1024, 256, 64 * 1024 * 1024),
    batchConcurrency: 1024,
    rateLimitPerMinute: integer('ZHIDU_RATE_LIMIT', env.ZHIDU_RATE_LIMIT, 600_000, 1, 1_000_000_000),
    metrics: metricsAccess(env.ZHIDU_METRICS),
    recordMaxBytes: integer('ZHIDU_RECORD_MAX_BYTES', env.ZHIDU_RECORD_MAX_BYTES, 64 * 1024, 1024, 1024 * 1024 * 1024),
    recordsPerMinute: recordRates(env.ZHIDU_RECORD_RATE),
    requestTimeoutMs: integer('ZHIDU_REQUEST_TIMEOUT_MS', env.ZHIDU_REQUEST_TIMEOUT_MS, 120_000, 1, 24 * 3600_000),
    tokenCacheMs: 5_000,
    tokenUseFlushMs: 60_000,
    shutdownTimeoutMs: 30_000,
    validateResponses: false,
    dbPoolSize: integer('ZHIDU_DB_POOL_SIZE', env.ZHIDU_DB_POOL_SIZE, 10, 1, 1000),
    dbPoolTimeoutMs: integer('ZHIDU_DB_POOL_TIMEOUT_MS', env.ZHIDU_DB_POOL_TIMEOUT_MS, 5_000, 1, 600_000),
    tokenOutageMs: integer('ZHIDU_TOKEN_OUTAGE_MS', env.ZHIDU_TOKEN_OUTAGE_MS, 600_000, 0, 24 * 3600_000),
    retryAfterSeconds: integer('ZHIDU_RETRY_AFTER', env.ZHIDU_RETRY_AFTER, 5, 1, 3600),
    ...overrides,
  };
  Object.freeze(config.recordsPerMinute);
  return Object.freeze(config);
}
