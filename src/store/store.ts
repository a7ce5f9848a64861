// The store: one object owning the database connection and its parts (revisions, proposals,
// overrides, tokens, audit trail, decision records, change feed, integrity). The same code runs on
// the embedded engine and on PostgreSQL; only opening differs.
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ZhiduError } from '../errors.ts';
import { AuditTrail } from './audit.ts';
import { ChangeFeed, type ChangeListener } from './changes.ts';
import { fullSetValidator, SetCache, type SetValidator, type StoreContext } from './context.ts';
import { maybeOne, type Db, type Engine } from './db.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { DecisionLog } from './decisions.ts';
import { readPolicyDir } from './files.ts';
import { readIntegrityKey, Sealer, sealingDb, type IntegrityKey } from './integrity.ts';
import { migrate } from './migrate.ts';
import { Overrides } from './overrides.ts';
import { openPgliteDb } from './pglite-db.ts';
import { openPostgresDb, type PoolOptions } from './postgres-db.ts';
import { Proposals } from './proposals.ts';
import { Revisions, type RevisionSummary } from './revisions.ts';
import { StoreIntegrity } from './store-check.ts';
import { Tokens } from './tokens.ts';

export interface StoreOptions {
  /** PostgreSQL connection string; when given, `dataDir` is ignored. */
  databaseUrl?: string;
  /** PostgreSQL only: the pool's size and how long a query waits for a connection. */
  pool?: PoolOptions;
  /** Folder of the embedded store; neither this nor `databaseUrl` = in memory (tests). */
  dataDir?: string;
  /** Embedded only: start an empty folder from this `dumpDataDir()` tarball (tests). */
  loadDataDir?: Blob;
  /** The clock (tests freeze it). */
  now?: () => Date;
  /** How a full set is checked before publishing; default: every kind present and valid. */
  validateSet?: SetValidator;
  /** Called between the writes of a publish, inside its transaction (fault-injection tests). */
  step?: (name: string) => Promise<void> | void;
  /** Seals rows with an HMAC and signs audit checkpoints (docs/integrity.md); without it, plain hashes. */
  integrityKey?: IntegrityKey;
}

/**
 * Where the CLI and the server find the store (API.md): DATABASE_URL, else --data-dir / ZHIDU_DATA_DIR / ./data;
 * and its integrity key, from the file ZHIDU_INTEGRITY_KEY_FILE names.
 */
export function storeOptionsFrom(flags: { dataDir?: string }, env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const key = env.ZHIDU_INTEGRITY_KEY_FILE ? { integrityKey: readIntegrityKey(env.ZHIDU_INTEGRITY_KEY_FILE) } : {};
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL, ...key };
  return { dataDir: resolve(flags.dataDir ?? env.ZHIDU_DATA_DIR ?? 'data'), ...key };
}

export interface FirstStart {
  /** Set when this call published rules/ as revision 1. */
  revision?: RevisionSummary;
  /** A head-office token, shown once: set when revision 1 was published and none existed. */
  headOfficeToken?: string;
}

export class Store {
  readonly revisions: Revisions;
  readonly proposals: Proposals;
  readonly overrides: Overrides;
  readonly tokens: Tokens;
  readonly audit: AuditTrail;
  readonly decisions: DecisionLog;
  readonly integrity: StoreIntegrity;
  private readonly changes: ChangeFeed;

  constructor(private readonly db: Db, private readonly ctx: StoreContext, private readonly lock?: DataDirLock) {
    this.revisions = new Revisions(ctx);
    this.proposals = new Proposals(ctx, this.revisions);
    this.overrides = new Overrides(ctx, this.revisions);
    this.tokens = new Tokens(ctx);
    this.audit = new AuditTrail(db);
    this.decisions = new DecisionLog(ctx);
    this.integrity = new StoreIntegrity(db, this.audit, ctx.now);
    this.changes = new ChangeFeed(db);
  }

  get engine(): Engine {
    return this.db.engine;
  }

  /**
   * Hears every publish and approval once committed, here or (PostgreSQL) in another process;
   * `{type: 'resync'}` after a lost connection is back. Resolves once listening.
   */
  onChange(listener: ChangeListener): Promise<() => void> {
    return this.changes.subscribe(listener);
  }

  /**
   * First start: when the store holds no revision, publish `rulesDir` as revision 1 (in force
   * from the beginning of time unless told otherwise: there is nothing before it to rewrite) and,
   * in the same transaction, create a head-office token if none exists. Safe when several
   * processes start at once: exactly one of them publishes.
   */
  async ensureInitialised(rulesDir: string, options: { actor?: string; effectiveFrom?: Date } = {}): Promise<FirstStart> {
    if (await maybeOne(this.db, 'select 1 from revisions limit 1')) return {};
    const actor = options.actor ?? 'system';
    const { documents, problems } = readPolicyDir(rulesDir);
    if (problems.length > 0) throw new ZhiduError('POLICY_INVALID', `${rulesDir} cannot be read as a policy set.`, problems);
    let headOfficeToken: string | undefined;
    const revision = await this.revisions.publishIf(
      { documents, actor, note: `首次启动:基线制度 ${basename(rulesDir)}/ · first start: the baseline policy set`, effectiveFrom: options.effectiveFrom ?? new Date(0) },
      async (tx) => (await maybeOne(tx, 'select 1 from revisions limit 1')) === undefined,
      async (tx) => {
        if (!(await this.tokens.hasHeadOfficeToken(tx))) {
          headOfficeToken = (await this.tokens.createIn(tx, { role: 'head-office', name: 'first start', actor })).token;
        }
      },
      { allowPast: true },
    );
    return { ...(revision ? { revision } : {}), ...(headOfficeToken ? { headOfficeToken } : {}) };
  }

  /** Throws when the database cannot be reached (readiness). */
  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  async close(): Promise<void> {
    try {
      await this.decisions.flush();
      await this.changes.close();
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  let db: Db;
  let lock: DataDirLock | undefined;
  if (options.databaseUrl) {
    db = await openPostgresDb(options.databaseUrl, options.pool);
  } else if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = await DataDirLock.acquire(options.dataDir);
    try {
      db = await openPgliteDb({ dataDir: join(options.dataDir, 'pglite'), ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
    } catch (err) {
      lock.release();
      throw err;
    }
  } else {
    db = await openPgliteDb(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    lock?.release();
    throw err;
  }
  // Everything written through the store is sealed with its key, or with plain hashes (integrity.ts).
  db = sealingDb(db, new Sealer(options.integrityKey));
  const ctx: StoreContext = {
    db,
    now: options.now ?? (() => new Date()),
    validateSet: options.validateSet ?? fullSetValidator,
    sets: new SetCache(),
    step: options.step ?? (() => undefined),
  };
  return new Store(db, ctx, lock);
}
