// The audit trail: an append-only, hash-chained log of every change (publish, proposal steps,
// approvals, tokens, sealing). Each entry's hash covers its canonical JSON and the previous entry's
// hash, so altering or removing an entry breaks the chain at that point; with the integrity key
// each entry also carries a MAC (integrity.ts), so a chain recomputed without the key shows too.
// An entry's time is hashed to the millisecond, and the database must hold exactly that
// millisecond: an instant moved below it no longer verifies. Tail truncation and a chain
// recomputed from scratch are not visible from inside: a signed checkpoint kept elsewhere
// (checkpoint.ts) anchors the head.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../policy/hash.ts';
import { maybeOne, type Db, type Sql } from './db.ts';
import { instantText, sealerOf, sealForm, sealProblem, sqlInstant, type IntegrityProblem, type Sealer } from './integrity.ts';

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
  'store.seal',
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

/** Which entries to read: by subject, action, the branch their summary names, time ([from, to)), or text anywhere in them. */
export interface AuditFilter {
  subject?: string;
  action?: string;
  branch?: string;
  from?: Date;
  to?: Date;
  /** Case-insensitive, in the actor, subject, action or summary. */
  text?: string;
}

export interface NewAuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  subject: string;
  summary: Record<string, unknown>;
}

/** An entry as stored: its time as the database holds it, to the microsecond, and its MAC. */
export interface StoredAuditEntry extends AuditEntry {
  readonly atText: string;
  readonly mac: string | null;
}

export type AuditVerification =
  | { ok: true; entries: number; head?: { seq: number; hash: string } }
  | { ok: false; entries: number; seq: number; problem: 'altered' | 'removed' | 'unsealed'; message: string };

const GENESIS = '';

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action,
    subject: e.subject, summary: e.summary, prevHash: e.prevHash,
  });
  return 'sha256:' + createHash('sha256').update(body).digest('hex');
}

/** What an entry's MAC is taken over: its hash (which covers everything else) and its time to the microsecond. */
function macForm(e: { seq: number; hash: string }, atText: string): string {
  return sealForm('audit', { seq: e.seq, hash: e.hash, at: atText });
}

interface AuditRow {
  seq: number; at: Date; actor: string; action: AuditAction; subject: string;
  summary: Record<string, unknown>; prev_hash: string; hash: string; at_text: string; mac: string | null;
}

const AUDIT_COLUMNS = `seq, at, actor, action, subject, summary, prev_hash, hash, mac, ${sqlInstant('at')} as at_text`;

function fromRow(r: AuditRow): AuditEntry {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, summary: r.summary, prevHash: r.prev_hash, hash: r.hash };
}

function storedFromRow(r: AuditRow): StoredAuditEntry {
  return { ...fromRow(r), atText: r.at_text, mac: r.mac };
}

/** What is wrong with one entry on its own: its hash, its time, its MAC (not its link to the one before). */
export function entryProblems(e: StoredAuditEntry, sealer: Sealer): IntegrityProblem[] {
  const { atText, mac, hash, ...rest } = e;
  if (entryHash(rest) !== hash) return [{ kind: 'audit', id: e.seq, problem: 'content', message: `audit entry ${e.seq} was altered: its content no longer matches its hash.` }];
  if (atText !== instantText(e.at)) {
    return [{ kind: 'audit', id: e.seq, problem: 'content', field: 'at', message: `audit entry ${e.seq} was altered: its time is stored as ${atText}, not the millisecond its hash covers.` }];
  }
  const sealed = sealProblem('audit', e.seq, `audit entry ${e.seq}`, sealer.check(mac, macForm(e, atText)));
  return sealed ? [sealed] : [];
}

/** The entries about these subjects (`token:3`), of these actions, oldest first: the records a row is checked against. */
export async function entriesAbout(sql: Sql, subjects: readonly string[], actions: readonly AuditAction[]): Promise<StoredAuditEntry[]> {
  if (subjects.length === 0) return [];
  const { rows } = await sql.query<AuditRow>(
    `select ${AUDIT_COLUMNS} from audit where subject = any($1::text[]) and action = any($2::text[]) order by seq`, [subjects, actions]);
  return rows.map(storedFromRow);
}

/** Appends one entry. The caller holds the write lock (writeTransaction), which keeps seq gapless. */
export async function appendAudit(tx: Sql, entry: NewAuditEntry): Promise<AuditEntry> {
  const last = await maybeOne<{ seq: number; hash: string }>(tx, 'select seq, hash from audit order by seq desc limit 1');
  // Through JSON once, so the hash is computed over exactly what jsonb will give back.
  const summary = JSON.parse(JSON.stringify(entry.summary)) as Record<string, unknown>;
  const unsealed = { seq: (last?.seq ?? 0) + 1, at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject, summary, prevHash: last?.hash ?? GENESIS };
  const sealed: AuditEntry = { ...unsealed, hash: entryHash(unsealed) };
  await tx.query(
    'insert into audit (seq, at, actor, action, subject, summary, prev_hash, hash, mac) values ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9)',
    [sealed.seq, sealed.at, sealed.actor, sealed.action, sealed.subject, JSON.stringify(summary), sealed.prevHash, sealed.hash,
      sealerOf(tx).mac(macForm(sealed, instantText(sealed.at)))],
  );
  return sealed;
}

const PAGE = 1000;

export class AuditTrail {
  constructor(private readonly db: Db) {}

  /** Whether entries are sealed with the integrity key (and checkpoints signed). */
  get sealer(): Sealer {
    return sealerOf(this.db);
  }

  /** Entries after `afterSeq`, oldest first; only those of `action`, about `branch` (its summary names it) or on `subject`, when given. */
  async list(options: AuditFilter & { afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>(
      `select * from audit where seq > $1 and ($2::text is null or subject = $2) and ($4::text is null or action = $4)
         and ($5::text is null or summary ->> 'branch' = $5)
         and ($6::timestamptz is null or at >= $6) and ($7::timestamptz is null or at < $7)
         and ($8::text is null or actor ilike $8 or subject ilike $8 or action ilike $8 or summary::text ilike $8)
       order by seq limit $3`,
      [
        options.afterSeq ?? 0, options.subject ?? null, Math.min(options.limit ?? PAGE, 10_000), options.action ?? null, options.branch ?? null,
        options.from ?? null, options.to ?? null, options.text ? `%${options.text.replace(/[\\%_]/g, '\\$&')}%` : null,
      ],
    );
    return rows.map(fromRow);
  }

  /** Every entry the filter keeps, oldest first, a page at a time (an export of any length in bounded memory). */
  async *each(filter: AuditFilter = {}): AsyncGenerator<AuditEntry> {
    let afterSeq = 0;
    for (;;) {
      const page = await this.list({ ...filter, afterSeq, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      afterSeq = page.at(-1)!.seq;
    }
  }

  /** The entry at `seq`, as stored. */
  async entry(seq: number): Promise<StoredAuditEntry | undefined> {
    const row = await maybeOne<AuditRow>(this.db, `select ${AUDIT_COLUMNS} from audit where seq = $1`, [seq]);
    return row && storedFromRow(row);
  }

  /** The last entry, as stored. */
  async head(): Promise<StoredAuditEntry | undefined> {
    const row = await maybeOne<AuditRow>(this.db, `select ${AUDIT_COLUMNS} from audit order by seq desc limit 1`);
    return row && storedFromRow(row);
  }

  private async page(afterSeq: number): Promise<StoredAuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>(`select ${AUDIT_COLUMNS} from audit where seq > $1 order by seq limit $2`, [afterSeq, PAGE]);
    return rows.map(storedFromRow);
  }

  /**
   * Walks the whole chain in order and names the first entry that was altered (content, time to
   * the microsecond, MAC), unsealed (the key is given and it carries no MAC made with it) or removed.
   * `acceptUnsealed`: entries without a MAC pass (before sealing them).
   */
  async verify(options: { acceptUnsealed?: boolean } = {}): Promise<AuditVerification> {
    const sealer = this.sealer;
    let expectedSeq = 1;
    let prevHash = GENESIS;
    let entries = 0;
    for (;;) {
      const page = await this.page(expectedSeq - 1);
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
        const [problem] = entryProblems(e, sealer).filter((p) => !(options.acceptUnsealed && p.problem === 'unsealed'));
        if (problem) return { ok: false, entries, seq: e.seq, problem: problem.problem === 'unsealed' ? 'unsealed' : 'altered', message: problem.message };
        prevHash = e.hash;
        expectedSeq += 1;
        entries += 1;
      }
    }
    return { ok: true, entries, ...(entries > 0 ? { head: { seq: expectedSeq - 1, hash: prevHash } } : {}) };
  }

  /**
   * Gives every entry without a MAC one, with the store's key (`zhidu store seal`, inside its
   * write transaction, once the chain verified); an entry that fails its own checks keeps none.
   */
  async sealEntries(tx: Sql): Promise<number> {
    const sealer = sealerOf(tx);
    if (!sealer.key) return 0;
    let sealed = 0;
    const { rows } = await tx.query<AuditRow>(`select ${AUDIT_COLUMNS} from audit where mac is null order by seq`);
    for (const e of rows.map(storedFromRow)) {
      if (entryProblems(e, sealer).some((p) => p.problem !== 'unsealed')) continue;
      await tx.query('update audit set mac = $2 where seq = $1 and mac is null', [e.seq, sealer.mac(macForm(e, e.atText))]);
      sealed++;
    }
    return sealed;
  }
}
