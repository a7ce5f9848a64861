// Streams NDJSON answers for an NDJSON request: lines are read as they arrive, at most
// `concurrency` are in flight, answers leave in input order as soon as each one and all before
// it are ready, and reading pauses while the client is not reading answers (backpressure both
// ways). Memory is bounded by the in-flight window and the stream buffers, not the line count.
import { PassThrough, type Readable } from 'node:stream';
import { LineSplitter, type Line } from './ndjson.ts';

export interface AnswerStreamOptions {
  concurrency: number;
  lineLimit: number;
  /** One NDJSON answer line (ending in a newline). Must not reject: errors are answers too. */
  answer(line: Line): Promise<string>;
}

export function answerStream(input: Readable, options: AnswerStreamOptions): Readable {
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  const queue: { text?: string }[] = [];
  let wake: (() => void) | undefined;
  let writable = true;
  let inputDone = false;
  let finished = false;
  let scheduled = false;

  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitForRoom = (): Promise<void> => new Promise((resolve) => { wake = resolve; });

  // Writes every answer that is ready in order, once per turn of the event loop, as one chunk.
  const pump = (): void => {
    scheduled = false;
    if (finished) return;
    let chunk = '';
    while (queue.length > 0 && queue[0]!.text !== undefined) chunk += queue.shift()!.text;
    if (chunk !== '' && !out.write(chunk)) writable = false;
    if (inputDone && queue.length === 0) {
      finished = true;
      out.end();
    }
    signal();
  };
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(pump);
    }
  };
  out.on('drain', () => {
    writable = true;
    signal();
  });
  // The client went away: stop reading and deciding.
  out.on('close', () => {
    finished = true;
    signal();
    if (!input.destroyed) input.destroy();
  });

  const admit = async (line: Line): Promise<void> => {
    while (!finished && (queue.length >= options.concurrency || !writable)) await waitForRoom();
    if (finished) return;
    const slot: { text?: string } = {};
    queue.push(slot);
    void options.answer(line).then((text) => {
      slot.text = text;
      schedule();
    });
  };

  void (async () => {
    const splitter = new LineSplitter(options.lineLimit);
    try {
      for await (const chunk of input) {
        for (const line of splitter.push(chunk as Buffer)) await admit(line);
        if (finished) return;
      }
      for (const line of splitter.end()) await admit(line);
    } catch (err) {
      if (!finished) out.destroy(err as Error);
      finished = true;
      return;
    }
    inputDone = true;
    schedule();
  })();
  return out;
}
