// Streams NDJSON answers for an NDJSON request: lines are read as they arrive, answers leave in
// input order, at most `concurrency` answers are held while one of them waits (a record being
// stored), and reading pauses while the client is not reading answers (backpressure both
// ways). Memory is bounded by that window and the stream buffers, not the line count.
// Answers that are ready at once (the fast path) cost no Promise: a whole input chunk is
// answered in one synchronous pass, written as bytes into one buffer (json-bytes.ts) and sent
// as one piece. Strings would be counted and encoded again by the HTTP layer, and joining them
// into long two-byte strings (Chinese labels) lands in V8's large-object space: both cost more
// a line than deciding it.
import { Readable } from 'node:stream';
import { ByteSink } from '../engine/json-bytes.ts';
import { LineSplitter, type Line } from './ndjson.ts';

export interface AnswerStreamOptions {
  concurrency: number;
  lineLimit: number;
  /**
   * One line's answer: written into `sink` now (returning undefined), or an NDJSON line (ending
   * in a newline), now or later. No sink while an earlier answer is awaited: then a string or a
   * Promise. Must not reject: errors are answers too.
   */
  answer(line: Line, sink: ByteSink | undefined): string | Promise<string> | undefined;
  /** After each input chunk is answered (or waiting): a moment to count what it did. */
  onChunk?(): void;
}

/** Answers ready to go are sent once this many bytes have gathered, or at a chunk's end. */
const GATHER = 32 * 1024;

export function answerStream(input: Readable, options: AnswerStreamOptions): Readable {
  let wake: (() => void) | undefined;
  let writable = true;
  const out = new Readable({
    highWaterMark: 2 * GATHER,
    read() {
      writable = true;
      signal();
    },
  });
  /** Answers behind one that is not ready yet, in order (empty while everything is ready at once). */
  const queue: { text: string | undefined }[] = [];
  const sink = new ByteSink(8 * GATHER);
  let inputDone = false;
  let finished = false;
  let scheduled = false;

  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitForRoom = (): Promise<void> => new Promise((resolve) => { wake = resolve; });

  const flush = (): void => {
    while (queue.length > 0 && queue[0]!.text !== undefined) sink.text(queue.shift()!.text!);
    const ready = sink.take();
    if (ready !== undefined && !finished && !out.push(ready)) writable = false;
    if (inputDone && queue.length === 0 && !finished) {
      finished = true;
      out.push(null);
    }
  };
  // A late answer: write it and whatever is ready behind it, once per turn of the event loop.
  const pump = (): void => {
    scheduled = false;
    if (finished) return;
    flush();
    signal();
  };
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(pump);
    }
  };
  // The client went away: stop reading and deciding.
  out.on('close', () => {
    finished = true;
    signal();
    if (!input.destroyed) input.destroy();
  });

  const take = (line: Line): void => {
    const a = options.answer(line, queue.length === 0 ? sink : undefined);
    if (a === undefined) return;
    if (typeof a === 'string') {
      if (queue.length === 0) sink.text(a);
      else queue.push({ text: a });
      return;
    }
    const slot: { text: string | undefined } = { text: undefined };
    queue.push(slot);
    void a.then((text) => {
      slot.text = text;
      schedule();
    });
  };

  const answerAll = async (lines: Line[]): Promise<void> => {
    for (const line of lines) {
      if (queue.length >= options.concurrency || !writable || sink.pending >= GATHER) {
        flush();
        options.onChunk?.();
        while (!finished && (queue.length >= options.concurrency || !writable)) await waitForRoom();
        if (finished) return;
      }
      take(line);
    }
    flush();
    options.onChunk?.();
  };

  void (async () => {
    const splitter = new LineSplitter(options.lineLimit);
    try {
      for await (const chunk of input) {
        await answerAll(splitter.push(chunk as Buffer));
        if (finished) return;
      }
      await answerAll(splitter.end());
    } catch (err) {
      if (!finished) out.destroy(err as Error);
      finished = true;
      return;
    }
    inputDone = true;
    if (!finished) flush();
  })();
  return out;
}
