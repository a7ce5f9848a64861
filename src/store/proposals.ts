// Branch proposals: submitted → approved / rejected / withdrawn / superseded, each step with
// actor, time and comment. Approval turns the proposal into that branch's override from its
// effective instant, rebasing it onto the revision then in force when head office left its paths
// alone. A proposal head office has since moved the ground under is stale: it cannot be
// approved; head office rejects it or asks the branch to rebase it, and the branch rebases it in
// one step (a new proposal against the revision in force, superseding this one).
import { badInput, ZhiduError } from '../errors.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import type { Change } from '../policy/diff.ts';
import { applyOverride, type OverrideResult } from '../policy/override.ts';
import { canonicalJson } from '../policy/hash.ts';
import { parsePolicyYaml } from '../policy/yaml.ts';
import { appendAudit } from './audit.ts';
import { notifyChange } from './changes.ts';
import { notInPast, type StoreContext } from './context.ts';
import { maybeOne, one, writeTransaction, type Sql } from './db.ts';
import { overrideFromRow, type Override, type OverrideRow } from './overrides.ts';
import { conflictingPaths, overrideFit } from './rebase.ts';
import type { SuspensionReason } from './publish-plan.ts';
import { revisionIdAt, type Revisions } from './revisions.ts';
import { overrideSeal } from './seals.ts';

export type ProposalStatus = 'submitted' | 'approved' | 'rejected' | 'withdrawn' | 'superseded';
export type ProposalAction = 'submitted' | 'rebased' | 'approved' | 'rejected' | 'withdrawn' | 'stale' | 'rebase-requested' | 'superseded';
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = ['submitted', 'approved', 'rejected', 'withdrawn', 'superseded'];

export interface ProposalStep {
  readonly action: ProposalAction;
  readonly actor: string;
  readonly at: Date;
  readonly comment: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Proposal {
  readonly id: number;
  readonly branch: string;
  readonly baseRevision: number;
  /** The override YAML as the branch sent it. */
  readonly override: string;
  readonly reason: string;
  readonly submittedBy: string;
  readonly submittedAt: Date;
  readonly status: ProposalStatus;
  readonly steps: readonly ProposalStep[];
  /** Set once approved. */
  readonly overrideId?: number;
  /** The proposal this one rebased (and superseded). */
  readonly replaces?: number;
  /** The proposal that rebased this one. */
  readonly replacedBy?: number;
  /** Pending only: head office changed what it touches since its base; it cannot be approved until rebased. */
  readonly stale?: { readonly revision: number; readonly reasons: readonly SuspensionReason[] };
}

export interface SubmitInput { branch: string; baseRevision: number; override: string; reason: string; actor: string }
export interface ApproveInput { id: number; actor: string; comment?: string; effectiveFrom?: Date }
export interface DecideInput { id: number; actor: string; comment?: string }
export interface RebaseInput { id: number; actor: string; override?: string; reason?: string }

export const BRANCH_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export function checkBranchCode(branch: string): void {
  if (!BRANCH_CODE.test(branch)) throw badInput('branch', `"${branch}" is not a branch code (1–32 letters, digits, - or _).`);
}

/** An override that does not apply: out of bounds, or it leaves the set incoherent. */
export function overrideRefused(result: OverrideResult): ZhiduError {
  const outOfBounds = result.diagnostics.some((d) => d.code === 'OVERRIDE_OUT_OF_BOUNDS' || d.code === 'OVERRIDE_KIND_UNKNOWN');
  return new ZhiduError(outOfBounds ? 'OVERRIDE_OUT_OF_BOUNDS' : 'POLICY_INVALID', `The override has ${result.diagnostics.length} problem(s).`, result.diagnostics);
}

function changeSummary(changes: ReadonlyMap<string, readonly Change[]>): Record<string, unknown>[] {
  return [...changes].flatMap(([kind, list]) => list.map((c) => ({ path: `/${kind}${c.path}`, op: c.op, before: c.before ?? null, after: c.after ?? null }))).slice(0, 50);
}

interface ProposalRow { id: number; branch: string; base_revision: number; override_yaml: string; reason: string; submitted_by: string; submitted_at: Date; status: ProposalStatus; override_id: number | null; replaces: number | null; replaced_by: number | null }
interface StepRow { proposal_id: number; action: ProposalAction; actor: string; at: Date; comment: string; detail: Record<string, unknown> | null }

const SELECT_PROPOSALS = `select p.*, o.id as override_id, (select min(x.id) from proposals x where x.replaces = p.id) as replaced_by
  from proposals p left join overrides o on o.proposal_id = p.id`;

/** The same override, however it is written (comments, order, quoting). */
function sameContent(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parsePolicyYaml(a);
  const pb = parsePolicyYaml(b);
  return pa.problems.length === 0 && pb.problems.length === 0 && canonicalJson(pa.value) === canonicalJson(pb.value);
}

export class Proposals {
  constructor(private readonly ctx: StoreContext, private readonly revisions: Revisions) {}

  async submit(input: SubmitInput): Promise<Proposal> {
    checkBranchCode(input.branch);
    const base = await this.revisions.summaryOf(input.baseRevision);
    if (!base) throw new ZhiduError('NOT_FOUND', `There is no revision ${input.baseRevision} to base the proposal on.`);
    const result = applyOverride(await this.revisions.policySet(base.id), input.override, 'override');
    if (!result.valid) throw overrideRefused(result);
    const at = this.ctx.now();
    const id = await writeTransaction(this.ctx.db, (tx) => this.insert(tx, { ...input, baseRevision: base.id }, at, result));
    return (await this.get(id))!;
  }

  /**
   * The branch's rebase in one step: the same override (or an edited one) proposed against the
   * revision in force now, superseding this pending proposal in the same transaction.
   */
  async rebase(input: RebaseInput): Promise<Proposal> {
    const p = await this.pending(input.id);
    const target = (await this.revisions.at())?.id;
    if (target === undefined) throw new ZhiduError('NOT_FOUND', 'No policy revision is in force to rebase onto.');
    const override = input.override ?? p.override;
    const result = applyOverride(await this.revisions.policySet(target), override, 'override');
    if (!result.valid) throw overrideRefused(result);
    const at = this.ctx.now();
    const id = await writeTransaction(this.ctx.db, async (tx) => {
      const closed = await maybeOne<{ id: number }>(tx, `update proposals set status = 'superseded' where id = $1 and status = 'submitted' returning id`, [p.id]);
      if (!closed) throw new ZhiduError('CONFLICT', `Proposal ${p.id} was decided meanwhile.`);
      const newId = await this.insert(tx, { branch: p.branch, baseRevision: target, override, reason: input.reason ?? p.reason, actor: input.actor }, at, result, p.id);
      await this.step(tx, p.id, 'superseded', input.actor, at, '', { by: newId, baseRevision: target });
      await appendAudit(tx, { at, actor: input.actor, action: 'proposal.supersede', subject: `proposal:${p.id}`, summary: { branch: p.branch, by: newId, baseRevision: target } });
      return newId;
    });
    return (await this.get(id))!;
  }

  /** Head office asks the branch to rebase a pending proposal (typically a stale one); it stays pending. */
  async requestRebase(input: DecideInput): Promise<Proposal> {
    const p = await this.pending(input.id);
    const at = this.ctx.now();
    await writeTransaction(this.ctx.db, async (tx) => {
      const still = await maybeOne<{ status: string }>(tx, 'select status from proposals where id = $1', [p.id]);
      if (still?.status !== 'submitted') throw new ZhiduError('CONFLICT', `Proposal ${p.id} was decided meanwhile.`);
      await this.step(tx, p.id, 'rebase-requested', input.actor, at, input.comment ?? '', p.stale ? { revision: p.stale.revision } : undefined);
      await appendAudit(tx, { at, actor: input.actor, action: 'proposal.rebase-request', subject: `proposal:${p.id}`, summary: { branch: p.branch, comment: input.comment ?? '' } });
    });
    return (await this.get(p.id))!;
  }

  /** Inserts a pending proposal with its first step and audit entry; a second with the same content is PROPOSAL_DUPLICATE. */
  private async insert(tx: Sql, input: SubmitInput, at: Date, result: OverrideResult, replaces?: number): Promise<number> {
    const { rows: pending } = await tx.query<{ id: number; override_yaml: string }>(
      `select id, override_yaml from proposals where branch = $1 and status = 'submitted' order by id`, [input.branch]);
    const twin = pending.find((q) => sameContent(q.override_yaml, input.override));
    if (twin) {
      throw new ZhiduError('PROPOSAL_DUPLICATE', `Branch ${input.branch} already has proposal ${twin.id} pending with the same content; withdraw or rebase that one instead.`, [{ proposal: twin.id }]);
    }
    const row = await one<{ id: number }>(tx,
      `insert into proposals (branch, base_revision, override_yaml, reason, submitted_by, submitted_at, replaces)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [input.branch, input.baseRevision, input.override, input.reason, input.actor, at, replaces ?? null]);
    await this.step(tx, row.id, 'submitted', input.actor, at, input.reason, { baseRevision: input.baseRevision, ...(replaces !== undefined ? { replaces } : {}) });
    await appendAudit(tx, {
      at, actor: input.actor, action: 'proposal.submit', subject: `proposal:${row.id}`,
      summary: { branch: input.branch, baseRevision: input.baseRevision, reason: input.reason, ...(replaces !== undefined ? { replaces } : {}), changes: changeSummary(result.changes) },
    });
    return row.id;
  }

  async approve(input: ApproveInput): Promise<{ proposal: Proposal; override: Override }> {
    const now = this.ctx.now();
    const effectiveFrom = notInPast(input.effectiveFrom, now, 'effectiveFrom');
    for (let attempt = 1; ; attempt++) {
      const p = await this.pending(input.id);
      if (p.submittedBy === input.actor) throw new ZhiduError('FORBIDDEN', 'A proposal cannot be approved by whoever submitted it.');
      // The override will sit on whatever revision is in force from its effective instant.
      const target = (await revisionIdAt(this.ctx.db, effectiveFrom)) ?? p.baseRevision;
      const rebase = target === p.baseRevision ? undefined : await this.checkRebase(p, target);
      const result = applyOverride(await this.revisions.policySet(target), p.override, 'override');
      if (!result.valid) throw overrideRefused(result);

      const outcome = await writeTransaction(this.ctx.db, async (tx) => {
        // Throwing rolls back: a revision published since the checks above means check again.
        if (((await revisionIdAt(tx, effectiveFrom)) ?? p.baseRevision) !== target) throw new RevisionMoved();
        // The conditional update is what lets exactly one of two concurrent approvals through.
        const claimed = await maybeOne<{ id: number }>(tx,
          `update proposals set status = 'approved' where id = $1 and status = 'submitted' returning id`, [p.id]);
        if (!claimed) throw new ZhiduError('CONFLICT', `Proposal ${p.id} was decided meanwhile.`);
        if (rebase) {
          await this.step(tx, p.id, 'rebased', input.actor, now, '', rebase);
          await appendAudit(tx, { at: now, actor: input.actor, action: 'proposal.rebase', subject: `proposal:${p.id}`, summary: { branch: p.branch, ...rebase } });
        }
        const row = await one<OverrideRow>(tx,
          `insert into overrides (branch, proposal_id, base_revision, override_yaml, effective_from, approved_at, approved_by, row_hash)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
          [p.branch, p.id, target, p.override, effectiveFrom, now, input.actor,
            overrideSeal(tx, { proposalId: p.id, branch: p.branch, baseRevision: target, override: p.override, effectiveFrom, approvedAt: now, approvedBy: input.actor })]);
        await this.step(tx, p.id, 'approved', input.actor, now, input.comment ?? '', { overrideId: row.id, baseRevision: target, effectiveFrom: effectiveFrom.toISOString() });
        await appendAudit(tx, {
          at: now, actor: input.actor, action: 'proposal.approve', subject: `proposal:${p.id}`,
          summary: { branch: p.branch, overrideId: row.id, baseRevision: target, effectiveFrom: effectiveFrom.toISOString(), comment: input.comment ?? '', changes: changeSummary(result.changes) },
        });
        await notifyChange(tx, { type: 'override', id: row.id, branch: p.branch, effectiveFrom: effectiveFrom.toISOString() });
        return overrideFromRow(row);
      }).catch((err: unknown) => {
        if (err instanceof RevisionMoved) return undefined;
        throw err;
      });
      if (outcome) return { proposal: (await this.get(p.id))!, override: outcome };
      if (attempt >= 5) throw new ZhiduError('CONFLICT', 'Revisions kept being published meanwhile; try again.');
    }
  }

  reject(input: DecideInput): Promise<Proposal> {
    return this.close(input, 'rejected', 'proposal.reject');
  }

  withdraw(input: DecideInput): Promise<Proposal> {
    return this.close(input, 'withdrawn', 'proposal.withdraw');
  }

  async get(id: number): Promise<Proposal | undefined> {
    return (await this.query('where p.id = $1', [id]))[0];
  }

  async list(filter: { branch?: string; status?: ProposalStatus } = {}): Promise<Proposal[]> {
    return this.query('where ($1::text is null or p.branch = $1) and ($2::text is null or p.status = $2)', [filter.branch ?? null, filter.status ?? null]);
  }

  /** What the proposal changes, path by path, against its base revision. */
  async diff(id: number): Promise<{ changes: ReadonlyMap<string, readonly Change[]>; diagnostics: readonly Diagnostic[] }> {
    const p = await this.get(id);
    if (!p) throw new ZhiduError('NOT_FOUND', `There is no proposal ${id}.`);
    const result = applyOverride(await this.revisions.policySet(p.baseRevision), p.override, 'override');
    return { changes: result.changes, diagnostics: result.diagnostics };
  }

  private async pending(id: number): Promise<Proposal> {
    const p = await this.get(id);
    if (!p) throw new ZhiduError('NOT_FOUND', `There is no proposal ${id}.`);
    if (p.status !== 'submitted') throw new ZhiduError('CONFLICT', `Proposal ${id} is already ${p.status}.`);
    return p;
  }

  private async checkRebase(p: Proposal, target: number): Promise<{ from: number; to: number }> {
    const conflicts = conflictingPaths(p.override, await this.revisions.policySet(p.baseRevision), await this.revisions.policySet(target));
    if (conflicts.length > 0) {
      throw new ZhiduError('PROPOSAL_STALE',
        `Proposal ${p.id} is stale: head office changed ${conflicts.join(', ')} in revision ${target} since revision ${p.baseRevision}, which it was written against. It cannot be approved as it is: reject it, or ask branch ${p.branch} to rebase it.`,
        conflicts.map((path) => ({ path, baseRevision: p.baseRevision, currentRevision: target })));
    }
    return { from: p.baseRevision, to: target };
  }

  private async close(input: DecideInput, status: 'rejected' | 'withdrawn', action: 'proposal.reject' | 'proposal.withdraw'): Promise<Proposal> {
    const at = this.ctx.now();
    await writeTransaction(this.ctx.db, async (tx) => {
      const row = await maybeOne<{ branch: string }>(tx, `update proposals set status = $2 where id = $1 and status = 'submitted' returning branch`, [input.id, status]);
      if (!row) {
        const exists = await maybeOne<{ status: string }>(tx, 'select status from proposals where id = $1', [input.id]);
        throw exists ? new ZhiduError('CONFLICT', `Proposal ${input.id} is already ${exists.status}.`) : new ZhiduError('NOT_FOUND', `There is no proposal ${input.id}.`);
      }
      await this.step(tx, input.id, status, input.actor, at, input.comment ?? '');
      await appendAudit(tx, { at, actor: input.actor, action, subject: `proposal:${input.id}`, summary: { branch: row.branch, comment: input.comment ?? '' } });
    });
    return (await this.get(input.id))!;
  }

  private async step(tx: Sql, id: number, action: ProposalAction, actor: string, at: Date, comment: string, detail?: Record<string, unknown>): Promise<void> {
    await tx.query('insert into proposal_steps (proposal_id, action, actor, at, comment, detail) values ($1, $2, $3, $4, $5, $6::text::jsonb)',
      [id, action, actor, at, comment, detail ? JSON.stringify(detail) : null]);
  }

  private async query(where: string, params: unknown[]): Promise<Proposal[]> {
    const { rows } = await this.ctx.db.query<ProposalRow>(`${SELECT_PROPOSALS} ${where} order by p.id`, params);
    if (rows.length === 0) return [];
    const steps = await this.ctx.db.query<StepRow>('select * from proposal_steps where proposal_id = any($1::int[]) order by id', [rows.map((r) => r.id)]);
    const current = rows.some((r) => r.status === 'submitted') ? (await this.revisions.at())?.id : undefined;
    const proposals: Proposal[] = [];
    for (const r of rows) {
      const stale = r.status === 'submitted' && current !== undefined ? await this.staleness(r, current) : undefined;
      proposals.push({
        id: r.id, branch: r.branch, baseRevision: r.base_revision, override: r.override_yaml, reason: r.reason,
        submittedBy: r.submitted_by, submittedAt: r.submitted_at, status: r.status,
        steps: steps.rows.filter((s) => s.proposal_id === r.id).map((s) => ({ action: s.action, actor: s.actor, at: s.at, comment: s.comment, ...(s.detail ? { detail: s.detail } : {}) })),
        ...(r.override_id !== null ? { overrideId: r.override_id } : {}),
        ...(r.replaces !== null ? { replaces: r.replaces } : {}),
        ...(r.replaced_by !== null ? { replacedBy: r.replaced_by } : {}),
        ...(stale ? { stale } : {}),
      });
    }
    return proposals;
  }

  /** Why a pending proposal no longer applies to the revision in force, if it does not. */
  private async staleness(r: ProposalRow, current: number): Promise<Proposal['stale']> {
    if (current === r.base_revision) return undefined;
    const fit = overrideFit(r.override_yaml, r.base_revision, await this.revisions.policySet(r.base_revision), await this.revisions.policySet(current), current);
    if (fit.status === 'applied') return undefined;
    return { revision: current, reasons: fit.problems.map((d) => ({ path: d.path, code: d.code, message: d.message })) };
  }
}

class RevisionMoved extends Error {}
