// Server configuration: defaults resolved in one place from flags and the environment,
// validated, then frozen. `ENVIRONMENT` is the list `zhidu serve --help` prints.
import { resolve } from 'node:path';

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
  /** Milliseconds before a request that has not answered is cut off (streamed batches excepted). */
  readonly requestTimeoutMs: number;
  /** How long a looked-up token is trusted before asking the store again (a backstop: revocations are heard of at once, auth.ts). */
  readonly tokenCacheMs: number;
  /** Milliseconds to finish in-flight requests on SIGTERM before closing anyway. */
  readonly shutdownTimeoutMs: number;
  /** Check every response against its route schema (tests); off in production for speed. */
  readonly validateResponses: boolean;
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
  ['ZHIDU_REQUEST_TIMEOUT_MS', 'cut off a request after this long (default 120000; batches excepted)'],
  ['ZHIDU_INTEGRITY_KEY_FILE', 'Ed25519 private key (PEM) that seals stored rows and signs audit checkpoints (docs/integrity.md)'],
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
  return n;
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
    requestTimeoutMs: integer('ZHIDU_REQUEST_TIMEOUT_MS', env.ZHIDU_REQUEST_TIMEOUT_MS, 120_000, 1, 24 * 3600_000),
    tokenCacheMs: 5_000,
    shutdownTimeoutMs: 30_000,
    validateResponses: false,
    ...overrides,
  };
  return Object.freeze(config);
}
