// The whole store checked at once (`zhidu audit verify`, GET /v1/audit/verify) and sealed
// (`zhidu store seal`): the audit chain end to end; every revision, document, override, token and
// decision record against what a read checks it against (seals.ts); and every audit entry that
// names a row the store no longer has. Reads refuse the first thing that fails; this lists all.
import type { KeyObject } from 'node:crypto';
import { loadPolicyTexts } from '../policy/policy-set.ts';
import { appendAudit, type AuditTrail, type AuditVerification } from './audit.ts';
import { checkAgainst, makeCheckpoint, type Checkpoint, type CheckpointCheck } from './checkpoint.ts';
import { writeTransaction, type Db, type Sql } from './db.ts';
import { integrityError, sealerOf, type IntegrityKey, type IntegrityProblem } from './integrity.ts';
import {
  checkDecision, checkDocuments, checkOverrides, checkPolicySet, checkRevisions, checkTokens, DECISION_CHECK_COLUMNS, decisionForm,
  OVERRIDE_CHECK_COLUMNS, overrideForm, REVISION_CHECK_COLUMNS, TOKEN_CHECK_COLUMNS, tokenForm,
  type DecisionCheckRow, type OverrideCheckRow, type RevisionCheckRow, type RowVerdict, type TokenCheckRow,
} from './seals.ts';

export interface Counts { revisions: number; overrides: number; tokens: number; decisions: number; auditEntries: number }

export interface StoreReport {
  readonly ok: boolean;
  readonly chain: AuditVerification;
  /** Rows and entries looked at, by kind. */
  readonly checked: Counts;
  /** Rows without a seal (written before migration 003), accepted without a key until `zhidu store seal`. */
  readonly legacy: number;
  /** Rows sealed with an integrity key that could not be checked: no key was given. */
  readonly unchecked: number;
  /** The id of the key seals were checked with, when one was given. */
  readonly keyId?: string;
  readonly problems: readonly IntegrityProblem[];
  /** Problems found beyond the ones listed. */
  readonly more: number;
}

export interface SealReport {
  /** Rows and entries given a seal, by kind. */
  readonly sealed: Counts;
  /** Rows left unsealed because they fail another check. */
  readonly refusedRows: number;
  /** Why: every problem of those rows. */
  readonly refused: readonly IntegrityProblem[];
  readonly keyId?: string;
}

const PAGE = 1000;
const MAX_LISTED = 1000;

/** Problems, each once (an anchoring audit entry is met by the chain walk and by its row). */
class Problems {
  readonly list: IntegrityProblem[] = [];
  more = 0;
  legacy = 0;
  unchecked = 0;
  private readonly seen = new Set<string>();

  add(...problems: readonly IntegrityProblem[]): void {
    for (const p of problems) {
      const key = `${p.kind} ${p.id} ${p.problem} ${p.field ?? ''} ${p.message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (this.list.length < MAX_LISTED) this.list.push(p);
      else this.more++;
    }
  }

  verdict(v: RowVerdict): void {
    this.add(...v.problems);
    this.legacy += v.legacy;
    this.unchecked += v.unchecked;
  }
}

async function revisionRows(sql: Sql): Promise<RevisionCheckRow[]> {
  return (await sql.query<RevisionCheckRow>(`select r.id, r.hash, r.note, r.published_by, ${REVISION_CHECK_COLUMNS} from revisions r order by r.id`)).rows;
}

async function tokenRows(sql: Sql): Promise<TokenCheckRow[]> {
  return (await sql.query<TokenCheckRow>(`select t.*, ${TOKEN_CHECK_COLUMNS} from tokens t order by t.id`)).rows;
}

async function overrideRows(sql: Sql): Promise<OverrideCheckRow[]> {
  return (await sql.query<OverrideCheckRow>(`select o.*, ${OVERRIDE_CHECK_COLUMNS} from overrides o left join proposals p on p.id = o.proposal_id order by o.id`)).rows;
}

async function* decisionPages(sql: Sql, where = 'true'): AsyncGenerator<DecisionCheckRow[]> {
  let after = '';
  for (;;) {
    const { rows } = await sql.query<DecisionCheckRow>(
      `select d.*, ${DECISION_CHECK_COLUMNS} from decisions d where d.decision_id > $1 and (${where}) order by d.decision_id limit ${PAGE}`, [after]);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.decision_id;
  }
}

/** Audit entries that record a row the store does not have. */
async function missingRows(sql: Sql): Promise<IntegrityProblem[]> {
  const { rows } = await sql.query<{ seq: number; kind: 'revision' | 'token' | 'override'; id: string }>(`
    select a.seq, 'revision' as kind, substr(a.subject, 10) as id from audit a
      where a.action = 'revision.publish' and not exists (select 1 from revisions r where 'revision:' || r.id = a.subject)
    union all
    select a.seq, 'token', substr(a.subject, 7) from audit a
      where a.action = 'token.create' and not exists (select 1 from tokens t where 'token:' || t.id = a.subject)
    union all
    select a.seq, 'override', a.summary ->> 'overrideId' from audit a
      where a.action = 'proposal.approve' and not exists (select 1 from overrides o where o.id::text = a.summary ->> 'overrideId')
    order by seq`);
  return rows.map((r) => {
    const id = /^\d+$/.test(r.id ?? '') ? Number(r.id) : String(r.id);
    return { kind: r.kind, id, problem: 'missing' as const, message: `${r.kind} ${id}: audit entry ${r.seq} records it, but the store has no such ${r.kind}.` };
  });
}

function chainProblem(chain: AuditVerification): IntegrityProblem[] {
  if (chain.ok) return [];
  const problem = chain.problem === 'unsealed' ? 'unsealed' : chain.problem === 'removed' ? 'chain' : 'content';
  return [{ kind: 'audit', id: chain.seq, problem, message: chain.message }];
}

/** Checks everything the store holds; never throws for what it finds, only lists it. */
export async function checkStore(db: Db, audit: AuditTrail): Promise<StoreReport> {
  const sealer = sealerOf(db);
  const found = new Problems();
  const checked: Counts = { revisions: 0, overrides: 0, tokens: 0, decisions: 0, auditEntries: 0 };

  const chain = await audit.verify();
  checked.auditEntries = chain.entries;
  found.add(...chainProblem(chain));

  const revisions = await revisionRows(db);
  found.verdict(await checkRevisions(db, revisions));
  for (const r of revisions) {
    const { rows: documents } = await db.query<{ kind: string; yaml: string; text_hash: string }>(
      'select kind, yaml, text_hash from revision_documents where revision_id = $1 order by kind', [r.id]);
    found.add(...checkDocuments(r.id, documents));
    found.add(...checkPolicySet(r.id, r.hash, loadPolicyTexts(documents.map((d) => ({ file: d.kind, text: d.yaml }))).set));
  }
  checked.revisions = revisions.length;

  const overrides = await overrideRows(db);
  found.verdict(await checkOverrides(db, overrides));
  checked.overrides = overrides.length;

  const tokens = await tokenRows(db);
  found.verdict(await checkTokens(db, tokens));
  checked.tokens = tokens.length;

  for await (const page of decisionPages(db)) {
    for (const d of page) found.verdict(checkDecision(sealer, d));
    checked.decisions += page.length;
  }

  found.add(...await missingRows(db));
  return {
    ok: found.list.length === 0, chain, checked, legacy: found.legacy, unchecked: found.unchecked,
    ...(sealer.key ? { keyId: sealer.key.keyId } : {}), problems: found.list, more: found.more,
  };
}

/** The problems that stand in the way of sealing a row: any but missing seals (its own, its anchors'). */
function blocking(verdict: RowVerdict): IntegrityProblem[] {
  return verdict.problems.filter((p) => p.problem !== 'unsealed');
}

/**
 * Seals what carries no seal made with the store's key: rows written before migration 003 (or by a
 * process without the key) and, with the key, audit entries without a MAC. Only what passes every
 * other check is sealed: this is where an operator accepts what the store holds, so a row found
 * altered stays unsealed and is reported. Nothing is sealed while the audit chain is broken.
 * Audit entries go first: they are what tokens and overrides are checked against.
 */
export async function sealStore(db: Db, audit: AuditTrail, actor: string, now: () => Date): Promise<SealReport> {
  const sealer = sealerOf(db);
  const keyId = sealer.key ? { keyId: sealer.key.keyId } : {};
  const sealed: Counts = { revisions: 0, overrides: 0, tokens: 0, decisions: 0, auditEntries: 0 };
  const chain = await audit.verify({ acceptUnsealed: true });
  if (!chain.ok) return { sealed, refusedRows: 0, refused: chainProblem(chain), ...keyId };
  const refused = new Problems();
  let refusedRows = 0;
  const refuse = (stops: readonly IntegrityProblem[]): boolean => {
    if (stops.length === 0) return false;
    refused.add(...stops);
    refusedRows++;
    return true;
  };

  await writeTransaction(db, async (tx) => {
    sealed.auditEntries = await audit.sealEntries(tx);
    for (const t of (await tokenRows(tx)).filter((row) => sealer.needsSealing(row.row_hash))) {
      if (refuse(blocking(await checkTokens(tx, [t])))) continue;
      await tx.query('update tokens set row_hash = $2 where id = $1', [t.id, sealer.seal(tokenForm({
        hash: t.hash, role: t.role, branch: t.branch, name: t.name, createdAt: t.created_at_text, createdBy: t.created_by,
      }))]);
      sealed.tokens++;
    }
    for (const o of (await overrideRows(tx)).filter((row) => sealer.needsSealing(row.row_hash))) {
      if (refuse(blocking(await checkOverrides(tx, [o])))) continue;
      await tx.query('update overrides set row_hash = $2 where id = $1', [o.id, sealer.seal(overrideForm({
        proposalId: o.proposal_id, branch: o.branch, baseRevision: o.base_revision, override: o.override_yaml,
        effectiveFrom: o.effective_from_text, approvedAt: o.approved_at_text, approvedBy: o.approved_by,
      }))]);
      sealed.overrides++;
    }
  });

  // Decision records page by page, beside whatever is being recorded meanwhile (inserts take no write lock).
  for await (const page of decisionPages(db, sealer.key ? `d.row_hash is null or d.row_hash like 'sha256:%'` : 'd.row_hash is null')) {
    for (const d of page) {
      if (refuse(blocking(checkDecision(sealer, d)))) continue;
      await db.query('update decisions set row_hash = $2 where decision_id = $1', [d.decision_id, sealer.seal(decisionForm({
        decisionId: d.decision_id, revisionId: d.revision_id, revisionHash: d.revision_hash, overrideId: d.override_id, branch: d.branch,
        decision: d.decision, input: d.input, output: d.output, trace: d.trace, caller: d.caller, requestId: d.request_id, at: d.at_text,
      }))]);
      sealed.decisions++;
    }
  }

  if (sealed.decisions + sealed.tokens + sealed.overrides + sealed.auditEntries > 0) {
    await writeTransaction(db, (tx) => appendAudit(tx, {
      at: now(), actor, action: 'store.seal', subject: 'store',
      summary: { sealed: { ...sealed }, refused: refusedRows, keyId: sealer.key?.keyId ?? null },
    }));
  }
  return { sealed, refusedRows, refused: refused.list, ...keyId };
}

/** The store's integrity as a part of it (store.integrity): check, seal, checkpoint. */
export class StoreIntegrity {
  constructor(private readonly db: Db, private readonly audit: AuditTrail, private readonly now: () => Date) {}

  /** The integrity key the store seals and signs with, if it was given one. */
  get key(): IntegrityKey | undefined {
    return sealerOf(this.db).key;
  }

  check(): Promise<StoreReport> {
    return checkStore(this.db, this.audit);
  }

  seal(actor: string): Promise<SealReport> {
    return sealStore(this.db, this.audit, actor, this.now);
  }

  /** A checkpoint of the audit trail's head, signed with the key if there is one; STORE_INTEGRITY while the chain is broken. */
  async checkpoint(): Promise<Checkpoint> {
    const chain = await this.audit.verify();
    if (!chain.ok) throw integrityError(chainProblem(chain));
    return makeCheckpoint(chain.head, this.now(), this.key);
  }

  /** The trail against an earlier checkpoint; the signature is checked with `trusted` (default: the store's own key). */
  against(checkpoint: Checkpoint, trusted: KeyObject | undefined = this.key?.publicKey): Promise<CheckpointCheck> {
    return checkAgainst(checkpoint, this.audit, trusted);
  }
}
