// Branch overrides in force, and the effective policy of a branch at an instant: the revision
// in force with the branch's override in force applied. At most one override per branch is in
// force: the latest approved one whose effective-from has come (a newer approval supersedes the
// older from its effective date). An override head office has since moved the ground under
// (it touches changed paths, or no longer fits the bounds) is suspended: head office's
// documents apply and `problems` says why. Every override read is checked first (seals.ts): one
// changed in the database is refused (STORE_INTEGRITY), never applied.
import { ZhiduError } from '../errors.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import { policySetHash } from '../policy/hash.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import type { StoreContext } from './context.ts';
import { maybeOne } from './db.ts';
import { assertIntact } from './integrity.ts';
import { overrideFit } from './rebase.ts';
import type { Revisions, RevisionSummary } from './revisions.ts';
import { checkOverrides, OVERRIDE_CHECK_COLUMNS, type OverrideCheckRow } from './seals.ts';

export interface Override {
  readonly id: number;
  readonly branch: string;
  readonly proposalId: number;
  /** The revision the override was checked against when approved (after any rebase). */
  readonly baseRevision: number;
  readonly override: string;
  readonly effectiveFrom: Date;
  readonly approvedAt: Date;
  readonly approvedBy: string;
}

export interface OverrideRow { id: number; branch: string; proposal_id: number; base_revision: number; override_yaml: string; effective_from: Date; approved_at: Date; approved_by: string }

type CheckedOverrideRow = OverrideRow & OverrideCheckRow;

export function overrideFromRow(r: OverrideRow): Override {
  return { id: r.id, branch: r.branch, proposalId: r.proposal_id, baseRevision: r.base_revision, override: r.override_yaml, effectiveFrom: r.effective_from, approvedAt: r.approved_at, approvedBy: r.approved_by };
}

export interface EffectivePolicy {
  readonly revision: RevisionSummary;
  readonly override?: Override;
  /** `suspended`: an override is in force but does not fit this revision; head office's set applies. */
  readonly overrideStatus: 'none' | 'applied' | 'suspended';
  readonly problems: readonly Diagnostic[];
  /** The documents to decide with (frozen, shared: never mutate). */
  readonly set: PolicySet;
  /** policySetHash of `set`. */
  readonly hash: string;
}

/** An override in force now, or approved to take force later, with how it fares on the revision it meets then. */
export interface OverrideState {
  readonly override: Override;
  /** In force now (else scheduled: it takes force at its effective instant). */
  readonly inForce: boolean;
  /** The revision it applies to (now, or at its effective instant). */
  readonly revision: number;
  readonly status: 'applied' | 'suspended';
  readonly problems: readonly Diagnostic[];
}

interface Resolved { set: PolicySet; hash: string; status: 'none' | 'applied' | 'suspended'; problems: Diagnostic[] }

const SELECT_OVERRIDES = `select o.*, ${OVERRIDE_CHECK_COLUMNS} from overrides o left join proposals p on p.id = o.proposal_id`;

export class Overrides {
  constructor(private readonly ctx: StoreContext, private readonly revisions: Revisions) {}

  /** The override in force for a branch at an instant (default now). */
  async at(branch: string, instant: Date = this.ctx.now()): Promise<Override | undefined> {
    const row = await maybeOne<CheckedOverrideRow>(this.ctx.db,
      `${SELECT_OVERRIDES} where o.branch = $1 and o.effective_from <= $2 order by o.id desc limit 1`, [branch, instant]);
    return row && (await this.checked([row]))[0];
  }

  async get(id: number): Promise<Override | undefined> {
    const row = await maybeOne<CheckedOverrideRow>(this.ctx.db, `${SELECT_OVERRIDES} where o.id = $1`, [id]);
    return row && (await this.checked([row]))[0];
  }

  async list(branch?: string): Promise<Override[]> {
    const { rows } = await this.ctx.db.query<CheckedOverrideRow>(`${SELECT_OVERRIDES} where ($1::text is null or o.branch = $1) order by o.id`, [branch ?? null]);
    return this.checked(rows);
  }

  /** The rows as overrides, once every one passed its checks (else STORE_INTEGRITY naming each problem). */
  private async checked(rows: readonly CheckedOverrideRow[]): Promise<Override[]> {
    assertIntact((await checkOverrides(this.ctx.db, rows)).problems);
    return rows.map(overrideFromRow);
  }

  /** Each branch's override in force now and those approved for later, with their status (head office sees suspensions here). */
  async states(branch?: string): Promise<OverrideState[]> {
    const now = this.ctx.now();
    const all = await this.list(branch);
    const states: OverrideState[] = [];
    for (const o of all) {
      const inForce = o.effectiveFrom <= now;
      if (inForce ? (await this.at(o.branch, now))?.id !== o.id : all.some((x) => x.branch === o.branch && x.id > o.id && x.effectiveFrom <= o.effectiveFrom)) continue;
      const at = inForce ? now : o.effectiveFrom;
      const effective = await this.effectivePolicy(o.branch, at);
      states.push({ override: o, inForce, revision: effective.revision.id, status: effective.overrideStatus === 'suspended' ? 'suspended' : 'applied', problems: effective.problems });
    }
    return states;
  }

  /** What a decision for `branch` (or head office's plain set, without one) uses at `instant`. */
  async effectivePolicy(branch?: string, instant: Date = this.ctx.now()): Promise<EffectivePolicy> {
    const revision = await this.revisions.at(instant);
    if (!revision) throw new ZhiduError('NOT_FOUND', `No policy revision is in force at ${instant.toISOString()}.`);
    const override = branch === undefined ? undefined : await this.at(branch, instant);
    const resolved = await this.ctx.sets.get(`effective:${revision.id}:${override?.id ?? '-'}`, () => this.resolve(revision.id, override));
    return { revision, ...(override ? { override } : {}), overrideStatus: resolved.status, problems: resolved.problems, set: resolved.set, hash: resolved.hash };
  }

  private async resolve(revisionId: number, override: Override | undefined): Promise<Resolved> {
    const base = await this.revisions.policySet(revisionId);
    if (!override) return { set: base, hash: policySetHash(base), status: 'none', problems: [] };
    const fit = overrideFit(override.override, override.baseRevision, await this.revisions.policySet(override.baseRevision), base, revisionId);
    if (fit.status === 'suspended') return { set: base, hash: policySetHash(base), status: 'suspended', problems: [...fit.problems] };
    return { set: fit.set, hash: policySetHash(fit.set), status: 'applied', problems: [] };
  }
}
