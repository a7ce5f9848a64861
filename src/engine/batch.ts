// Many decisions over a stream of inputs, answered in the same order, with a bounded number in
// flight so memory stays flat whatever the length. A bad item is answered with its own error and
// never stops the rest. Without explain every answer is computed synchronously on the fast path
// (no Promise per item); with explain, json-rules-engine runs several items at once.
import { ZhiduError } from '../errors.ts';
import type { CompiledPolicy, DecideOptions, DecisionResult } from './compile.ts';
import { WouldWaitError } from './fast-steps.ts';
import { outputJson } from './interned.ts';

export interface BatchItem {
  /** 1-based line (or row) number in the source, for error reports. */
  line: number;
  input?: unknown;
  /** Set when the item could not even be read (malformed JSON, a bad CSV row). */
  error?: ZhiduError;
}

export interface BatchAnswer {
  line: number;
  result?: DecisionResult;
  error?: ReturnType<ZhiduError['toJSON']>['error'];
}

function asError(err: unknown): ReturnType<ZhiduError['toJSON']>['error'] {
  if (err instanceof ZhiduError) return err.toJSON().error;
  return new ZhiduError('INTERNAL', err instanceof Error ? err.message : String(err)).toJSON().error;
}

export interface BatchOptions extends DecideOptions {
  /** Decisions in flight at once with explain (default 64). */
  concurrency?: number;
}

async function answerLater(policy: CompiledPolicy, decision: string, item: BatchItem, options: DecideOptions): Promise<BatchAnswer> {
  try {
    return { line: item.line, result: await policy.decide(decision, item.input, options) };
  } catch (err) {
    return { line: item.line, error: asError(err) };
  }
}

/** One item's answer: synchronous unless it needs json-rules-engine (explain). */
export function answerNow(policy: CompiledPolicy, decision: string, item: BatchItem, options: DecideOptions = {}): BatchAnswer | Promise<BatchAnswer> {
  if (item.error) return { line: item.line, error: asError(item.error) };
  if (options.explain) return answerLater(policy, decision, item, options);
  try {
    return { line: item.line, result: policy.decideSync(decision, item.input, options.at ? { at: options.at } : {}) };
  } catch (err) {
    if (err instanceof WouldWaitError) return answerLater(policy, decision, item, options);
    return { line: item.line, error: asError(err) };
  }
}

/** An answer as one line of the batch's NDJSON output. */
export function answerLine(answer: BatchAnswer, decision: string): string {
  const result = answer.result;
  if (!result) return JSON.stringify({ line: answer.line, error: answer.error });
  const trace = result.trace ? `,"trace":${JSON.stringify(result.trace)}` : '';
  return `{"line":${answer.line},"decision":${JSON.stringify(decision)},"output":${outputJson(result.output)}${trace}}`;
}

export async function* decideAll(
  policy: CompiledPolicy,
  decision: string,
  items: AsyncIterable<BatchItem> | Iterable<BatchItem>,
  options: BatchOptions = {},
): AsyncGenerator<BatchAnswer> {
  const limit = Math.max(1, options.explain ? options.concurrency ?? 64 : 1);
  const pending: (BatchAnswer | Promise<BatchAnswer>)[] = [];
  for await (const item of items) {
    pending.push(answerNow(policy, decision, item, options));
    if (pending.length >= limit) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
