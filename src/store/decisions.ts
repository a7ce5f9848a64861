// Decision records: what was decided, with which revision and override, for whom, from what
// input. `record()` resolves only once the record is committed, so an answer can follow it;
// records arriving while a write is in flight queue up and go in together as one multi-row
// INSERT (group commit), so recording keeps pace with deciding. A record is written as JSON once,
// when it is handed in, so that its size can be bounded before anything is queued. Each record is
// sealed as it is written and checked against its seal when it is read back (seals.ts).
import type { StoreContext } from './context.ts';
import { maybeOne, StoreUnavailableError } from './db.ts';
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

/** The parts of a record that vary in size, as the JSON text stored (trace: null when there is none). */
interface RecordJson { readonly input: string; readonly output: string; readonly trace: string | null }

interface Waiting { record: DecisionRecord; json: RecordJson; resolve: () => void; reject: (err: unknown) => void }

/** Sizes in bytes of UTF-8 JSON. */
export interface RecordSize { readonly input: number; readonly output: number; readonly trace: number; readonly total: number }

/** A record larger than the caller allows: nothing of it was stored. */
export class RecordTooLarge extends Error {
  constructor(readonly size: RecordSize, readonly limit: number) {
    super(`The decision record would hold ${size.total} bytes of JSON; at most ${limit} are kept.`);
    this.name = 'RecordTooLarge';
  }
}

function jsonOf(r: DecisionRecord): RecordJson {
  return { input: JSON.stringify(r.input) ?? 'null', output: JSON.stringify(r.output) ?? 'null', trace: r.trace === undefined ? null : JSON.stringify(r.trace) };
}

/** The record's size when it may be over `limit` bytes; undefined when it is surely within it. */
function overLimit(json: RecordJson, limit: number): RecordSize | undefined {
  const trace = json.trace ?? '';
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most records need no count of their bytes.
  if ((json.input.length + json.output.length + trace.length) * 3 <= limit) return undefined;
  const size = { input: Buffer.byteLength(json.input), output: Buffer.byteLength(json.output), trace: Buffer.byteLength(trace) };
  const total = size.input + size.output + size.trace;
  return total > limit ? { ...size, total } : undefined;
}

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

  /**
   * Resolves once the record is durable; rejects if it could not be stored (then say so, do not
   * answer) — at once, with RecordTooLarge, when its input, output and trace together are more
   * than `maxBytes` of JSON.
   */
  record(input: NewDecisionRecord, maxBytes = Infinity): Promise<void> {
    const record: DecisionRecord = { ...input, at: input.at ?? this.ctx.now() };
    const json = jsonOf(record);
    const size = overLimit(json, maxBytes);
    if (size) return Promise.reject(new RecordTooLarge(size, maxBytes));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, json, resolve, reject });
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
        await this.insert(batch);
        for (const w of batch) w.resolve();
      } catch (err) {
        // One bad record (a duplicate id, a NUL in a string) must not fail its neighbours. A
        // database that cannot serve fails them all at once: one by one, each would wait for it.
        if (batch.length === 1 || err instanceof StoreUnavailableError) for (const w of batch) w.reject(err);
        else for (const w of batch) await this.insert([w]).then(w.resolve, w.reject);
      }
    }
    // Cleared in the same turn as the last look at the queue, so no record is left waiting.
    this.draining = undefined;
  }

  private async insert(batch: readonly Waiting[]): Promise<void> {
    const sealer = sealerOf(this.ctx.db);
    await this.ctx.db.query(INSERT, [
      batch.map((w) => w.record.decisionId),
      batch.map((w) => w.record.revisionId),
      batch.map((w) => w.record.revisionHash),
      batch.map((w) => w.record.overrideId ?? null),
      batch.map((w) => w.record.branch ?? null),
      batch.map((w) => w.record.decision),
      batch.map((w) => w.json.input),
      batch.map((w) => w.json.output),
      batch.map((w) => w.json.trace),
      batch.map((w) => w.record.caller),
      batch.map((w) => w.record.requestId ?? null),
      batch.map((w) => w.record.at),
      batch.map(({ record: r }) => sealer.seal(decisionForm({
        decisionId: r.decisionId, revisionId: r.revisionId, revisionHash: r.revisionHash, overrideId: r.overrideId ?? null, branch: r.branch ?? null,
        decision: r.decision, input: r.input, output: r.output, trace: r.trace, caller: r.caller, requestId: r.requestId ?? null, at: r.at,
      }))),
    ]);
    this.stats.records += batch.length;
    this.stats.batches += 1;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
  }
}
