// `zhidu decide DECISION`: one decision from --input/--input-file, or a streamed batch
// (--batch IN --out OUT) with a progress bar on a terminal. Decides from the policy files in
// --rules, with a branch --override applied when given.
import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { SingleBar, Presets } from 'cli-progress';
import { decideAll } from '../engine/batch.ts';
import { CompiledPolicy, type DecisionResult } from '../engine/compile.ts';
import { DECISIONS } from '../engine/decisions/index.ts';
import { ZhiduError } from '../errors.ts';
import { formatDiagnostic } from '../policy/diagnostics.ts';
import { policySetHash } from '../policy/hash.ts';
import { applyOverride } from '../policy/override.ts';
import { loadPolicyDir, type PolicySet } from '../policy/policy-set.ts';
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
}

interface LoadedPolicy {
  policy: CompiledPolicy;
  revision: { id: null; hash: string; source: string };
  override?: { file: string; hash: string };
}

function loadPolicy(options: DecideCliOptions, io: CliIo): LoadedPolicy | undefined {
  const loaded = loadPolicyDir(options.rules);
  if (!loaded.valid) {
    for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    return undefined;
  }
  let set: PolicySet = loaded.set;
  let override: LoadedPolicy['override'];
  if (options.override) {
    const applied = applyOverride(loaded.set, readFileSync(options.override), options.override);
    if (!applied.valid) {
      for (const d of applied.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      return undefined;
    }
    set = applied.effective;
    override = { file: options.override, hash: policySetHash(applied.effective) };
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
  const loaded = loadPolicy(options, io);
  if (!loaded) return EXIT.NO;
  if (options.batch) return runBatch(definition.name, definition.inputSchema, loaded, { ...options, batch: options.batch, out: options.out! }, at, io);

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

async function runBatch(
  decision: string,
  schemaId: string,
  loaded: LoadedPolicy,
  options: DecideCliOptions & { batch: string; out: string },
  at: Date | undefined,
  io: CliIo,
): Promise<number> {
  const size = statSync(options.batch).size;
  const schema = schemaRegistry().getSchema(schemaId)?.schema as Record<string, unknown> | undefined;
  const rows = readRows(options.batch, formatOf(options.batch, options.format), schema);
  const out = createWriteStream(options.out);
  const showBar = options.progress ?? Boolean(io.stderr.isTTY);
  const bar = showBar ? new SingleBar({ format: '{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', stream: io.stderr as NodeJS.WritableStream, hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(size, 0, { rows: 0, rate: 0 });
  const started = Date.now();
  let decided = 0;
  let failed = 0;
  const MAX_REPORTED = 20;
  for await (const answer of decideAll(loaded.policy, decision, rows.items, { explain: Boolean(options.explain), ...(at ? { at } : {}) })) {
    const line = answer.result
      ? { line: answer.line, decision, output: answer.result.output, ...(answer.result.trace ? { trace: answer.result.trace } : {}) }
      : { line: answer.line, error: answer.error };
    if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
    if (answer.error) {
      failed++;
      if (failed <= MAX_REPORTED) io.stderr.write(`${bar ? '\n' : ''}line ${answer.line}: ${answer.error.code} ${answer.error.message}\n`);
    } else decided++;
    if (bar && (decided + failed) % 1000 === 0) {
      bar.update(rows.bytesRead(), { rows: decided + failed, rate: Math.round((decided + failed) / Math.max(0.001, (Date.now() - started) / 1000)) });
    }
  }
  out.end();
  await once(out, 'finish');
  bar?.update(size, { rows: decided + failed, rate: Math.round((decided + failed) / Math.max(0.001, (Date.now() - started) / 1000)) });
  bar?.stop();
  if (failed > MAX_REPORTED) io.stderr.write(`… and ${failed - MAX_REPORTED} more bad rows (each is in ${options.out}).\n`);
  io.stderr.write(`${decided} decided, ${failed} bad rows, in ${((Date.now() - started) / 1000).toFixed(1)} s → ${options.out}\n`);
  return failed === 0 ? EXIT.OK : EXIT.NO;
}
