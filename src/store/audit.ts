// The audit trail: an append-only, hash-chained log of every change (publish, proposal steps,
// approvals, tokens). Each entry's hash covers its canonical JSON and the previous entry's
// hash, so altering or removing an entry breaks the chain at that point. Tail truncation is
// not visible from inside: `verify()` returns the head hash so it can be anchored elsewhere.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../policy/hash.ts';
import { maybeOne, type Db, type Sql } from './db.ts';

export const AUDIT_ACTIONS = [
  'revision.publish',
  'revision.reschedule',
  'revision.supersede',
  'override.suspend',
  'proposal.submit',
  'proposal.rebase',
  'proposal.stale',
  'proposal.rebase-request',
  'proposal.supersede',
  'proposal.approve',
  'proposal.reject',
  'proposal.withdraw',
  'token.create',
  'token.revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: AuditAction;
  /** What the action is about: `revision:3`, `proposal:7`, `token:2`. */
  readonly subject: string;
  /** A short diff summary: the paths and values that changed, never a token or client data. */
  readonly summary: Readonly<Record<string, unknown>>;
  readonly prevHash: string;
  readonly hash: string;
}

export interface NewAuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  subject: string;
  summary: Record<string, unknown>;
}

export type AuditVerification =
  | { ok: true; entries: number; head?: { seq: number; hash: string } }
  | { ok: false; entries: number; seq: number; problem: 'altered' | 'removed'; message: string };

const GENESIS = '';

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action,
    subject: e.subject, summary: e.summary, prevHash: e.prevHash,
  });
  return 'sha256:' + createHash('sha256').update(body).digest('hex');
}

interface AuditRow {
  seq: number; at: Date; actor: string; action: AuditAction; subject: string;
  summary: Record<string, unknown>; prev_hash: string; hash: string;
}

function fromRow(r: AuditRow): AuditEntry {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, summary: r.summary, prevHash: r.prev_hash, hash: r.hash };
}

/** Appends one entry. The caller holds the write lock (writeTransaction), which keeps seq gapless. */
export async function appendAudit(tx: Sql, entry: NewAuditEntry): Promise<AuditEntry> {
  const last = await maybeOne<{ seq: number; hash: string }>(tx, 'select seq, hash from audit order by seq desc limit 1');
  // Through JSON once, so the hash is computed over exactly what jsonb will give back.
  const summary = JSON.parse(JSON.stringify(entry.summary)) as Record<string, unknown>;
  const unsealed = { seq: (last?.seq ?? 0) + 1, at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, summary, prevHash: last?.hash ?? GENESIS };
  const sealed: AuditEntry = { ...unsealed, hash: entryHash(unsealed) };
  await tx.query(
    'insert into audit (seq, at, actor, action, subject, summary, prev_hash, hash) values ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)',
    [sealed.seq, sealed.at, sealed.actor, sealed.action, sealed.subject, JSON.stringify(summary), sealed.prevHash, sealed.hash],
  );
  return sealed;
}

const PAGE = 1000;

export class AuditTrail {
  constructor(private readonly db: Db) {}

  /** Entries after `afterSeq`, oldest first; only those of `action`, about `branch` (its summary names it) or on `subject`, when given. */
  async list(options: { afterSeq?: number; limit?: number; subject?: string; action?: string; branch?: string } = {}): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>(
      `select * from audit where seq > $1 and ($2::text is null or subject = $2) and ($4::text is null or action = $4)
         and ($5::text is null or summary ->> 'branch' = $5) order by seq limit $3`,
      [options.afterSeq ?? 0, options.subject ?? null, Math.min(options.limit ?? PAGE, 10_000), options.action ?? null, options.branch ?? null],
    );
    return rows.map(fromRow);
  }

  /** Walks the whole chain in order and names the first entry that was altered or removed. */
  async verify(): Promise<AuditVerification> {
    let expectedSeq = 1;
    let prevHash = GENESIS;
    let entries = 0;
    for (;;) {
      const page = await this.list({ afterSeq: expectedSeq - 1, limit: PAGE });
      if (page.length === 0) break;
      for (const e of page) {
        if (e.seq !== expectedSeq) {
          return { ok: false, entries, seq: expectedSeq, problem: 'removed', message: `audit entry ${expectedSeq} was removed (the next entry is ${e.seq}).` };
        }
        if (e.prevHash !== prevHash) {
          return {
            ok: false, entries, seq: e.seq - 1, problem: 'altered',
            message: `audit entry ${e.seq - 1} was altered or replaced: entry ${e.seq} records a different hash for it.`,
          };
        }
        const { hash, ...rest } = e;
        if (entryHash(rest) !== hash) {
          return { ok: false, entries, seq: e.seq, problem: 'altered', message: `audit entry ${e.seq} was altered: its content no longer matches its hash.` };
        }
        prevHash = hash;
        expectedSeq += 1;
        entries += 1;
      }
    }
    return { ok: true, entries, ...(entries > 0 ? { head: { seq: expectedSeq - 1, hash: prevHash } } : {}) };
  }
}
