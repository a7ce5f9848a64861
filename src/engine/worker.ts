// One batch worker thread (started by worker-pool.ts): compiles the policy once from the texts
// it is given, then answers chunks of a batch — blocks of input lines it parses itself, or items
// read on the main thread — with the chunk's NDJSON answer lines, in order.
import { parentPort, workerData } from 'node:worker_threads';
import type { SchemaNode } from '../cli/rows.ts';
import { ZhiduError } from '../errors.ts';
import { applyOverride } from '../policy/override.ts';
import { isPolicyKind, type PolicyKind } from '../policy/kinds.ts';
import type { PolicyDocument, PolicySet } from '../policy/policy-set.ts';
import { decodePolicyBytes, parsePolicyYaml } from '../policy/yaml.ts';
import { schemaRegistry } from '../policy/schema.ts';
import { answerLine, answerNow, type BatchAnswer, type BatchItem } from './batch.ts';
import { outputJsonTo, type JsonSink } from './interned.ts';
import { rowReader } from './worker-rows.ts';
import { CompiledPolicy } from './compile.ts';
import type { Chunk, ChunkAnswer, WorkerSetup } from './worker-pool.ts';

const setup = workerData as WorkerSetup;
const MAX_ERRORS = 20;

/**
 * The main thread has loaded and checked these very bytes before any chunk comes, so a worker
 * only parses them (the YAML positions are needed for traces); an override is applied, and
 * checked, as usual.
 */
function compile(): CompiledPolicy {
  const documents = new Map<PolicyKind, PolicyDocument>();
  for (const { file, text: raw } of setup.texts) {
    const text = typeof raw === 'string' ? raw : decodePolicyBytes(raw).text;
    const parsed = text === undefined ? undefined : parsePolicyYaml(text);
    const kind = (parsed?.value as { kind?: unknown } | undefined)?.kind;
    if (!parsed || parsed.problems.length > 0 || !isPolicyKind(kind)) throw new Error(`${file} does not load`);
    documents.set(kind, { kind, file, text: text!, value: parsed.value as Record<string, unknown>, source: parsed.source });
  }
  let set: PolicySet = { documents };
  if (setup.override) {
    const applied = applyOverride(set, setup.override.text, setup.override.file);
    if (!applied.valid) throw new Error(`the override does not apply: ${applied.diagnostics[0]?.message ?? ''}`);
    set = applied.effective;
  }
  return CompiledPolicy.compile(set);
}

const policy = compile();
const schema = schemaRegistry().getSchema(setup.inputSchema)?.schema as SchemaNode | undefined;
const options = { explain: setup.explain, ...(setup.at ? { at: new Date(setup.at) } : {}) };

let reader: { header: string; read: ReturnType<typeof rowReader> } | undefined;

/** The row reader for this header (every block of a file brings the same one). */
function readerFor(columns: readonly string[]): ReturnType<typeof rowReader> {
  const header = columns.join(',');
  if (reader?.header !== header) reader = { header, read: rowReader(columns, schema) };
  return reader.read;
}

/** The lines of a block as items, as rows.ts reads them (quote-free CSV: one record a line). */
function* itemsOf(chunk: Extract<Chunk, { kind: 'lines' }>): Generator<BatchItem> {
  const decoded = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength).toString('utf8');
  const lines = (decoded.endsWith('\n') ? decoded.slice(0, -1) : decoded).split('\n');
  const read = chunk.format === 'csv' ? readerFor(chunk.columns) : undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = chunk.firstLine + i;
    const text = chunk.crlf && lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (chunk.format === 'ndjson') {
      if (text.trim() === '') continue;
      try {
        yield { line, input: JSON.parse(text) as unknown };
      } catch (err) {
        yield { line, error: new ZhiduError('BAD_INPUT', `line ${line}: not JSON (${(err as Error).message})`, [{ field: '', message: 'malformed JSON' }]) };
      }
      continue;
    }
    if (text === '') continue;
    yield { line, input: read!(text.split(',')) };
  }
}

function itemsFrom(chunk: Chunk): Iterable<BatchItem> {
  if (chunk.kind === 'lines') return itemsOf(chunk);
  return chunk.items.map((i) => (i.error ? { line: i.line, error: new ZhiduError(i.error.code, i.error.message, i.error.details) } : i) as BatchItem);
}

/**
 * Output buffers, handed to the main thread with each answer and handed back once written:
 * fresh memory for every chunk costs more in page faults than deciding does.
 */
const spare: ArrayBuffer[] = [];

class Output implements JsonSink {
  private buf: Buffer;
  length = 0;

  constructor() {
    this.buf = Buffer.from(spare.pop() ?? new ArrayBuffer(4 << 20));
  }

  private room(needed: number): void {
    if (this.length + needed <= this.buf.length) return;
    const bigger = Buffer.from(new ArrayBuffer(Math.max(2 * this.buf.length, this.length + needed)));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  /** JsonSink: at most three bytes a UTF-16 unit. */
  text(s: string): void {
    this.room(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    this.length += b.copy(this.buf, this.length);
  }

  /** One answer line, as answerLine() writes it; shared parts of the output are copied as bytes. */
  answer(a: BatchAnswer, decision: string): void {
    if (a.result && !a.result.trace) {
      this.text(`{"line":${a.line},"decision":${JSON.stringify(decision)},"output":`);
      outputJsonTo(this, a.result.output);
      this.text('}');
    } else this.text(answerLine(a, decision));
    this.room(1);
    this.buf[this.length++] = 0x0a;
  }

  get view(): Uint8Array {
    return new Uint8Array(this.buf.buffer, 0, this.length);
  }
}

async function answer(chunk: Chunk): Promise<ChunkAnswer> {
  const out = new Output();
  let decided = 0;
  let failed = 0;
  const errors: ChunkAnswer['errors'] = [];
  for (const item of itemsFrom(chunk)) {
    let a = answerNow(policy, setup.decision, item, options);
    if (a instanceof Promise) a = await a;
    out.answer(a, setup.decision);
    if (!a.error) decided++;
    else if (++failed <= MAX_ERRORS) errors.push({ line: a.line, code: a.error.code, message: a.error.message });
  }
  return { id: chunk.id, ndjson: out.view, decided, failed, errors };
}

parentPort!.on('message', (message: Chunk | { recycle: ArrayBuffer }) => {
  if ('recycle' in message) {
    spare.push(message.recycle);
    return;
  }
  answer(message).then(
    (a) => parentPort!.postMessage(a, [a.ndjson.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: message.id, crashed: String(err) }),
  );
});
parentPort!.postMessage({ ready: true });
