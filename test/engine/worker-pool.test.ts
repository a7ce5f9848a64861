// Batches on worker threads answer exactly what the main thread answers, line for line and in
// order: CSV cut into blocks of lines (BOM, CRLF, empty lines, short and long rows, bad rows) and
// NDJSON (malformed lines); files that cannot be cut at line ends are read as before.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCsv, clientRecords } from '../../bench/clients.ts';
import { answerLine, decideAll } from '../../src/engine/batch.ts';
import { ChunkAnswerer } from '../../src/engine/chunk-answerer.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { lineBlocks, lineLayout } from '../../src/engine/worker-input.ts';
import { answersInOrder, WorkerPool } from '../../src/engine/worker-pool.ts';
import { formatOf, readRows } from '../../src/cli/rows.ts';
import { loadPolicyTexts, policyFilesIn, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { schemaRegistry } from '../../src/policy/schema.ts';
import { zhidu } from '../helpers/cli.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const dir = mkdtempSync(join(tmpdir(), 'zhidu-workers-'));
const texts = readPolicyFiles(policyFilesIn(RULES_DIR));
const policy = CompiledPolicy.compile(loadPolicyTexts(texts, { complete: true }).set);
const SCHEMA = 'decisions/classification.input.schema.json';

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The answers as the main thread gives them, through rows.ts. */
async function inProcess(path: string): Promise<string> {
  const rows = readRows(path, formatOf(path), schemaRegistry().getSchema(SCHEMA)?.schema as Record<string, unknown>);
  let out = '';
  for await (const a of decideAll(policy, 'classification', rows.items, { at: FROZEN_NOW })) out += answerLine(a, 'classification') + '\n';
  return out;
}

let pool: WorkerPool;
beforeAll(async () => {
  pool = await WorkerPool.start({ texts, decision: 'classification', inputSchema: SCHEMA, explain: false, at: FROZEN_NOW.toISOString() }, 2);
}, 60_000);
afterAll(async () => { await pool.close(); });

async function inWorkers(path: string, blockBytes: number, on: WorkerPool = pool): Promise<string> {
  const format = formatOf(path);
  const layout = await lineLayout(path, format);
  expect(layout.lineByLine).toBe(true);
  let out = '';
  for await (const { answer } of answersInOrder(on, lineBlocks(path, format, layout, blockBytes))) {
    out += Buffer.from(answer.ndjson).toString('utf8');
    on.recycle(answer);
  }
  return out;
}

/** The main thread's answerer, counting the chunks it takes. */
function countingAnswerer(): { local: ChunkAnswerer; taken: () => number } {
  const local = new ChunkAnswerer(policy, { decision: 'classification', inputSchema: SCHEMA, explain: false, at: FROZEN_NOW.toISOString() });
  let taken = 0;
  const answer = local.answer.bind(local);
  local.answer = (chunk) => { taken++; return answer(chunk); };
  return { local, taken: () => taken };
}

const rows = Array.from({ length: 400 }, (_, i) => `${(i * 7919) % 7_000_000},${(i % 13) / 2}`);
const CASES: Record<string, string> = {
  'plain.csv': ['assets,turnover', ...rows].join('\n') + '\n',
  'crlf-bom.csv': '\ufeff' + ['assets,turnover', ...rows].join('\r\n'),
  'ragged.csv': ['', 'assets,turnover', '', '5000', '6000000,4,extra', '-1,2', 'abc,1', ' ', '2000000,', ...rows].join('\n') + '\n\n',
  'lines.ndjson': ['{"assets": 2000000, "turnover": 2.7}', '', 'not json', '{"assets": -5}', ...rows.map((r) => { const [a, t] = r.split(','); return `{"assets":${a},"turnover":${t}}`; })].join('\n'),
  'crlf.ndjson': ['{"assets": 2000000, "turnover": 2.7}', '{"assets": 1}', '{'].join('\r\n') + '\r\n',
};

describe('batches on worker threads', () => {
  it.each(Object.keys(CASES))('%s: the same answers as the main thread, in order, whatever the block size', async (name) => {
    const path = file(name, CASES[name]!);
    const expected = await inProcess(path);
    expect(expected.split('\n').length).toBeGreaterThan(3);
    for (const blockBytes of [7, 64, 1000, 1 << 20]) expect(await inWorkers(path, blockBytes)).toBe(expected);
  }, 60_000);

  it('the main thread takes its share of the chunks beside a worker, and the answers stay the same and in order', async () => {
    const path = file('shared.csv', CASES['ragged.csv']!);
    const expected = await inProcess(path);
    const { local, taken } = countingAnswerer();
    const shared = await WorkerPool.start({ texts, decision: 'classification', inputSchema: SCHEMA, explain: false, at: FROZEN_NOW.toISOString() }, 1);
    try {
      shared.joinMainThread(local);
      expect([shared.size, shared.threads]).toEqual([1, 2]);
      expect(await inWorkers(path, 64, shared)).toBe(expected);
      expect(taken()).toBeGreaterThan(0);
    } finally {
      await shared.close();
    }
  }, 60_000);

  it('launched, the main thread decides at once and a worker joins once it is ready, answers the same and in order', async () => {
    const path = file('launched.csv', CASES['plain.csv']!);
    const expected = await inProcess(path);
    const { local, taken } = countingAnswerer();
    const launched = WorkerPool.launch({ texts, decision: 'classification', inputSchema: SCHEMA, explain: false, at: FROZEN_NOW.toISOString() }, 1);
    try {
      launched.joinMainThread(local);
      // No worker has compiled the policy yet: the main thread answers alone.
      expect([launched.size, launched.planned]).toEqual([0, 2]);
      expect(await inWorkers(path, 64, launched)).toBe(expected);
      const alone = taken();
      expect(alone).toBeGreaterThan(0);
      await launched.ready;
      expect(launched.size).toBe(1);
      expect(await inWorkers(path, 64, launched)).toBe(expected);
      // The worker took some of the second pass's chunks.
      const chunks = Math.ceil(Buffer.byteLength(CASES['plain.csv']!) / 64);
      expect(taken() - alone).toBeLessThan(chunks);
    } finally {
      await launched.close();
    }
  }, 60_000);

  it('a launched pool closed before its workers are ready settles without a failure', async () => {
    const launched = WorkerPool.launch({ texts, decision: 'classification', inputSchema: SCHEMA, explain: false }, 1);
    await launched.close();
    await expect(launched.ready).resolves.toBeUndefined();
  });

  it('leaves files with quotes or stray carriage returns to the main thread', async () => {
    expect(await lineLayout(file('quoted.csv', 'assets,turnover\n"5,000",1\n'), 'csv')).toEqual({ lineByLine: false, crlf: false });
    expect(await lineLayout(file('quoted.ndjson', '{"assets":5}\n'), 'ndjson')).toEqual({ lineByLine: true, crlf: false });
    expect((await lineLayout(file('cr.csv', 'assets,turnover\r\n5,1\r6,1\n'), 'csv')).lineByLine).toBe(false);
    expect(await lineLayout(file('crlf.csv', 'assets,turnover\r\n5,1\r\n'), 'csv')).toEqual({ lineByLine: true, crlf: true });
  });

  it('a worker that cannot compile the policy fails the start, naming the problem', async () => {
    const start = (t: typeof texts) => WorkerPool.start({ texts: t, decision: 'classification', inputSchema: SCHEMA, explain: false }, 1);
    await expect(start([{ file: 'broken.yaml', text: 'kind: [' }, ...texts])).rejects.toThrow(/broken\.yaml does not load/);
    await expect(start(texts.filter((t) => !t.file.endsWith('classification.yaml')))).rejects.toThrow(/KIND_MISSING/);
  }, 60_000);

  it('the CLI gives the same output file with workers as without, quotes or not', async () => {
    for (const [name, content] of [['cli.csv', CASES['ragged.csv']!], ['cli-quoted.csv', 'assets,turnover\n"2000000",2.7\n5,"1"\n']]) {
      const path = file(name!, content!);
      const outputs: string[] = [];
      for (const workers of ['0', '2']) {
        process.env.ZHIDU_WORKERS = workers;
        try {
          const out = join(dir, `${name}.${workers}.ndjson`);
          const r = await zhidu('decide', 'classification', '--batch', path, '--out', out, '--rules', RULES_DIR, '--at', FROZEN_NOW.toISOString());
          // A file this small is done before the workers are ready (they join when they are: see the launch test).
          if (workers === '0') expect(r.stderr).not.toMatch(/worker thread/);
          else expect(r.stderr).toMatch(/, [0-2] worker threads? and the main thread/);
          outputs.push(readFileSync(out, 'utf8'));
        } finally {
          delete process.env.ZHIDU_WORKERS;
        }
      }
      expect(outputs[1]).toBe(outputs[0]);
    }
  }, 120_000);

  it('client profiles of whole records: the same bytes with workers (shared parts copied as bytes) as without', async () => {
    const records = clientRecords(300, loadPolicyTexts(texts, { complete: true }).set);
    const csv = [...clientCsv(records)];
    // A bad row among the good ones: an answer the questionnaire does not offer.
    csv[5] = csv[5]!.replace(/,([A-D]),/, ',Z,');
    const path = file('profiles.csv', csv.join(''));
    const outputs: string[] = [];
    for (const workers of ['0', '2']) {
      process.env.ZHIDU_WORKERS = workers;
      try {
        const out = join(dir, `profiles.${workers}.ndjson`);
        await zhidu('decide', 'client-profile', '--batch', path, '--out', out, '--rules', RULES_DIR, '--at', FROZEN_NOW.toISOString());
        outputs.push(readFileSync(out, 'utf8'));
      } finally {
        delete process.env.ZHIDU_WORKERS;
      }
    }
    expect(outputs[0]!.split('\n').filter((l) => l.includes('"service-package"')).length).toBe(299);
    expect(outputs[0]).toContain('"line":6,"error"');
    expect(outputs[1]).toBe(outputs[0]);
  }, 120_000);
});
