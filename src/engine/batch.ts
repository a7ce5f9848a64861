// Many decisions over a stream of inputs, answered in the same order, with a bounded number in
// flight so memory stays flat whatever the length. A bad item is answered with its own error and
// never stops the rest.
import { ZhiduError } from '../errors.ts';
import type { CompiledPolicy, DecideOptions, DecisionResult } from './compile.ts';

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
  /** Decisions in flight at once (default 64). */
  concurrency?: number;
}

export async function* decideAll(
  policy: CompiledPolicy,
  decision: string,
  items: AsyncIterable<BatchItem> | Iterable<BatchItem>,
  options: BatchOptions = {},
): AsyncGenerator<BatchAnswer> {
  const limit = Math.max(1, options.concurrency ?? 64);
  const pending: Promise<BatchAnswer>[] = [];
  const one = async (item: BatchItem): Promise<BatchAnswer> => {
    if (item.error) return { line: item.line, error: asError(item.error) };
    try {
      return { line: item.line, result: await policy.decide(decision, item.input, options) };
    } catch (err) {
      return { line: item.line, error: asError(err) };
    }
  };
  for await (const item of items) {
    pending.push(one(item));
    if (pending.length >= limit) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
