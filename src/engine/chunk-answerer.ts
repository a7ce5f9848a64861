// Answers one chunk of a batch (worker-pool.ts): blocks of input lines it parses itself, or items
// read already, decided on the fast path and written as NDJSON answer lines into a reused buffer.
// Batch worker threads (worker.ts) run one each; the main thread runs one too, on the policy it
// has compiled, so that on a machine of two cores one worker and the main thread share the work.
import type { SchemaNode } from '../cli/rows.ts';
import { ZhiduError } from '../errors.ts';
import { schemaRegistry } from '../policy/schema.ts';
import { answerLine, answerNow, type BatchAnswer, type BatchItem } from './batch.ts';
import type { CompiledPolicy, DecideOptions } from './compile.ts';
import { ByteSink, writeJson } from './json-bytes.ts';
import type { Chunk, ChunkAnswer, WorkerSetup } from './worker-pool.ts';
import { rowReader } from './worker-rows.ts';

const MAX_ERRORS = 20;
type RowReader = ReturnType<typeof rowReader>;

/** The lines of a block as items, as rows.ts reads them (quote-free CSV: one record a line). */
function* itemsOf(chunk: Extract<Chunk, { kind: 'lines' }>, read: RowReader | undefined): Generator<BatchItem> {
  const decoded = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength).toString('utf8');
  const lines = (decoded.endsWith('\n') ? decoded.slice(0, -1) : decoded).split('\n');
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

const LINE = Buffer.from('{"line":');
const CLOSE = Buffer.from('}\n');
const NEWLINE = Buffer.from('\n');

/** NDJSON answer lines as UTF-8, in a buffer that goes to the writer and comes back to be reused. */
class Output {
  private readonly sink: ByteSink;
  private readonly head: Buffer;

  constructor(spare: ArrayBuffer | undefined, decision: string) {
    this.sink = new ByteSink(spare ?? 4 << 20);
    this.head = Buffer.from(`,"decision":${JSON.stringify(decision)},"output":`);
  }

  /** One answer line, as answerLine() writes it: the output's keys and labels are copied as remembered bytes. */
  answer(a: BatchAnswer, decision: string): void {
    if (a.result && !a.result.trace) {
      this.sink.bytes(LINE);
      this.sink.digits(a.line);
      this.sink.bytes(this.head);
      writeJson(this.sink, a.result.output);
      this.sink.bytes(CLOSE);
    } else {
      this.sink.text(answerLine(a, decision));
      this.sink.bytes(NEWLINE);
    }
  }

  /** The lines written, at the start of their own ArrayBuffer (transferable). */
  get view(): Uint8Array {
    return this.sink.unread;
  }
}

export class ChunkAnswerer {
  private readonly schema: SchemaNode | undefined;
  private readonly options: DecideOptions;
  private reader: { header: string; read: RowReader } | undefined;
  /**
   * Output buffers handed back once written: fresh memory for every chunk costs more in page
   * faults than deciding does.
   */
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly policy: CompiledPolicy, private readonly setup: Pick<WorkerSetup, 'decision' | 'inputSchema' | 'explain' | 'at'>) {
    this.schema = schemaRegistry().getSchema(setup.inputSchema)?.schema as SchemaNode | undefined;
    this.options = { explain: setup.explain, ...(setup.at ? { at: new Date(setup.at) } : {}) };
  }

  recycle(buffer: ArrayBuffer): void {
    this.spare.push(buffer);
  }

  async answer(chunk: Chunk): Promise<ChunkAnswer> {
    const out = new Output(this.spare.pop(), this.setup.decision);
    let decided = 0;
    let failed = 0;
    const errors: ChunkAnswer['errors'] = [];
    for (const item of this.items(chunk)) {
      let a = answerNow(this.policy, this.setup.decision, item, this.options);
      if (a instanceof Promise) a = await a;
      out.answer(a, this.setup.decision);
      if (!a.error) decided++;
      else if (++failed <= MAX_ERRORS) errors.push({ line: a.line, code: a.error.code, message: a.error.message });
    }
    return { id: chunk.id, ndjson: out.view, decided, failed, errors };
  }

  private items(chunk: Chunk): Iterable<BatchItem> {
    if (chunk.kind === 'lines') return itemsOf(chunk, chunk.format === 'csv' ? this.readerFor(chunk.columns) : undefined);
    return chunk.items.map((i) => (i.error ? { line: i.line, error: new ZhiduError(i.error.code, i.error.message, i.error.details) } : i) as BatchItem);
  }

  /** The row reader for this header (every block of a file brings the same one). */
  private readerFor(columns: readonly string[]): RowReader {
    const header = columns.join(',');
    if (this.reader?.header !== header) this.reader = { header, read: rowReader(columns, this.schema) };
    return this.reader.read;
  }
}
