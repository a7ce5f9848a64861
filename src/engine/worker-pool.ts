// Worker threads for batches (worker.ts): each compiles the policy once, from the same texts the
// main thread loaded, then answers chunks. The pool gives each chunk to the least busy worker,
// and answersInOrder() hands the answers back in the order the chunks were made, with a bounded
// number of chunks in flight so that memory stays flat however long the batch.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../errors.ts';
import type { PolicyText } from '../policy/policy-set.ts';
import type { ChunkAnswerer } from './chunk-answerer.ts';

export interface WorkerSetup {
  /** The policy files, already loaded and checked by the main thread. */
  texts: PolicyText[];
  override?: { file: string; text: string | Uint8Array };
  decision: string;
  /** `$id` of the decision's input schema, to type CSV cells. */
  inputSchema: string;
  explain: boolean;
  /** ISO instant to decide at; each decision's own "now" when absent. */
  at?: string;
}

export interface ItemData {
  line: number;
  input?: unknown;
  error?: { code: ErrorCode; message: string; details?: readonly unknown[] };
}

export type ChunkSpec =
  /** Complete lines of the input file as UTF-8, handed over and parsed by the worker (CSV without quotes, or NDJSON). */
  | { kind: 'lines'; format: 'csv' | 'ndjson'; data: Uint8Array; firstLine: number; crlf: boolean; columns: string[] }
  /** Items the main thread has read already. */
  | { kind: 'items'; items: ItemData[] };

export type Chunk = ChunkSpec & { id: number };

export interface ChunkAnswer {
  id: number;
  /** The chunk's NDJSON answer lines, each ending in a newline, as UTF-8. */
  ndjson: Uint8Array;
  decided: number;
  failed: number;
  /** The first few failures, for the terminal. */
  errors: { line: number; code: string; message: string }[];
}

/**
 * One worker a core but one: the main thread decides too (its share of reading and writing is
 * small), and each worker it does not start saves a second or so of loading and compiling.
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

const WORKER_MODULE = new URL('./worker.ts', import.meta.url).href;
// tsx's ESM entry; its CommonJS twin registers hooks by a path that does not resolve from a worker.
const TSX_API = typeof import.meta.resolve === 'function'
  ? import.meta.resolve('tsx/esm/api')
  : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;

/**
 * The main thread also reads the input and writes every answer: it counts as this many chunks
 * busier than it is, so the workers get more (measured best of 0–4 on 300k client profiles).
 */
const MAIN_THREAD_HANDICAP = 2;
const load = (slot: Slot): number => slot.busy + (slot.local ? MAIN_THREAD_HANDICAP : 0);

interface Slot {
  /** A worker thread, or the main thread's own answerer and its queue. */
  worker?: Worker;
  local?: ChunkAnswerer;
  queue?: LocalQueue;
  busy: number;
}

/**
 * The main thread's chunks, one per turn of the event loop: between two of them it hears from the
 * workers and hands them more. (Several run back to back would leave the workers idle meanwhile.)
 */
class LocalQueue {
  private readonly chunks: Chunk[] = [];
  private running = false;

  constructor(private readonly answerer: ChunkAnswerer, private readonly settle: (m: ChunkAnswer | { id: number; crashed: string }) => void) {}

  push(chunk: Chunk): void {
    this.chunks.push(chunk);
    if (!this.running) this.next();
  }

  private next(): void {
    const chunk = this.chunks.shift();
    this.running = chunk !== undefined;
    if (chunk === undefined) return;
    setImmediate(() => {
      this.answerer.answer(chunk).then((a) => this.settle(a), (err: unknown) => this.settle({ id: chunk.id, crashed: String(err) })).finally(() => this.next());
    });
  }
}

export class WorkerPool {
  private readonly pending = new Map<number, { slot: Slot; resolve: (a: ChunkAnswer) => void; reject: (e: Error) => void }>();
  private readonly producers = new WeakMap<ArrayBufferLike, Slot>();
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;

  /** Settles once every worker has compiled the policy; rejects with the first that could not (it is left out). */
  readonly ready: Promise<void>;
  private readonly slots: Slot[] = [];
  private readonly starting: Worker[];

  private constructor(setup: WorkerSetup, size: number) {
    // The sources are TypeScript: each worker registers tsx first, as bin/zhidu.js does.
    const bootstrap = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_MODULE)}); })`;
    this.starting = Array.from({ length: Math.max(1, size) }, () => new Worker(bootstrap, { eval: true, workerData: setup }));
    const started = this.starting.map((worker) => new Promise<void>((resolve, reject) => {
      const exited = (code: number) => reject(new Error(`a batch worker exited (code ${code}) before it was ready`));
      worker.once('message', () => {
        worker.off('error', reject).off('exit', exited);
        this.admit(worker);
        resolve();
      }).once('error', reject).once('exit', exited);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      // Closed before it was ready (a batch done before the worker): nothing failed.
      if (!this.closed) throw err;
    }));
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** A worker that has compiled the policy takes chunks from now on. */
  private admit(worker: Worker): void {
    if (this.closed) return;
    worker.on('message', (m: ChunkAnswer | { id: number; crashed: string }) => this.settle(m));
    worker.on('error', (err: Error) => this.fail(err));
    worker.on('exit', (code) => { if (!this.closed) this.fail(new Error(`a batch worker exited (code ${code})`)); });
    // Before the main thread's slot, if it has joined: on a tie the first slot takes the chunk.
    const local = this.slots.findIndex((s) => s.local);
    this.slots.splice(local < 0 ? this.slots.length : local, 0, { worker, busy: 0 });
  }

  /**
   * Starts `size` workers and returns at once: each takes chunks once it has compiled the policy
   * (a second or so), and the main thread, once it joins, decides meanwhile.
   */
  static launch(setup: WorkerSetup, size = defaultWorkers()): WorkerPool {
    return new WorkerPool(setup, size);
  }

  /** Starts `size` workers and waits until every one has compiled the policy. */
  static async start(setup: WorkerSetup, size = defaultWorkers()): Promise<WorkerPool> {
    const pool = new WorkerPool(setup, size);
    try {
      await pool.ready;
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Threads that will decide once every worker is ready (the main thread counted once it joins). */
  get planned(): number {
    return this.starting.length + (this.slots.some((s) => s.local) ? 1 : 0);
  }

  /** Worker threads (the main thread, when it decides too, is not counted). */
  get size(): number {
    return this.slots.filter((s) => s.worker).length;
  }

  /** Threads deciding: the workers, and the main thread once it joins. */
  get threads(): number {
    return this.slots.length;
  }

  /**
   * The main thread decides too, on the policy it has compiled from the same bytes. It is the last
   * slot, so it takes a chunk only when it is strictly less busy than every worker.
   */
  joinMainThread(answerer: ChunkAnswerer): void {
    if (!this.slots.some((s) => s.local)) this.slots.push({ local: answerer, queue: new LocalQueue(answerer, (m) => this.settle(m)), busy: 0 });
  }

  run(spec: ChunkSpec): Promise<ChunkAnswer> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.length === 0) return Promise.reject(new Error('no thread decides: no worker is ready and the main thread has not joined'));
    const slot = this.slots.reduce((a, b) => (load(b) < load(a) ? b : a));
    const chunk: Chunk = { ...spec, id: this.nextId++ };
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(chunk.id, { slot, resolve, reject });
      if (slot.worker) slot.worker.postMessage(chunk, chunk.kind === 'lines' && chunk.data.buffer instanceof ArrayBuffer ? [chunk.data.buffer] : []);
      // On a later turn, so that whoever hands out chunks can hand out the rest first.
      else slot.queue!.push(chunk);
    });
  }

  /** Give an answer's bytes back to the thread that wrote them, once they are written out. */
  recycle(answer: ChunkAnswer): void {
    const slot = this.producers.get(answer.ndjson.buffer);
    if (!slot || this.closed || !(answer.ndjson.buffer instanceof ArrayBuffer)) return;
    this.producers.delete(answer.ndjson.buffer);
    if (slot.worker) slot.worker.postMessage({ recycle: answer.ndjson.buffer }, [answer.ndjson.buffer]);
    else slot.local!.recycle(answer.ndjson.buffer);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.starting.map((w) => w.terminate()));
  }

  private settle(m: ChunkAnswer | { id: number; crashed: string }): void {
    const entry = this.pending.get(m.id);
    if (!entry) return;
    this.pending.delete(m.id);
    entry.slot.busy--;
    if ('crashed' in m) entry.reject(new Error(`a batch worker failed: ${m.crashed}`));
    else {
      this.producers.set(m.ndjson.buffer, entry.slot);
      entry.resolve(m);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const entry of this.pending.values()) entry.reject(err);
    this.pending.clear();
  }
}

/** Each chunk's answer in the order the chunks come, at most `inFlight` chunks handed out at once. */
export async function* answersInOrder<T extends ChunkSpec>(
  pool: WorkerPool,
  chunks: AsyncIterable<T> | Iterable<T>,
  inFlight = 3 * pool.planned,
): AsyncGenerator<{ chunk: T; answer: ChunkAnswer }> {
  const queue: { chunk: T; answer: Promise<ChunkAnswer> }[] = [];
  // A rejected answer waiting its turn must not count as unhandled meanwhile.
  const queued = (chunk: T) => { const answer = pool.run(chunk); answer.catch(() => undefined); return { chunk, answer }; };
  for await (const chunk of chunks) {
    queue.push(queued(chunk));
    if (queue.length >= inFlight) {
      const next = queue.shift()!;
      yield { chunk: next.chunk, answer: await next.answer };
    }
  }
  while (queue.length > 0) {
    const next = queue.shift()!;
    yield { chunk: next.chunk, answer: await next.answer };
  }
}
