// Policy revisions: immutable, effective-dated, complete policy sets. A publish validates the
// whole set (kinds not changed carry over from the revision that would otherwise be in force at
// its effective instant) and writes revision, documents, the schedule it keeps and audit entries
// in one transaction; what it will do is planned first (publish-plan.ts) and must be confirmed.
// At an instant T the revision in force is the latest published one whose effective-from ≤ T.
// Reads check what they return (seals.ts): the row against the audit entry of its publication,
// each document's text against its hash, the parsed set against `hash`. A revision that fails
// is refused (STORE_INTEGRITY), never decided with.
import { ZhiduError } from '../errors.ts';
import { loadPolicyTexts, type PolicySet } from '../policy/policy-set.ts';
import { appendAudit, type NewAuditEntry } from './audit.ts';
import { notifyChange } from './changes.ts';
import type { StoreContext } from './context.ts';
import { maybeOne, one, writeTransaction, type Sql } from './db.ts';
import { assertIntact } from './integrity.ts';
import { auditHead, planPublish, type Candidate, type PublishEffect, type PublishPlan, type PublishRequest, type ScheduledMode } from './publish-plan.ts';

export type { Candidate, PublishEffect, PublishPlan, ScheduledMode } from './publish-plan.ts';
import { checkDocuments, checkPolicySet, checkRevisions, REVISION_CHECK_COLUMNS, type RevisionCheckRow } from './seals.ts';

export type RevisionStatus = 'active' | 'scheduled' | 'superseded';

export interface RevisionSummary {
  readonly id: number;
  readonly hash: string;
  readonly status: RevisionStatus;
  readonly effectiveFrom: Date;
  readonly publishedAt: Date;
  readonly publishedBy: string;
  readonly note: string;
  /** The scheduled revision this one published again, rebased, after an earlier publish landed before it. */
  readonly replaces?: number;
  /** The revision that published this scheduled one again (it then never comes itself). */
  readonly replacedBy?: number;
}

export interface Revision extends RevisionSummary {
  /** Each kind's YAML exactly as published, comments included. */
  readonly documents: Readonly<Record<string, string>>;
}

export interface PublishInput {
  /** YAML text by kind; kinds not given, or unchanged from the base, carry over. */
  documents: Readonly<Record<string, string>>;
  /** Default: now. Never in the past. */
  effectiveFrom?: Date;
  /** The revision the documents were edited from; a kind another publish changed since is REVISION_CONFLICT. */
  baseRevision?: number;
  /** Scheduled revisions this one lands before: kept (published again after it, rebased; default) or replaced. */
  scheduled?: ScheduledMode;
  /** `true`, or the effectsId of the effects the publisher saw: needed when the publish has effects. */
  acknowledge?: true | string;
  /** Publish even when the set decides exactly as the revision in force. */
  force?: boolean;
  note?: string;
  actor: string;
}

/** A publish done: the revision, the scheduled revisions published again after it, and every effect. */
export interface PublishOutcome extends RevisionSummary {
  readonly rescheduled: readonly { readonly replaces: number; readonly id: number }[];
  readonly effects: readonly PublishEffect[];
}

interface RevisionRow { id: number; hash: string; status: RevisionStatus; effective_from: Date; published_at: Date; published_by: string; note: string; replaces: number | null; replaced_by: number | null }
type CheckedRevisionRow = RevisionRow & RevisionCheckRow;

const SUMMARY_COLUMNS = `r.id, r.hash, r.effective_from, r.published_at, r.published_by, r.note, r.replaces,
  (select min(x.id) from revisions x where x.replaces = r.id) as replaced_by,
  case
    when r.id = (select a.id from revisions a where a.effective_from <= $1 order by a.id desc limit 1) then 'active'
    when r.effective_from > $1 and not exists (
      select 1 from revisions s where s.id > r.id and s.effective_from <= r.effective_from) then 'scheduled'
    else 'superseded'
  end as status, ${REVISION_CHECK_COLUMNS}`;

function summary(r: RevisionRow): RevisionSummary {
  return {
    id: r.id, hash: r.hash, status: r.status, effectiveFrom: r.effective_from, publishedAt: r.published_at, publishedBy: r.published_by, note: r.note,
    ...(r.replaces !== null ? { replaces: r.replaces } : {}), ...(r.replaced_by !== null ? { replacedBy: r.replaced_by } : {}),
  };
}

export async function revisionIdAt(sql: Sql, instant: Date): Promise<number | undefined> {
  const row = await maybeOne<{ id: number }>(sql, 'select id from revisions where effective_from <= $1 order by id desc limit 1', [instant]);
  return row?.id;
}

export class Revisions {
  constructor(private readonly ctx: StoreContext) {}

  /** Every revision; STORE_INTEGRITY when any disagrees with the audit entry of its publication. */
  async list(): Promise<RevisionSummary[]> {
    const { rows } = await this.ctx.db.query<CheckedRevisionRow>(`select ${SUMMARY_COLUMNS} from revisions r order by r.id`, [this.ctx.now()]);
    assertIntact((await checkRevisions(this.ctx.db, rows)).problems);
    return rows.map(summary);
  }

  /** A revision with its documents' texts, each checked against the hash taken when it was published. */
  async get(id: number): Promise<Revision | undefined> {
    const row = await maybeOne<CheckedRevisionRow>(this.ctx.db, `select ${SUMMARY_COLUMNS} from revisions r where r.id = $2`, [this.ctx.now(), id]);
    if (!row) return undefined;
    const { rows } = await this.ctx.db.query<{ kind: string; yaml: string; text_hash: string }>(
      'select kind, yaml, text_hash from revision_documents where revision_id = $1 order by kind', [id]);
    assertIntact([...(await checkRevisions(this.ctx.db, [row])).problems, ...checkDocuments(id, rows)]);
    return { ...summary(row), documents: Object.fromEntries(rows.map((d) => [d.kind, d.yaml])) };
  }

  /** The revision in force at an instant (default now), if any was yet. */
  async at(instant: Date = this.ctx.now()): Promise<RevisionSummary | undefined> {
    const id = await revisionIdAt(this.ctx.db, instant);
    return id === undefined ? undefined : this.summaryOf(id);
  }

  async summaryOf(id: number): Promise<RevisionSummary | undefined> {
    const row = await maybeOne<CheckedRevisionRow>(this.ctx.db, `select ${SUMMARY_COLUMNS} from revisions r where r.id = $2`, [this.ctx.now(), id]);
    if (!row) return undefined;
    assertIntact((await checkRevisions(this.ctx.db, [row])).problems);
    return summary(row);
  }

  /**
   * A revision's documents parsed into a policy set (cached: revisions never change), once they
   * hash to the revision's `hash`: what is decided with is what was published.
   */
  policySet(id: number): Promise<PolicySet> {
    return this.ctx.sets.get(`revision:${id}`, async () => {
      const revision = await this.get(id);
      if (!revision) throw new ZhiduError('NOT_FOUND', `There is no revision ${id}.`);
      const texts = Object.entries(revision.documents).map(([kind, text]) => ({ file: kind, text }));
      const { set } = loadPolicyTexts(texts);
      assertIntact(checkPolicySet(id, revision.hash, set));
      return set;
    });
  }

  /**
   * Validates documents as the full set they would make from `effectiveFrom` (default now).
   * Throws POLICY_INVALID with every diagnostic when the set is not valid.
   */
  async candidate(documents: Readonly<Record<string, string>>, effectiveFrom?: Date): Promise<Candidate> {
    // A simulation may ask about any instant; only publishing is held to "never in the past".
    return (await this.plan({ documents, ...(effectiveFrom ? { effectiveFrom, allowPast: true } : {}) })).candidate;
  }

  /** What publishing would do now: the set, and its effects on schedules, overrides and proposals. */
  plan(request: PublishRequest): Promise<PublishPlan> {
    return planPublish(this.ctx, this.ctx.db, request);
  }

  async publish(input: PublishInput): Promise<PublishOutcome> {
    const published = await this.publishIf(input, async () => true);
    if (!published) throw new Error('unreachable: an unconditional publish was skipped');
    return published;
  }

  /**
   * Publishes when `condition` holds inside the write transaction (first start: "no revision
   * yet", which alone may reach into the past); `also` runs in the same transaction.
   * The plan is worked out before the transaction, so the lock is held only for the writes;
   * if the store moved meanwhile, it is worked out again under the lock, against what the
   * first plan found in force: one writer at a time decides the next id, what it is built
   * from and its effective instant, and a publish of kinds another changed meanwhile is
   * refused (REVISION_CONFLICT) rather than silently undoing it.
   */
  async publishIf(
    input: PublishInput,
    condition: (tx: Sql) => Promise<boolean>,
    also?: (tx: Sql, revisionId: number) => Promise<void>,
    options: { allowPast?: boolean } = {},
  ): Promise<PublishOutcome | undefined> {
    const request: PublishRequest = {
      documents: input.documents,
      ...(input.effectiveFrom ? { effectiveFrom: input.effectiveFrom } : {}),
      ...(input.baseRevision !== undefined ? { baseRevision: input.baseRevision } : {}),
      ...(input.scheduled ? { scheduled: input.scheduled } : {}),
      ...(options.allowPast ? { allowPast: true } : {}),
    };
    const first = await this.plan(request);
    confirm(first, input);
    const outcome = await writeTransaction(this.ctx.db, async (tx) => {
      if (!(await condition(tx))) return undefined;
      let plan = first;
      if ((await auditHead(tx)) !== first.snapshot) {
        plan = await planPublish(this.ctx, tx, request, first.source);
        confirm(plan, input);
      }
      const ids = await this.write(tx, plan, input);
      await also?.(tx, ids.id);
      return { ids, plan };
    });
    if (!outcome) return undefined;
    return {
      ...(await this.summaryOf(outcome.ids.id))!,
      rescheduled: outcome.ids.rescheduled,
      effects: outcome.plan.effects,
    };
  }

  /** The writes of a publish, under the write lock: the revision, the schedule kept, the audit entries. */
  private async write(tx: Sql, plan: PublishPlan, input: PublishInput): Promise<{ id: number; rescheduled: { replaces: number; id: number }[] }> {
    const publishedAt = this.ctx.now();
    const { id } = await one<{ id: number }>(tx, 'select coalesce(max(id), 0) + 1 as id from revisions');
    const note = input.note ?? '';
    await this.insert(tx, id, plan.candidate, { effectiveFrom: plan.effectiveFrom, publishedAt, actor: input.actor, note });
    await appendAudit(tx, {
      at: publishedAt, actor: input.actor, action: 'revision.publish', subject: `revision:${id}`,
      summary: {
        hash: plan.candidate.hash, effectiveFrom: plan.effectiveFrom.toISOString(), note, carriedFrom: plan.candidate.carriedFrom ?? null,
        changes: plan.candidate.changes, ...(plan.effects.length > 0 ? { effectsAcknowledged: plan.effectsId } : {}), ...(plan.unchanged ? { forced: true } : {}),
      },
    });
    await this.ctx.step('audit');
    const rescheduled: { replaces: number; id: number }[] = [];
    for (const [i, r] of plan.rescheduled.entries()) {
      // Every revision has the audit entry of its own publication (integrity checks each against it).
      const newId = id + 1 + i;
      await this.insert(tx, newId, r.candidate, { effectiveFrom: r.effectiveFrom, publishedAt, actor: input.actor, note: r.note, replaces: r.replaces });
      await appendAudit(tx, {
        at: publishedAt, actor: input.actor, action: 'revision.publish', subject: `revision:${newId}`,
        summary: {
          hash: r.candidate.hash, effectiveFrom: r.effectiveFrom.toISOString(), note: r.note, carriedFrom: r.candidate.carriedFrom ?? null,
          changes: r.candidate.changes, replaces: r.replaces, after: id,
        },
      });
      rescheduled.push({ replaces: r.replaces, id: newId });
    }
    for (const e of plan.effects) {
      const entry = effectAuditEntry(e, id, rescheduled);
      if (entry) await appendAudit(tx, { at: publishedAt, actor: input.actor, ...entry });
      if (e.type === 'proposal-stale') {
        await tx.query(`insert into proposal_steps (proposal_id, action, actor, at, comment, detail) values ($1, 'stale', $2, $3, '', $4::text::jsonb)`,
          [e.proposal, input.actor, publishedAt, JSON.stringify({ revision: id, reasons: e.reasons })]);
      }
    }
    for (const r of [{ id, effectiveFrom: plan.effectiveFrom }, ...rescheduled.map((x, i) => ({ id: x.id, effectiveFrom: plan.rescheduled[i]!.effectiveFrom }))]) {
      await notifyChange(tx, { type: 'revision', id: r.id, effectiveFrom: r.effectiveFrom.toISOString() });
    }
    return { id, rescheduled };
  }

  private async insert(tx: Sql, id: number, c: Candidate, meta: { effectiveFrom: Date; publishedAt: Date; actor: string; note: string; replaces?: number }): Promise<void> {
    await tx.query(
      'insert into revisions (id, hash, effective_from, published_at, published_by, note, replaces) values ($1, $2, $3, $4, $5, $6, $7)',
      [id, c.hash, meta.effectiveFrom, meta.publishedAt, meta.actor, meta.note, meta.replaces ?? null],
    );
    await this.ctx.step('revision');
    const kinds = Object.keys(c.documents).sort();
    await tx.query(
      'insert into revision_documents (revision_id, kind, yaml) select $1, * from unnest($2::text[], $3::text[])',
      [id, kinds, kinds.map((k) => c.documents[k])],
    );
    await this.ctx.step('documents');
  }
}

/** Refuses a plan the publisher did not ask for: an identical revision unless forced, effects unless acknowledged. */
function confirm(plan: PublishPlan, input: PublishInput): void {
  if (plan.unchanged && !input.force) {
    throw new ZhiduError('REVISION_UNCHANGED',
      `These documents decide exactly as revision ${plan.source} in force from ${plan.effectiveFrom.toISOString()}; nothing was published (send force to publish them anyway).`,
      [{ revision: plan.source }]);
  }
  if (plan.effects.length > 0 && input.acknowledge !== true && input.acknowledge !== plan.effectsId) {
    throw new ZhiduError('EFFECTS_UNACKNOWLEDGED',
      `This publish has ${plan.effects.length} effect(s) on scheduled revisions, branch overrides or proposals; nothing was published. Review them and send acknowledge: "${plan.effectsId}".`,
      [{ effectsId: plan.effectsId, effects: plan.effects }]);
  }
}

/** The audit entry of a publish's effect: each suspension and supersession is one of its own. */
function effectAuditEntry(e: PublishEffect, id: number, rescheduled: readonly { replaces: number; id: number }[]): Pick<NewAuditEntry, 'action' | 'subject' | 'summary'> | undefined {
  switch (e.type) {
    case 'revision-rescheduled': {
      const to = rescheduled.find((r) => r.replaces === e.revision)!.id;
      return { action: 'revision.reschedule', subject: `revision:${e.revision}`, summary: { revision: e.revision, republishedAs: to, after: id, effectiveFrom: e.effectiveFrom, kinds: e.kinds, overrides: e.overrides } };
    }
    case 'revision-superseded':
      return { action: 'revision.supersede', subject: `revision:${e.revision}`, summary: { revision: e.revision, by: id, effectiveFrom: e.effectiveFrom, reason: e.reason } };
    case 'override-suspended':
      return { action: 'override.suspend', subject: `override:${e.override}`, summary: { branch: e.branch, override: e.override, by: id, from: e.from, reasons: e.reasons } };
    case 'proposal-stale':
      return { action: 'proposal.stale', subject: `proposal:${e.proposal}`, summary: { branch: e.branch, proposal: e.proposal, by: id, reasons: e.reasons } };
  }
}
