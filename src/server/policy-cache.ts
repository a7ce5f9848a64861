// Compiled policies for the decisions the server answers. Which revision and which branch
// override are in force at an instant is read from an in-memory timeline of the store
// (revisions and overrides with their effective instants), reloaded whenever the store reports
// a change; each (revision, override) pair compiles once into a frozen CompiledPolicy, shared
// by every set with the same hash. A reload swaps the timeline reference: requests already
// holding an entry finish on it.
import { CompiledPolicy } from '../engine/compile.ts';
import { PolicyCompileError } from '../engine/decision.ts';
import { ZhiduError } from '../errors.ts';
import { DECISION_NAMES, decisionOfKind, POLICY_KINDS } from '../policy/kinds.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import type { Store } from '../store/index.ts';

export interface PolicyEntry {
  readonly policy: CompiledPolicy;
  readonly revision: { readonly id: number; readonly hash: string };
  /** The override in force for the branch; `suspended` = it no longer fits, head office's set decides. */
  readonly override?: { readonly id: number; readonly status: 'applied' | 'suspended' };
  /** Decisions whose policy says to keep a record of each one (`recordDecisions: true`). */
  readonly recorded: ReadonlySet<string>;
}

interface Dated { readonly id: number; readonly from: number }
interface Timeline {
  readonly revisions: Schedule<Dated & { readonly hash: string }>;
  readonly overrides: ReadonlyMap<string, Schedule<Dated>>;
}

const COMPILED_LIMIT = 256;

/**
 * Entries by the instant they take effect, answering which is in force at an instant: the
 * latest (highest id) already in effect, as the store resolves it too. A binary search over the
 * instants, each paired with the entry in force from then on: every decision asks, and a
 * brokerage's revisions pile up over the years.
 */
export class Schedule<T extends Dated> {
  private readonly from: number[];
  private readonly latest: T[];

  constructor(entries: readonly T[]) {
    const sorted = [...entries].sort((a, b) => a.from - b.from);
    this.from = sorted.map((e) => e.from);
    this.latest = [];
    let latest: T | undefined;
    for (const e of sorted) {
      if (latest === undefined || e.id > latest.id) latest = e;
      this.latest.push(latest);
    }
  }

  at(t: number): T | undefined {
    // The first entry taking effect after t.
    let lo = 0;
    let hi = this.from.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.from[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.latest[lo - 1];
  }
}

/** Which decisions keep records under a set: the policy data of each decision's own kind. */
export function recordedDecisions(set: PolicySet): Set<string> {
  const out = new Set<string>();
  for (const kind of POLICY_KINDS) {
    if (set.documents.get(kind)?.value.recordDecisions === true) out.add(decisionOfKind(kind));
  }
  return new Set([...out].filter((d) => (DECISION_NAMES as readonly string[]).includes(d)));
}

export function compilePolicy(set: PolicySet): CompiledPolicy {
  try {
    return CompiledPolicy.compile(set);
  } catch (err) {
    if (err instanceof PolicyCompileError) throw new ZhiduError('POLICY_INVALID', 'The policy does not compile.', err.diagnostics);
    throw err;
  }
}

export class PolicyCache {
  private timeline: Timeline = { revisions: new Schedule([]), overrides: new Map() };
  private readonly entries = new Map<string, Promise<PolicyEntry>>();
  /** The entries above once compiled, for answering without waiting a turn. */
  private readonly settled = new Map<string, PolicyEntry>();
  private readonly byHash = new Map<string, { policy: CompiledPolicy; recorded: ReadonlySet<string> }>();
  private reloading: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;
  private loaded = false;

  constructor(private readonly store: Store, private readonly now: () => Date) {}

  /** Listens for changes first (so none is missed), then loads. */
  async start(): Promise<void> {
    this.unsubscribe = await this.store.onChange((change) => {
      // Token revocations are the authenticator's (auth.ts); anything else may change the timeline.
      if (change.type !== 'token') void this.refresh().catch(() => undefined);
    });
    await this.refresh();
    // Compile head office's policy in force now, so the first decision does not wait for it.
    await this.resolve(undefined, this.now()).catch(() => undefined);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get ready(): boolean {
    return this.loaded;
  }

  /** Reloads the timeline; calls during a reload cause one more reload after it. */
  refresh(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          this.timeline = await this.load();
        } while (this.again);
        this.loaded = true;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async load(): Promise<Timeline> {
    const [revisions, overrides] = await Promise.all([this.store.revisions.list(), this.store.overrides.list()]);
    const byBranch = new Map<string, Dated[]>();
    for (const o of overrides) {
      const list = byBranch.get(o.branch) ?? [];
      list.push({ id: o.id, from: o.effectiveFrom.getTime() });
      byBranch.set(o.branch, list);
    }
    return {
      revisions: new Schedule(revisions.map((r) => ({ id: r.id, hash: r.hash, from: r.effectiveFrom.getTime() }))),
      overrides: new Map([...byBranch].map(([branch, list]) => [branch, new Schedule(list)])),
    };
  }

  /** The revision in force now, for readiness and metrics. */
  revisionInForce(at: Date = this.now()): { id: number; hash: string } | undefined {
    const r = this.timeline.revisions.at(at.getTime());
    return r && { id: r.id, hash: r.hash };
  }

  /** The compiled policy a decision for `branch` (or head office's, without one) uses at `at`. */
  resolve(branch: string | undefined, at: Date): Promise<PolicyEntry> {
    const key = this.keyOf(branch, at);
    const hit = key === undefined ? undefined : this.entries.get(key);
    return hit ?? this.viaStore(branch, at);
  }

  /** What resolve() would give, when it is compiled already (else undefined: call resolve()). */
  resolveNow(branch: string | undefined, at: Date): PolicyEntry | undefined {
    const key = this.keyOf(branch, at);
    return key === undefined ? undefined : this.settled.get(key);
  }

  private keyOf(branch: string | undefined, at: Date): string | undefined {
    const t = at.getTime();
    const revision = this.timeline.revisions.at(t);
    if (!revision) return undefined;
    const override = branch === undefined ? undefined : this.timeline.overrides.get(branch)?.at(t);
    return override ? `${revision.id}:${override.id}` : `${revision.id}:-`;
  }

  /** A miss: the store resolves (it is the truth when the timeline lags a change by a moment). */
  private async viaStore(branch: string | undefined, at: Date): Promise<PolicyEntry> {
    const effective = await this.store.overrides.effectivePolicy(branch, at);
    const key = `${effective.revision.id}:${effective.override?.id ?? '-'}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = Promise.resolve().then(() => {
        let compiled = this.byHash.get(effective.hash);
        if (!compiled) {
          compiled = { policy: compilePolicy(effective.set), recorded: recordedDecisions(effective.set) };
          this.byHash.set(effective.hash, compiled);
        }
        return Object.freeze({
          ...compiled,
          // Frozen: an answer's bytes copy them whole (deciding.ts answerBytes).
          revision: Object.freeze({ id: effective.revision.id, hash: effective.revision.hash }),
          ...(effective.override ? { override: Object.freeze({ id: effective.override.id, status: effective.overrideStatus === 'applied' ? 'applied' as const : 'suspended' as const }) } : {}),
        });
      });
      entry.then((e) => { if (this.entries.has(key)) this.settled.set(key, e); }, () => this.entries.delete(key));
      this.entries.set(key, entry);
      this.trim();
    }
    return entry;
  }

  private trim(): void {
    for (const map of [this.entries, this.byHash] as Map<string, unknown>[]) {
      while (map.size > COMPILED_LIMIT) map.delete(map.keys().next().value as string);
    }
    for (const key of this.settled.keys()) if (!this.entries.has(key)) this.settled.delete(key);
  }
}
