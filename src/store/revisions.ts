// Policy revisions: immutable, effective-dated, complete policy sets. A publish validates the
// whole set (kinds not sent carry over from the revision that would otherwise be in force at
// its effective instant) and writes revision, documents and audit entry in one transaction.
// At an instant T the revision in force is the latest published one whose effective-from ≤ T.
// Reads check what they return (seals.ts): the row against the audit entry of its publication,
// each document's text against its hash, the parsed set against `hash`. A revision that fails
// is refused (STORE_INTEGRITY), never decided with.
import { ZhiduError } from '../errors.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import { diffDocuments } from '../policy/diff.ts';
import { policySetHash } from '../policy/hash.ts';
import { isPolicyKind, type PolicyKind } from '../policy/kinds.ts';
import { loadPolicyTexts, type PolicySet, type PolicyText } from '../policy/policy-set.ts';
import { appendAudit } from './audit.ts';
import { notifyChange } from './changes.ts';
import { notInPast, type StoreContext } from './context.ts';
import { maybeOne, one, writeTransaction, type Sql } from './db.ts';
import { assertIntact } from './integrity.ts';
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
}

export interface Revision extends RevisionSummary {
  /** Each kind's YAML exactly as published, comments included. */
  readonly documents: Readonly<Record<string, string>>;
}

export interface PublishInput {
  /** YAML text by kind; kinds not given carry over. */
  documents: Readonly<Record<string, string>>;
  /** Default: now. Never in the past. */
  effectiveFrom?: Date;
  note?: string;
  actor: string;
}

/** A validated set ready to publish, or to decide with before publishing (simulation). */
export interface Candidate {
  readonly set: PolicySet;
  readonly hash: string;
  readonly documents: Readonly<Record<string, string>>;
  /** The revision the kinds not sent came from. */
  readonly carriedFrom: number | undefined;
  readonly changes: Readonly<Record<string, readonly string[]>>;
}

interface RevisionRow { id: number; hash: string; status: RevisionStatus; effective_from: Date; published_at: Date; published_by: string; note: string }
type CheckedRevisionRow = RevisionRow & RevisionCheckRow;

const SUMMARY_COLUMNS = `r.id, r.hash, r.effective_from, r.published_at, r.published_by, r.note,
  case
    when r.id = (select a.id from revisions a where a.effective_from <= $1 order by a.id desc limit 1) then 'active'
    when r.effective_from > $1 and not exists (
      select 1 from revisions s where s.id > r.id and s.effective_from <= r.effective_from) then 'scheduled'
    else 'superseded'
  end as status, ${REVISION_CHECK_COLUMNS}`;

function summary(r: RevisionRow): RevisionSummary {
  return { id: r.id, hash: r.hash, status: r.status, effectiveFrom: r.effective_from, publishedAt: r.published_at, publishedBy: r.published_by, note: r.note };
}

const MAX_LISTED_PATHS = 50;

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
  async candidate(documents: Readonly<Record<string, string>>, effectiveFrom: Date = this.ctx.now()): Promise<Candidate> {
    return this.build(documents, await revisionIdAt(this.ctx.db, effectiveFrom));
  }

  async publish(input: PublishInput): Promise<RevisionSummary> {
    const published = await this.publishIf(input, async () => true);
    if (!published) throw new Error('unreachable: an unconditional publish was skipped');
    return published;
  }

  /**
   * Publishes when `condition` holds inside the write transaction (first start: "no revision
   * yet", which alone may reach into the past); `also` runs in the same transaction.
   * Validation happens before the transaction, so the lock is held only for the writes; if the
   * carry-over source moved meanwhile, it builds again.
   */
  async publishIf(
    input: PublishInput,
    condition: (tx: Sql) => Promise<boolean>,
    also?: (tx: Sql, revisionId: number) => Promise<void>,
    options: { allowPast?: boolean } = {},
  ): Promise<RevisionSummary | undefined> {
    const now = this.ctx.now();
    const effectiveFrom = options.allowPast ? input.effectiveFrom ?? now : notInPast(input.effectiveFrom, now, 'effectiveFrom');
    for (let attempt = 1; ; attempt++) {
      const source = await revisionIdAt(this.ctx.db, effectiveFrom);
      const candidate = await this.build(input.documents, source);
      const outcome = await writeTransaction(this.ctx.db, async (tx) => {
        if (!(await condition(tx))) return { skipped: true as const };
        if ((await revisionIdAt(tx, effectiveFrom)) !== source) return undefined;
        const id = await this.insert(tx, candidate, { ...input, effectiveFrom, publishedAt: now });
        await also?.(tx, id);
        return { id };
      });
      if (outcome && 'skipped' in outcome) return undefined;
      if (outcome) return (await this.summaryOf(outcome.id))!;
      if (attempt >= 5) throw new ZhiduError('CONFLICT', 'Other revisions kept being published meanwhile; try again.');
    }
  }

  private async insert(tx: Sql, c: Candidate, meta: PublishInput & { effectiveFrom: Date; publishedAt: Date }): Promise<number> {
    const { id } = await one<{ id: number }>(tx, 'select coalesce(max(id), 0) + 1 as id from revisions');
    await tx.query(
      'insert into revisions (id, hash, effective_from, published_at, published_by, note) values ($1, $2, $3, $4, $5, $6)',
      [id, c.hash, meta.effectiveFrom, meta.publishedAt, meta.actor, meta.note ?? ''],
    );
    await this.ctx.step('revision');
    const kinds = Object.keys(c.documents).sort();
    await tx.query(
      'insert into revision_documents (revision_id, kind, yaml) select $1, * from unnest($2::text[], $3::text[])',
      [id, kinds, kinds.map((k) => c.documents[k])],
    );
    await this.ctx.step('documents');
    await appendAudit(tx, {
      at: meta.publishedAt, actor: meta.actor, action: 'revision.publish', subject: `revision:${id}`,
      summary: { hash: c.hash, effectiveFrom: meta.effectiveFrom.toISOString(), note: meta.note ?? '', carriedFrom: c.carriedFrom ?? null, changes: c.changes },
    });
    await this.ctx.step('audit');
    await notifyChange(tx, { type: 'revision', id, effectiveFrom: meta.effectiveFrom.toISOString() });
    return id;
  }

  private async build(sent: Readonly<Record<string, string>>, sourceId: number | undefined): Promise<Candidate> {
    const source = sourceId === undefined ? undefined : await this.get(sourceId);
    const documents: Record<string, string> = {};
    const texts: PolicyText[] = [];
    for (const [kind, text] of Object.entries(sent)) {
      documents[kind] = text;
      texts.push({ file: kind, text });
    }
    for (const [kind, text] of Object.entries(source?.documents ?? {})) {
      if (kind in documents) continue;
      documents[kind] = text;
      texts.push({ file: `revisions/${sourceId}/${kind}.yaml`, text });
    }
    const result = this.ctx.validateSet(texts);
    const wrongNames = misfiled(sent, result.set);
    if (!result.valid || wrongNames.length > 0) {
      const diagnostics = [...result.diagnostics, ...wrongNames];
      throw new ZhiduError('POLICY_INVALID', `The policy set has ${diagnostics.length} problem(s); nothing was published.`, diagnostics);
    }
    const before = sourceId === undefined ? undefined : await this.policySet(sourceId);
    const changes: Record<string, string[]> = {};
    for (const kind of Object.keys(sent).filter(isPolicyKind)) {
      const paths = diffDocuments(before?.documents.get(kind)?.value, result.set.documents.get(kind)?.value).map((c) => c.path || '/');
      if (paths.length > 0) changes[kind] = paths.length > MAX_LISTED_PATHS ? [...paths.slice(0, MAX_LISTED_PATHS), `… ${paths.length - MAX_LISTED_PATHS} more`] : paths;
    }
    return { set: result.set, hash: policySetHash(result.set), documents, carriedFrom: source?.id, changes };
  }
}

/** A text sent under one kind's name that declares another kind, or a name that is no kind. */
function misfiled(sent: Readonly<Record<string, string>>, set: PolicySet): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const key of Object.keys(sent)) {
    if (!isPolicyKind(key)) {
      problems.push({ file: key, path: '', line: 1, column: 1, code: 'KIND_UNKNOWN', message: `"${key}" is not a policy kind.`, severity: 'error' });
      continue;
    }
    const doc = [...set.documents.values()].find((d) => d.file === key);
    if (doc && doc.kind !== (key as PolicyKind)) {
      const at = doc.source.locate('/kind');
      problems.push({ file: key, kind: doc.kind, path: '/kind', line: at.line, column: at.column, code: 'KIND_UNKNOWN', message: `Sent as "${key}" but declares kind "${doc.kind}".`, severity: 'error' });
    }
  }
  return problems;
}
