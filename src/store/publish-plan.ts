// What a publish will do, worked out before it happens: the set it makes (the kinds it changes,
// over whatever else is in force at its instant), the scheduled revisions it meets, the branch
// overrides it suspends and the pending proposals it makes stale. The same plan previews a
// publish (POST /v1/validate) and is what a publish commits; under the write lock it is worked
// out again when the store moved meanwhile.
//
// Which revision is in force at an instant stays "the latest published whose effective-from has
// come". A publish therefore always wins from its own instant on, and a scheduled revision it
// lands before would never come. So that nothing scheduled is silently lost, a publish keeps the
// schedule by default: each scheduled revision still to come is published again right after it,
// at its own instant, rebased — its own changes (the kinds it changed from what was in force
// before it) over this publish's set. Asked to (`scheduled: 'replace'`), the publish supersedes
// them instead. Either way, each is an effect the publisher must acknowledge.
import { createHash } from 'node:crypto';
import { ZhiduError, badInput } from '../errors.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import { diffDocuments } from '../policy/diff.ts';
import { canonicalJson, policySetHash } from '../policy/hash.ts';
import { isPolicyKind, POLICY_KINDS, type PolicyKind } from '../policy/kinds.ts';
import { loadPolicyTexts, type PolicySet, type PolicyText } from '../policy/policy-set.ts';
import { notInPast, type StoreContext } from './context.ts';
import { one, type Sql } from './db.ts';
import { assertIntact } from './integrity.ts';
import { overrideFit, type OverrideFit } from './rebase.ts';
import { checkDocuments, checkPolicySet, checkRevisions, REVISION_CHECK_COLUMNS, type RevisionCheckRow } from './seals.ts';

/** A validated set ready to publish, or to decide with before publishing (simulation). */
export interface Candidate {
  readonly set: PolicySet;
  readonly hash: string;
  readonly documents: Readonly<Record<string, string>>;
  /** The revision the kinds not changed came from. */
  readonly carriedFrom: number | undefined;
  /** Changed paths per kind, against `carriedFrom`. */
  readonly changes: Readonly<Record<string, readonly string[]>>;
}

export type ScheduledMode = 'keep' | 'replace';

export interface PublishRequest {
  /** YAML text by kind; kinds not given, or given unchanged from the base, carry over. */
  readonly documents: Readonly<Record<string, string>>;
  /** Default: now (and never before an immediate publish already made). */
  readonly effectiveFrom?: Date;
  /** The revision the documents were edited from (default: the one in force at effectiveFrom). */
  readonly baseRevision?: number;
  /** What to do with scheduled revisions this publish lands before (default keep). */
  readonly scheduled?: ScheduledMode;
  /** First start only: revision 1 may take effect in the past. */
  readonly allowPast?: boolean;
}

/** Why an override no longer applies: head office changed a path it sets, or it no longer fits. */
export interface SuspensionReason {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export type PublishEffect =
  | {
    readonly type: 'revision-rescheduled';
    /** The scheduled revision, published again after this one at its own instant. */
    readonly revision: number;
    readonly effectiveFrom: string;
    /** The kinds it changed itself (they are what it brings at its instant). */
    readonly kinds: readonly string[];
    /** Kinds this publish changes that the scheduled revision's own documents replace from its instant. */
    readonly overrides: readonly string[];
  }
  | { readonly type: 'revision-superseded'; readonly revision: number; readonly effectiveFrom: string; readonly reason: 'replaced' | 'contained' }
  | {
    readonly type: 'override-suspended';
    readonly branch: string;
    readonly override: number;
    /** The instant from which head office's documents apply instead. */
    readonly from: string;
    readonly reasons: readonly SuspensionReason[];
  }
  | { readonly type: 'proposal-stale'; readonly branch: string; readonly proposal: number; readonly reasons: readonly SuspensionReason[] };

export interface Rescheduled {
  readonly replaces: number;
  readonly effectiveFrom: Date;
  readonly note: string;
  readonly candidate: Candidate;
}

export interface PublishPlan {
  /** The audit head when the plan was read: the store has not moved while it is the same. */
  readonly snapshot: number;
  readonly effectiveFrom: Date;
  /** The revision in force at effectiveFrom before this publish. */
  readonly source: number | undefined;
  readonly candidate: Candidate;
  /** The set decides exactly as the source does. */
  readonly unchanged: boolean;
  /** The kinds whose text this publish changes. */
  readonly changedKinds: readonly string[];
  readonly rescheduled: readonly Rescheduled[];
  readonly effects: readonly PublishEffect[];
  /** A digest of `effects`: acknowledging it acknowledges exactly these. */
  readonly effectsId: string;
}

interface TimelineRow { id: number; hash: string; effective_from: Date; published_at: Date; note: string }
interface Dated { readonly id: number; readonly from: number }
interface OverrideRow { id: number; branch: string; base_revision: number; override_yaml: string; effective_from: Date }
interface ProposalRow { id: number; branch: string; base_revision: number; override_yaml: string }

const MAX_LISTED_PATHS = 50;

/** The latest entry (highest id) whose instant has come. */
function inForce<T extends Dated>(entries: readonly T[], t: number): T | undefined {
  let found: T | undefined;
  for (const e of entries) if (e.from <= t && (found === undefined || e.id > found.id)) found = e;
  return found;
}

export async function auditHead(sql: Sql): Promise<number> {
  return (await one<{ seq: number }>(sql, 'select coalesce(max(seq), 0)::int as seq from audit')).seq;
}

/**
 * Reads through one connection (inside a transaction, its own), each revision once, checked as
 * Revisions checks what it reads: texts against their hashes, the parsed set against the revision's.
 */
class Reader {
  private readonly documents = new Map<number, Promise<Record<string, string>>>();

  constructor(private readonly ctx: StoreContext, private readonly sql: Sql, private readonly hashes: ReadonlyMap<number, string>) {}

  docs(id: number): Promise<Record<string, string>> {
    let hit = this.documents.get(id);
    if (!hit) {
      hit = this.sql.query<{ kind: string; yaml: string; text_hash: string }>('select kind, yaml, text_hash from revision_documents where revision_id = $1', [id])
        .then(({ rows }) => {
          assertIntact(checkDocuments(id, rows));
          return Object.fromEntries(rows.map((r) => [r.kind, r.yaml]));
        });
      this.documents.set(id, hit);
    }
    return hit;
  }

  /** Shares the store's cache of parsed revisions (the same key as Revisions.policySet). */
  set(id: number): Promise<PolicySet> {
    return this.ctx.sets.get(`revision:${id}`, async () => {
      const { set } = loadPolicyTexts(Object.entries(await this.docs(id)).map(([kind, text]) => ({ file: kind, text })));
      assertIntact(checkPolicySet(id, this.hashes.get(id) ?? '', set));
      return set;
    });
  }
}

/** Validates a full set made of `own` texts over `carried` ones; throws POLICY_INVALID with every problem. */
function buildCandidate(
  ctx: StoreContext,
  own: Readonly<Record<string, string>>,
  carried: { id: number; docs: Readonly<Record<string, string>>; set: PolicySet } | undefined,
  ownFile: (kind: string) => string,
  refusal: (count: number) => string,
): Candidate {
  const documents: Record<string, string> = {};
  const texts: PolicyText[] = [];
  for (const [kind, text] of Object.entries(own)) {
    documents[kind] = text;
    texts.push({ file: ownFile(kind), text });
  }
  for (const [kind, text] of Object.entries(carried?.docs ?? {})) {
    if (kind in documents) continue;
    documents[kind] = text;
    texts.push({ file: `revisions/${carried!.id}/${kind}.yaml`, text });
  }
  const result = ctx.validateSet(texts);
  const wrongNames = misfiled(own, result.set, ownFile);
  if (!result.valid || wrongNames.length > 0) {
    const diagnostics = [...result.diagnostics, ...wrongNames];
    throw new ZhiduError('POLICY_INVALID', refusal(diagnostics.length), diagnostics);
  }
  const changes: Record<string, string[]> = {};
  for (const kind of Object.keys(own).filter(isPolicyKind)) {
    const paths = diffDocuments(carried?.set.documents.get(kind)?.value, result.set.documents.get(kind)?.value).map((c) => c.path || '/');
    if (paths.length > 0) changes[kind] = paths.length > MAX_LISTED_PATHS ? [...paths.slice(0, MAX_LISTED_PATHS), `… ${paths.length - MAX_LISTED_PATHS} more`] : paths;
  }
  return { set: result.set, hash: policySetHash(result.set), documents, carriedFrom: carried?.id, changes };
}

/** A text sent under one kind's name that declares another kind, or a name that is no kind. */
function misfiled(sent: Readonly<Record<string, string>>, set: PolicySet, fileOf: (kind: string) => string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const key of Object.keys(sent)) {
    if (!isPolicyKind(key)) {
      problems.push({ file: fileOf(key), path: '', line: 1, column: 1, code: 'KIND_UNKNOWN', message: `"${key}" is not a policy kind.`, severity: 'error', params: { value: key, known: POLICY_KINDS } });
      continue;
    }
    const doc = [...set.documents.values()].find((d) => d.file === fileOf(key));
    if (doc && doc.kind !== (key as PolicyKind)) {
      const at = doc.source.locate('/kind');
      problems.push({ file: fileOf(key), kind: doc.kind, path: '/kind', line: at.line, column: at.column, code: 'KIND_UNKNOWN', message: `Sent as "${key}" but declares kind "${doc.kind}".`, severity: 'error', params: { reason: 'sentAs', value: doc.kind, sentAs: key } });
    }
  }
  return problems;
}

function reasonsOf(fit: Extract<OverrideFit, { status: 'suspended' }>): SuspensionReason[] {
  return fit.problems.map((d) => ({ path: d.path, code: d.code, message: d.message }));
}

/**
 * Works out a publish against the store as `sql` sees it. `assumedBase`: the revision a first
 * plan found in force, so that a plan made again under the lock sees what changed since.
 */
export async function planPublish(ctx: StoreContext, sql: Sql, request: PublishRequest, assumedBase?: number): Promise<PublishPlan> {
  const snapshot = await auditHead(sql);
  const { rows: timelineRows } = await sql.query<TimelineRow & RevisionCheckRow>(
    `select r.id, r.hash, r.effective_from, r.published_at, r.published_by, r.note, ${REVISION_CHECK_COLUMNS} from revisions r order by r.id`);
  assertIntact((await checkRevisions(sql, timelineRows)).problems);
  const reader = new Reader(ctx, sql, new Map(timelineRows.map((r) => [r.id, r.hash])));
  const before = timelineRows.map((r) => ({ id: r.id, from: r.effective_from.getTime(), hash: r.hash, note: r.note, publishedAt: r.published_at.getTime() }));

  const now = ctx.now();
  let effectiveFrom: Date;
  if (request.effectiveFrom !== undefined) {
    effectiveFrom = request.allowPast ? request.effectiveFrom : notInPast(request.effectiveFrom, now, 'effectiveFrom');
  } else {
    // Never before an immediate publish already made (another server's clock may run ahead).
    const latestImmediate = Math.max(0, ...before.filter((r) => r.from === r.publishedAt).map((r) => r.from));
    effectiveFrom = new Date(Math.max(now.getTime(), latestImmediate));
  }
  const at = effectiveFrom.getTime();
  const source = inForce(before, at);

  // The kinds this publish changes: those whose text differs from the revision it was edited from.
  const baseId = request.baseRevision ?? assumedBase ?? source?.id;
  if (request.baseRevision !== undefined && !before.some((r) => r.id === request.baseRevision)) {
    throw badInput('/baseRevision', `there is no revision ${request.baseRevision}.`);
  }
  const baseDocs = baseId === undefined ? {} : await reader.docs(baseId);
  const sourceDocs = source === undefined ? {} : await reader.docs(source.id);
  const own: Record<string, string> = {};
  const conflicts: { kind: string; baseRevision: number; currentRevision: number }[] = [];
  for (const [kind, text] of Object.entries(request.documents)) {
    if (baseDocs[kind] === text) continue;
    if (source && baseId !== undefined && baseId !== source.id && sourceDocs[kind] !== baseDocs[kind] && sourceDocs[kind] !== text) {
      conflicts.push({ kind, baseRevision: baseId, currentRevision: source.id });
    }
    own[kind] = text;
  }
  if (conflicts.length > 0) {
    const kinds = conflicts.map((c) => c.kind).join(', ');
    throw new ZhiduError('REVISION_CONFLICT',
      `Revision ${source!.id} changed ${kinds} since revision ${baseId}, which these documents were edited from; review it and publish again.`, conflicts);
  }
  const changedKinds = Object.keys(own).filter((k) => sourceDocs[k] !== own[k]).sort();

  const carried = source && { id: source.id, docs: sourceDocs, set: await reader.set(source.id) };
  const candidate = buildCandidate(ctx, own, carried, (kind) => kind, (n) => `The policy set has ${n} problem(s); nothing was published.`);
  const unchanged = source !== undefined && candidate.hash === source.hash;

  // Scheduled revisions still to come after this publish's instant, in the order they would come.
  const scheduled = before
    .filter((r) => r.from > at && inForce(before, r.from) === r)
    .sort((a, b) => a.from - b.from);
  const effects: PublishEffect[] = [];
  const rescheduled: Rescheduled[] = [];
  const after: (Dated & { set: PolicySet; fresh: boolean })[] = [{ id: Number.MAX_SAFE_INTEGER - 1000, from: at, set: candidate.set, fresh: true }];
  if (request.scheduled === 'replace') {
    for (const r of scheduled) effects.push({ type: 'revision-superseded', revision: r.id, effectiveFrom: new Date(r.from).toISOString(), reason: 'replaced' });
  } else {
    let previous = { id: source?.id ?? 0, docs: candidate.documents, set: candidate.set, hash: candidate.hash };
    for (const r of scheduled) {
      const predecessor = inForce(before, r.from - 1);
      const predecessorDocs = predecessor ? await reader.docs(predecessor.id) : {};
      const docs = await reader.docs(r.id);
      const ownKinds = Object.keys(docs).filter((k) => docs[k] !== predecessorDocs[k]).sort();
      const rebased = buildCandidate(ctx, Object.fromEntries(ownKinds.map((k) => [k, docs[k]!])), { id: previous.id, docs: previous.docs, set: previous.set },
        (kind) => `revisions/${r.id}/${kind}.yaml`,
        (n) => `Scheduled revision ${r.id} (from ${new Date(r.from).toISOString()}) would have ${n} problem(s) on top of this publish; publish with scheduled "replace" to supersede it, or change the documents.`);
      const effectiveFromIso = new Date(r.from).toISOString();
      if (rebased.hash === previous.hash) {
        // Everything it brings is already in force by then: it has nothing left to do.
        effects.push({ type: 'revision-superseded', revision: r.id, effectiveFrom: effectiveFromIso, reason: 'contained' });
        continue;
      }
      effects.push({ type: 'revision-rescheduled', revision: r.id, effectiveFrom: effectiveFromIso, kinds: ownKinds, overrides: ownKinds.filter((k) => changedKinds.includes(k)) });
      rescheduled.push({ replaces: r.id, effectiveFrom: new Date(r.from), note: r.note, candidate: rebased });
      after.push({ id: Number.MAX_SAFE_INTEGER - 1000 + rescheduled.length, from: r.from, set: rebased.set, fresh: true });
      previous = { id: r.id, docs: rebased.documents, set: rebased.set, hash: rebased.hash };
    }
  }
  const timelineAfter = [...before.map((r) => ({ ...r, fresh: false })), ...after];

  effects.push(...await suspendedOverrides(sql, reader, before, timelineAfter, at));
  if (source && !unchanged) effects.push(...await staleProposals(sql, reader, source.id, candidate.set));

  return { snapshot, effectiveFrom, source: source?.id, candidate, unchanged, changedKinds, rescheduled, effects, effectsId: effectsId(effects, request.effectiveFrom === undefined ? effectiveFrom : undefined) };
}

/**
 * The digest a publisher acknowledges. An immediate publish takes effect when it runs, a moment
 * after its preview: an effect dated at that instant is digested as "now", so the preview's digest
 * is the publish's as long as nothing else differs.
 */
function effectsId(effects: readonly PublishEffect[], immediate: Date | undefined): string {
  const now = immediate?.toISOString();
  const basis = effects.map((e) => (e.type === 'override-suspended' && e.from === now ? { ...e, from: 'now' } : e));
  return 'sha256:' + createHash('sha256').update(canonicalJson(basis)).digest('hex');
}

/** Overrides applied before this publish that it suspends, each from the first instant it does. */
async function suspendedOverrides(
  sql: Sql, reader: Reader,
  before: readonly Dated[], after: readonly (Dated & { set?: PolicySet; fresh: boolean })[], at: number,
): Promise<PublishEffect[]> {
  const { rows } = await sql.query<OverrideRow>('select id, branch, base_revision, override_yaml, effective_from from overrides order by id');
  const byBranch = new Map<string, (Dated & OverrideRow)[]>();
  for (const r of rows) {
    const list = byBranch.get(r.branch) ?? [];
    list.push({ ...r, from: r.effective_from.getTime() });
    byBranch.set(r.branch, list);
  }
  const instants = [...new Set([at, ...after.filter((r) => r.fresh).map((r) => r.from), ...rows.map((r) => r.effective_from.getTime()).filter((t) => t > at)])].sort((a, b) => a - b);
  const setOf = (r: Dated & { set?: PolicySet }): Promise<PolicySet> => (r.set ? Promise.resolve(r.set) : reader.set(r.id));
  const effects: PublishEffect[] = [];
  for (const [branch, overrides] of byBranch) {
    const reported = new Set<number>();
    for (const t of instants) {
      const o = inForce(overrides, t);
      const now = inForce(after, t);
      if (!o || !now?.fresh || reported.has(o.id)) continue;
      const baseSet = await reader.set(o.base_revision);
      const fit = overrideFit(o.override_yaml, o.base_revision, baseSet, await setOf(now));
      if (fit.status === 'applied') continue;
      const was = inForce(before, t);
      if (was && (overrideFit(o.override_yaml, o.base_revision, baseSet, await reader.set(was.id), was.id)).status === 'suspended') continue;
      reported.add(o.id);
      effects.push({ type: 'override-suspended', branch, override: o.id, from: new Date(t).toISOString(), reasons: reasonsOf(fit) });
    }
  }
  return effects;
}

/** Pending proposals that would apply to the source but not to the new set. */
async function staleProposals(sql: Sql, reader: Reader, sourceId: number, next: PolicySet): Promise<PublishEffect[]> {
  const { rows } = await sql.query<ProposalRow>(`select id, branch, base_revision, override_yaml from proposals where status = 'submitted' order by id`);
  const effects: PublishEffect[] = [];
  for (const p of rows) {
    const baseSet = await reader.set(p.base_revision);
    const fit = overrideFit(p.override_yaml, p.base_revision, baseSet, next);
    if (fit.status === 'applied') continue;
    if (overrideFit(p.override_yaml, p.base_revision, baseSet, await reader.set(sourceId), sourceId).status === 'suspended') continue;
    effects.push({ type: 'proposal-stale', branch: p.branch, proposal: p.id, reasons: reasonsOf(fit) });
  }
  return effects;
}
