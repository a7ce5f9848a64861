// `zhidu decide DECISION`: one decision from --input/--input-file, or a streamed batch
// (--batch IN --out OUT) with a progress bar on a terminal. Decides from the policy files in
// --rules, with a branch --override applied when given.
import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { once } from 'node:events';
import { SingleBar, Presets } from 'cli-progress';
import { answerLine, decideAll, type BatchItem } from '../engine/batch.ts';
import { CompiledPolicy, type DecisionResult } from '../engine/compile.ts';
import { DECISIONS } from '../engine/decisions/index.ts';
import { lineBlocks, lineLayout } from '../engine/worker-input.ts';
import { ChunkAnswerer } from '../engine/chunk-answerer.ts';
import { answersInOrder, defaultWorkers, WorkerPool, type ChunkSpec, type ItemData } from '../engine/worker-pool.ts';
import { ZhiduError } from '../errors.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { policySetHash } from '../policy/hash.ts';
import { applyOverride } from '../policy/override.ts';
import { loadPolicyTexts, policyFilesIn, readPolicyFiles, type PolicySet, type PolicyText } from '../policy/policy-set.ts';
import { schemaRegistry } from '../policy/schema.ts';
import { EXIT, UsageError, type CliIo } from './io.ts';
import { formatOf, readRows } from './rows.ts';

export interface DecideCliOptions {
  input?: string;
  inputFile?: string;
  rules: string;
  override?: string;
  explain?: boolean;
  at?: string;
  batch?: string;
  out?: string;
  format?: string;
  progress?: boolean;
  /** With --batch: worker threads beside the main thread, which decides too (0 = the main thread alone); by default one a core but one for a file over 1 MB. Also ZHIDU_WORKERS. */
  workers?: number;
}

interface LoadedPolicy {
  policy: CompiledPolicy;
  revision: { id: null; hash: string; source: string };
  override?: { file: string; hash: string };
}

/** The policy files and the override, read once: the main thread and batch workers compile the same bytes. */
interface PolicySource {
  texts: PolicyText[];
  override?: { file: string; text: Uint8Array };
}

function readPolicySource(options: DecideCliOptions): PolicySource {
  return {
    texts: readPolicyFiles(policyFilesIn(options.rules)),
    ...(options.override ? { override: { file: options.override, text: readFileSync(options.override) } } : {}),
  };
}

function loadPolicy(options: DecideCliOptions, source: PolicySource, io: CliIo): LoadedPolicy | undefined {
  const loaded = loadPolicyTexts(source.texts, { complete: true, setLabel: options.rules });
  if (!loaded.valid) {
    for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    return undefined;
  }
  let set: PolicySet = loaded.set;
  let override: LoadedPolicy['override'];
  if (source.override) {
    const applied = applyOverride(loaded.set, source.override.text, source.override.file);
    if (!applied.valid) {
      for (const d of applied.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      return undefined;
    }
    set = applied.effective;
    override = { file: source.override.file, hash: policySetHash(applied.effective) };
  }
  return {
    policy: CompiledPolicy.compile(set),
    revision: { id: null, hash: policySetHash(loaded.set), source: options.rules },
    ...(override ? { override } : {}),
  };
}

function parseAt(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at "${at}" is not an ISO-8601 instant`);
  return d;
}

function envelope(result: DecisionResult, loaded: LoadedPolicy): Record<string, unknown> {
  return {
    decision: result.decision,
    output: result.output,
    revision: loaded.revision,
    ...(loaded.override ? { override: loaded.override } : {}),
    decisionId: randomUUID(),
    ...(result.trace ? { trace: result.trace } : {}),
  };
}

export async function runDecide(decision: string, options: DecideCliOptions, io: CliIo): Promise<number> {
  const definition = DECISIONS.find((d) => d.name === decision);
  if (!definition) throw new UsageError(`unknown decision "${decision}"; decisions: ${DECISIONS.map((d) => d.name).join(', ')}`);
  const sources = [options.input, options.inputFile, options.batch].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('give exactly one of --input JSON, --input-file F or --batch IN');
  if (options.batch && !options.out) throw new UsageError('--batch needs --out FILE');
  const at = parseAt(options.at);
  const source = readPolicySource(options);
  // Batch workers start at once, compiling while the main thread checks the policy; they take
  // chunks once ready, and the main thread decides from the first row (worker-pool.ts).
  const workers = options.batch ? workerCount(options, statSync(options.batch).size) : 0;
  const pool = workers > 0 ? WorkerPool.launch({
    texts: source.texts,
    ...(source.override ? { override: source.override } : {}),
    decision: definition.name,
    inputSchema: definition.inputSchema,
    explain: Boolean(options.explain),
    ...(at ? { at: at.toISOString() } : {}),
  }, workers) : undefined;
  pool?.ready.catch(() => undefined);
  const loaded = loadPolicy(options, source, io);
  if (!loaded) {
    await pool?.close();
    return EXIT.NO;
  }
  if (options.batch) return runBatch({ ...options, batch: options.batch, out: options.out! }, definition.name, definition.inputSchema, loaded, pool, at, io);

  let input: unknown;
  const text = options.input ?? readFileSync(options.inputFile!, 'utf8');
  try { input = JSON.parse(text); } catch (err) {
    io.stderr.write(`BAD_INPUT the input is not JSON: ${(err as Error).message}\n`);
    return EXIT.NO;
  }
  try {
    const result = await loaded.policy.decide(decision, input, { explain: Boolean(options.explain), ...(at ? { at } : {}) });
    io.stdout.write(JSON.stringify(envelope(result, loaded), null, 2) + '\n');
    return EXIT.OK;
  } catch (err) {
    if (err instanceof ZhiduError) {
      io.stderr.write(`${err.code} ${err.message}\n`);
      return EXIT.NO;
    }
    throw err;
  }
}

/** A stretch of the batch answered: its NDJSON lines, counts, first failures, and input bytes consumed so far. */
interface Answered {
  ndjson: string | Uint8Array;
  /** Called once the lines are written out (their buffer goes back to its worker). */
  written?: () => void;
  decided: number;
  failed: number;
  errors: { line: number; code: string; message: string }[];
  bytesDone: number;
}

interface BatchRun {
  decision: string;
  schemaId: string;
  loaded: LoadedPolicy;
  path: string;
  format: 'csv' | 'ndjson';
  options: { explain: boolean; at?: Date };
}

async function* answeredInProcess(run: BatchRun): AsyncGenerator<Answered> {
  const schema = schemaRegistry().getSchema(run.schemaId)?.schema as Record<string, unknown> | undefined;
  const rows = readRows(run.path, run.format, schema);
  for await (const a of decideAll(run.loaded.policy, run.decision, rows.items, run.options)) {
    yield {
      ndjson: answerLine(a, run.decision) + '\n',
      decided: a.error ? 0 : 1,
      failed: a.error ? 1 : 0,
      errors: a.error ? [{ line: a.line, code: a.error.code, message: a.error.message }] : [],
      bytesDone: rows.bytesRead(),
    };
  }
}

/** Items read on the main thread, in chunks for the workers (a CSV with quotes, mixed line endings). */
async function* itemChunks(items: AsyncIterable<BatchItem>, size = 2000): AsyncGenerator<ChunkSpec> {
  let chunk: ItemData[] = [];
  for await (const item of items) {
    chunk.push(item.error ? { line: item.line, error: item.error.toJSON().error } : { line: item.line, input: item.input });
    if (chunk.length >= size) { yield { kind: 'items', items: chunk }; chunk = []; }
  }
  if (chunk.length > 0) yield { kind: 'items', items: chunk };
}

async function* answeredInWorkers(run: BatchRun, pool: WorkerPool): AsyncGenerator<Answered> {
  pool.joinMainThread(new ChunkAnswerer(run.loaded.policy, {
    decision: run.decision, inputSchema: run.schemaId, explain: run.options.explain, ...(run.options.at ? { at: run.options.at.toISOString() } : {}),
  }));
  try {
    const layout = await lineLayout(run.path, run.format);
    const schema = schemaRegistry().getSchema(run.schemaId)?.schema as Record<string, unknown> | undefined;
    const rows = layout.lineByLine ? undefined : readRows(run.path, run.format, schema);
    const chunks: AsyncIterable<ChunkSpec & { bytes?: number }> = rows ? itemChunks(rows.items) : lineBlocks(run.path, run.format, layout);
    let bytesDone = 0;
    for await (const { chunk, answer } of answersInOrder(pool, chunks)) {
      bytesDone = rows ? rows.bytesRead() : bytesDone + (chunk.bytes ?? 0);
      yield { ...answer, bytesDone, written: () => pool.recycle(answer) };
    }
  } finally {
    await pool.close();
  }
}

/** Worker threads for a batch: `workers` if given (0 = none), else one a core but one (the main thread decides too) for a batch big enough to repay starting them. */
function workerCount(options: DecideCliOptions, size: number): number {
  const given = options.workers ?? (process.env.ZHIDU_WORKERS ? Number(process.env.ZHIDU_WORKERS) : undefined);
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 0) throw new UsageError(`workers must be a whole number ≥ 0, not ${given}`);
    return given;
  }
  return size >= PARALLEL_FROM_BYTES && availableParallelism() > 1 ? defaultWorkers() : 0;
}

/** Below this a batch is done before workers have started and compiled the policy (see docs/performance.md). */
const PARALLEL_FROM_BYTES = 1024 * 1024;

async function runBatch(
  options: DecideCliOptions & { batch: string; out: string },
  decision: string,
  schemaId: string,
  loaded: LoadedPolicy,
  pool: WorkerPool | undefined,
  at: Date | undefined,
  io: CliIo,
): Promise<number> {
  const size = statSync(options.batch).size;
  const run: BatchRun = { decision, schemaId, loaded, path: options.batch, format: formatOf(options.batch, options.format), options: { explain: Boolean(options.explain), ...(at ? { at } : {}) } };
  const out = createWriteStream(options.out);
  const showBar = options.progress ?? Boolean(io.stderr.isTTY);
  const bar = showBar ? new SingleBar({ format: '{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', stream: io.stderr as NodeJS.WritableStream, hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(size, 0, { rows: 0, rate: 0 });
  const started = Date.now();
  const rate = () => Math.round((decided + failed) / Math.max(0.001, (Date.now() - started) / 1000));
  let decided = 0;
  let failed = 0;
  let shown = 0;
  let lastShown = 0;
  const MAX_REPORTED = 20;
  // The main thread decides from the first row; workers join as they become ready.
  const workers = pool;
  workers?.ready.catch((err: unknown) => {
    io.stderr.write(`${bar ? '\n' : ''}batch workers did not start (${err instanceof Error ? err.message : String(err)}); the main thread decides without them\n`);
  });
  const answered = workers ? answeredInWorkers(run, workers) : answeredInProcess(run);
  for await (const a of answered) {
    if (!out.write(a.ndjson, a.written)) await once(out, 'drain');
    decided += a.decided;
    failed += a.failed;
    for (const e of a.errors) {
      if (shown++ < MAX_REPORTED) io.stderr.write(`${bar ? '\n' : ''}line ${e.line}: ${e.code} ${e.message}\n`);
    }
    if (bar && decided + failed - lastShown >= 1000) {
      lastShown = decided + failed;
      bar.update(a.bytesDone, { rows: lastShown, rate: rate() });
    }
  }
  out.end();
  await once(out, 'finish');
  bar?.update(size, { rows: decided + failed, rate: rate() });
  bar?.stop();
  if (failed > MAX_REPORTED) io.stderr.write(`… and ${failed - MAX_REPORTED} more bad rows (each is in ${options.out}).\n`);
  const threads = workers ? `, ${workers.size} worker thread${workers.size === 1 ? '' : 's'} and the main thread` : '';
  io.stderr.write(`${decided} decided, ${failed} bad rows, in ${((Date.now() - started) / 1000).toFixed(1)} s${threads} → ${options.out}\n`);
  return failed === 0 ? EXIT.OK : EXIT.NO;
}
