// Decision records: what was decided, with which revision and override, for whom, from what
// input. `record()` resolves only once the record is committed, so an answer can follow it;
// records arriving while a write is in flight queue up and go in together as one multi-row
// INSERT (group commit), so recording keeps pace with deciding. Each record is sealed as it is
// written and checked against its seal when it is read back (seals.ts).
import type { StoreContext } from './context.ts';
import { maybeOne } from './db.ts';
import { assertIntact, sealerOf } from './integrity.ts';
import { checkDecision, DECISION_CHECK_COLUMNS, decisionForm, type DecisionCheckRow } from './seals.ts';

export interface DecisionRecord {
  readonly decisionId: string;
  readonly revisionId: number;
  readonly revisionHash: string;
  readonly overrideId?: number;
  readonly branch?: string;
  /** The decision's name (`suitability`). */
  readonly decision: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly trace?: unknown;
  /** Who asked (see actorOf). */
  readonly caller: string;
  readonly requestId?: string;
  readonly at: Date;
}

export type NewDecisionRecord = Omit<DecisionRecord, 'at'> & { at?: Date };

interface Waiting { record: DecisionRecord; resolve: () => void; reject: (err: unknown) => void }

interface DecisionRow extends DecisionCheckRow {
  decision_id: string; revision_id: number; revision_hash: string; override_id: number | null; branch: string | null;
  decision: string; input: unknown; output: unknown; trace: unknown; caller: string; request_id: string | null; at: Date;
}

const INSERT = `insert into decisions (decision_id, revision_id, revision_hash, override_id, branch, decision, input, output, trace, caller, request_id, at, row_hash)
  select d, r, h, o, b, n, i::jsonb, x::jsonb, t::jsonb, c, q, a, s
  from unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
    as u(d, r, h, o, b, n, i, x, t, c, q, a, s)`;

export interface RecorderStats { records: number; batches: number; largestBatch: number }

export class DecisionLog {
  private queue: Waiting[] = [];
  private draining: Promise<void> | undefined;
  readonly stats: RecorderStats = { records: 0, batches: 0, largestBatch: 0 };

  constructor(private readonly ctx: StoreContext, private readonly maxBatch = 1000) {}

  /** Resolves once the record is durable; rejects if it could not be stored (then say so, do not answer). */
  record(input: NewDecisionRecord): Promise<void> {
    const record: DecisionRecord = { ...input, at: input.at ?? this.ctx.now() };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** The record, or undefined; STORE_INTEGRITY when it no longer matches its seal. */
  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    const r = await maybeOne<DecisionRow>(this.ctx.db, `select d.*, ${DECISION_CHECK_COLUMNS} from decisions d where d.decision_id = $1`, [decisionId]);
    if (!r) return undefined;
    assertIntact(checkDecision(sealerOf(this.ctx.db), r).problems);
    return {
      decisionId: r.decision_id, revisionId: r.revision_id, revisionHash: r.revision_hash,
      ...(r.override_id !== null ? { overrideId: r.override_id } : {}), ...(r.branch !== null ? { branch: r.branch } : {}),
      decision: r.decision, input: r.input, output: r.output, ...(r.trace !== null ? { trace: r.trace } : {}),
      caller: r.caller, ...(r.request_id !== null ? { requestId: r.request_id } : {}), at: r.at,
    };
  }

  /** Waits until everything recorded so far is stored (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let records from the same tick join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.insert(batch.map((w) => w.record));
        for (const w of batch) w.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]?.reject(err);
        // One bad record (a duplicate id, a NUL in a string) must not fail its neighbours.
        else for (const w of batch) await this.insert([w.record]).then(w.resolve, w.reject);
      }
    }
    // Cleared in the same turn as the last look at the queue, so no record is left waiting.
    this.draining = undefined;
  }

  private async insert(records: readonly DecisionRecord[]): Promise<void> {
    const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
    const sealer = sealerOf(this.ctx.db);
    await this.ctx.db.query(INSERT, [
      records.map((r) => r.decisionId),
      records.map((r) => r.revisionId),
      records.map((r) => r.revisionHash),
      records.map((r) => r.overrideId ?? null),
      records.map((r) => r.branch ?? null),
      records.map((r) => r.decision),
      records.map((r) => json(r.input) ?? 'null'),
      records.map((r) => json(r.output) ?? 'null'),
      records.map((r) => json(r.trace)),
      records.map((r) => r.caller),
      records.map((r) => r.requestId ?? null),
      records.map((r) => r.at),
      records.map((r) => sealer.seal(decisionForm({
        decisionId: r.decisionId, revisionId: r.revisionId, revisionHash: r.revisionHash, overrideId: r.overrideId ?? null, branch: r.branch ?? null,
        decision: r.decision, input: r.input, output: r.output, trace: r.trace, caller: r.caller, requestId: r.requestId ?? null, at: r.at,
      }))),
    ]);
    this.stats.records += records.length;
    this.stats.batches += 1;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, records.length);
  }
}
