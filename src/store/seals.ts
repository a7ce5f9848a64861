// What each kind of stored row is checked against when it is read (docs/integrity.md):
// - a revision: the audit entry that recorded its publication (hash, effective-from, note,
//   publisher, time), its documents' text hashes, and `hash` against its parsed documents;
// - an override: its seal, the audit entry of its approval, and its proposal's text;
// - a token: its seal, the audit entries of its creation (role, branch, name) and revocation;
// - a decision record: its seal.
// An audit entry used as an anchor is itself checked (hash, time, MAC). Ids the database hands
// out (tokens, overrides) are not sealed, since they are not known before the insert: the anchor
// binds them, as its subject or summary names the id.
import { createHash } from 'node:crypto';
import { policySetHash } from '../policy/hash.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import { entriesAbout, entryProblems, type AuditAction, type StoredAuditEntry } from './audit.ts';
import type { Sql } from './db.ts';
import { instantText, sealerOf, sealForm, sealProblem, sqlInstant, type IntegrityKind, type IntegrityProblem, type Sealer } from './integrity.ts';

// --- what each kind is sealed over -------------------------------------------------------------

export interface TokenSealed { hash: string; role: string; branch: string | null; name: string; createdAt: string; createdBy: string }

export function tokenForm(t: TokenSealed): string {
  return sealForm('token', { hash: t.hash, role: t.role, branch: t.branch, name: t.name, createdAt: t.createdAt, createdBy: t.createdBy });
}

export interface OverrideSealed {
  proposalId: number; branch: string; baseRevision: number; override: string; effectiveFrom: Date | string; approvedAt: Date | string; approvedBy: string;
}

export function overrideForm(o: OverrideSealed): string {
  return sealForm('override', {
    proposalId: o.proposalId, branch: o.branch, baseRevision: o.baseRevision, override: o.override,
    effectiveFrom: textOf(o.effectiveFrom), approvedAt: textOf(o.approvedAt), approvedBy: o.approvedBy,
  });
}

/** The seal an override row is written with (proposals.ts `approve()`), by the key of the transaction's store. */
export function overrideSeal(tx: Sql, o: OverrideSealed): string {
  return sealerOf(tx).seal(overrideForm(o));
}

export interface DecisionSealed {
  decisionId: string; revisionId: number; revisionHash: string; overrideId: number | null; branch: string | null; decision: string;
  input: unknown; output: unknown; trace: unknown; caller: string; requestId: string | null; at: Date | string;
}

export function decisionForm(d: DecisionSealed): string {
  // In key order already (every record is sealed, and canonicalText then need not sort them).
  return sealForm('decision', {
    at: textOf(d.at), branch: d.branch, caller: d.caller, decision: d.decision, decisionId: d.decisionId, input: d.input ?? null,
    output: d.output ?? null, overrideId: d.overrideId, requestId: d.requestId, revisionHash: d.revisionHash, revisionId: d.revisionId, trace: d.trace ?? null,
  });
}

function textOf(at: Date | string): string {
  return typeof at === 'string' ? at : instantText(at);
}

// --- rows as the checks read them --------------------------------------------------------------

export const REVISION_CHECK_COLUMNS = `${sqlInstant('r.effective_from')} as effective_from_text, ${sqlInstant('r.published_at')} as published_at_text`;
export interface RevisionCheckRow { id: number; hash: string; note: string; published_by: string; effective_from_text: string; published_at_text: string }

export const TOKEN_CHECK_COLUMNS = `${sqlInstant('t.created_at')} as created_at_text, ${sqlInstant('t.revoked_at')} as revoked_at_text`;
export interface TokenCheckRow {
  id: number; hash: string; role: string; branch: string | null; name: string; created_by: string;
  created_at_text: string; revoked_at_text: string | null; row_hash: string | null;
}

/** Columns beside `o.*` (with `left join proposals p on p.id = o.proposal_id`). */
export const OVERRIDE_CHECK_COLUMNS = `${sqlInstant('o.effective_from')} as effective_from_text, ${sqlInstant('o.approved_at')} as approved_at_text, p.override_yaml as proposal_override`;
export interface OverrideCheckRow {
  id: number; branch: string; proposal_id: number; base_revision: number; override_yaml: string; approved_by: string;
  effective_from_text: string; approved_at_text: string; proposal_override: string | null; row_hash: string | null;
}

export const DECISION_CHECK_COLUMNS = `${sqlInstant('d.at')} as at_text`;
export interface DecisionCheckRow {
  decision_id: string; revision_id: number; revision_hash: string; override_id: number | null; branch: string | null; decision: string;
  input: unknown; output: unknown; trace: unknown; caller: string; request_id: string | null; at_text: string; row_hash: string | null;
}

// --- checks ------------------------------------------------------------------------------------

/** What a check says about rows: problems, and how many were legacy or sealed with a MAC no key could check. */
export interface RowVerdict { problems: IntegrityProblem[]; legacy: number; unchecked: number }

function emptyVerdict(): RowVerdict {
  return { problems: [], legacy: 0, unchecked: 0 };
}

function seal(verdict: RowVerdict, kind: IntegrityKind, id: number | string, what: string, sealer: Sealer, stored: string | null, form: string): void {
  const check = sealer.check(stored, form);
  if (check.state === 'legacy') verdict.legacy++;
  else if (check.state === 'unchecked') verdict.unchecked++;
  const problem = sealProblem(kind, id, what, check);
  if (problem) verdict.problems.push(problem);
}

/** Compares one field of a row with what its audit entry recorded. */
class AnchorCheck {
  constructor(
    private readonly verdict: RowVerdict, private readonly kind: IntegrityKind, private readonly id: number | string,
    private readonly what: string, private readonly entry: StoredAuditEntry,
  ) {}

  field(field: string, stored: unknown, recorded: unknown): this {
    if (stored !== recorded) {
      this.verdict.problems.push({
        kind: this.kind, id: this.id, problem: 'anchor', field,
        message: `${this.what}: ${field} is ${JSON.stringify(stored)} but audit entry ${this.entry.seq} (${this.entry.action}) recorded ${JSON.stringify(recorded ?? null)}.`,
      });
    }
    return this;
  }
}

/** The anchoring entries of these subjects, checked themselves, by subject and action. */
async function anchors(sql: Sql, subjects: readonly string[], actions: readonly AuditAction[], verdict: RowVerdict): Promise<Map<string, StoredAuditEntry>> {
  const sealer = sealerOf(sql);
  const bySubject = new Map<string, StoredAuditEntry>();
  for (const e of await entriesAbout(sql, subjects, actions)) {
    verdict.problems.push(...entryProblems(e, sealer));
    bySubject.set(`${e.action} ${e.subject}`, e);
  }
  return bySubject;
}

/** The recorded instant (an ISO string to the millisecond, as summaries hold them) as the database's text. */
function recordedInstant(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : instantText(at);
}

export async function checkRevisions(sql: Sql, rows: readonly RevisionCheckRow[]): Promise<RowVerdict> {
  const verdict = emptyVerdict();
  const found = await anchors(sql, rows.map((r) => `revision:${r.id}`), ['revision.publish'], verdict);
  for (const r of rows) {
    const entry = found.get(`revision.publish revision:${r.id}`);
    if (!entry) {
      verdict.problems.push({ kind: 'revision', id: r.id, problem: 'anchor', message: `revision ${r.id}: no audit entry records its publication.` });
      continue;
    }
    new AnchorCheck(verdict, 'revision', r.id, `revision ${r.id}`, entry)
      .field('hash', r.hash, entry.summary.hash)
      .field('effectiveFrom', r.effective_from_text, recordedInstant(entry.summary.effectiveFrom))
      .field('note', r.note, entry.summary.note)
      .field('publishedBy', r.published_by, entry.actor)
      .field('publishedAt', r.published_at_text, entry.atText);
  }
  return verdict;
}

/** Each document's exact text against the hash the database took as it was inserted. */
export function checkDocuments(revisionId: number, documents: readonly { kind: string; yaml: string; text_hash: string }[]): IntegrityProblem[] {
  return documents
    .filter((d) => d.text_hash !== `sha256:${createHash('sha256').update(d.yaml, 'utf8').digest('hex')}`)
    .map((d) => ({
      kind: 'revision' as const, id: revisionId, problem: 'content' as const, field: `documents.${d.kind}`,
      message: `revision ${revisionId}: the text of ${d.kind} no longer matches the hash taken when it was published.`,
    }));
}

/** A revision's parsed documents against its `hash` (policySetHash, recorded in its audit entry too). */
export function checkPolicySet(revisionId: number, storedHash: string, set: PolicySet): IntegrityProblem[] {
  const actual = policySetHash(set);
  if (actual === storedHash) return [];
  return [{
    kind: 'revision', id: revisionId, problem: 'content', field: 'documents',
    message: `revision ${revisionId}: its documents hash to ${actual}, not the ${storedHash} it was published with.`,
  }];
}

export async function checkOverrides(sql: Sql, rows: readonly OverrideCheckRow[]): Promise<RowVerdict> {
  const sealer = sealerOf(sql);
  const verdict = emptyVerdict();
  const found = await anchors(sql, rows.map((o) => `proposal:${o.proposal_id}`), ['proposal.approve'], verdict);
  for (const o of rows) {
    const what = `override ${o.id}`;
    seal(verdict, 'override', o.id, what, sealer, o.row_hash, overrideForm({
      proposalId: o.proposal_id, branch: o.branch, baseRevision: o.base_revision, override: o.override_yaml,
      effectiveFrom: o.effective_from_text, approvedAt: o.approved_at_text, approvedBy: o.approved_by,
    }));
    if (o.proposal_override !== o.override_yaml) {
      verdict.problems.push({ kind: 'override', id: o.id, problem: 'anchor', field: 'override', message: `${what}: its text differs from proposal ${o.proposal_id}'s, which it was approved from.` });
    }
    const entry = found.get(`proposal.approve proposal:${o.proposal_id}`);
    if (!entry) {
      verdict.problems.push({ kind: 'override', id: o.id, problem: 'anchor', message: `${what}: no audit entry records the approval of proposal ${o.proposal_id}.` });
      continue;
    }
    new AnchorCheck(verdict, 'override', o.id, what, entry)
      .field('id', o.id, entry.summary.overrideId)
      .field('branch', o.branch, entry.summary.branch)
      .field('baseRevision', o.base_revision, entry.summary.baseRevision)
      .field('effectiveFrom', o.effective_from_text, recordedInstant(entry.summary.effectiveFrom))
      .field('approvedBy', o.approved_by, entry.actor)
      .field('approvedAt', o.approved_at_text, entry.atText);
  }
  return verdict;
}

export async function checkTokens(sql: Sql, rows: readonly TokenCheckRow[]): Promise<RowVerdict> {
  const sealer = sealerOf(sql);
  const verdict = emptyVerdict();
  const found = await anchors(sql, rows.map((t) => `token:${t.id}`), ['token.create', 'token.revoke'], verdict);
  for (const t of rows) {
    const what = `token ${t.id}`;
    seal(verdict, 'token', t.id, what, sealer, t.row_hash, tokenForm({
      hash: t.hash, role: t.role, branch: t.branch, name: t.name, createdAt: t.created_at_text, createdBy: t.created_by,
    }));
    const created = found.get(`token.create token:${t.id}`);
    if (!created) {
      verdict.problems.push({ kind: 'token', id: t.id, problem: 'anchor', message: `${what}: no audit entry records its creation.` });
    } else {
      new AnchorCheck(verdict, 'token', t.id, what, created)
        .field('role', t.role, created.summary.role)
        .field('branch', t.branch, created.summary.branch)
        .field('name', t.name, created.summary.name)
        .field('createdBy', t.created_by, created.actor)
        .field('createdAt', t.created_at_text, created.atText);
    }
    const revoked = found.get(`token.revoke token:${t.id}`);
    if (revoked) new AnchorCheck(verdict, 'token', t.id, what, revoked).field('revokedAt', t.revoked_at_text, revoked.atText);
    else if (t.revoked_at_text !== null) {
      verdict.problems.push({ kind: 'token', id: t.id, problem: 'anchor', field: 'revokedAt', message: `${what}: it is revoked, but no audit entry records its revocation.` });
    }
  }
  return verdict;
}

export function checkDecision(sealer: Sealer, d: DecisionCheckRow, verdict: RowVerdict = emptyVerdict()): RowVerdict {
  seal(verdict, 'decision', d.decision_id, `decision record ${d.decision_id}`, sealer, d.row_hash, decisionForm({
    decisionId: d.decision_id, revisionId: d.revision_id, revisionHash: d.revision_hash, overrideId: d.override_id, branch: d.branch,
    decision: d.decision, input: d.input, output: d.output, trace: d.trace, caller: d.caller, requestId: d.request_id, at: d.at_text,
  }));
  return verdict;
}
