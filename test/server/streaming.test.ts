// The pieces of the streamed batch, without a server: the NDJSON line splitter (chunk edges,
// CRLF, split UTF-8, oversized lines), and the answer stream's order and backpressure — with
// nobody reading the answers, it stops reading input after a bounded number of lines.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerStream } from '../../src/server/batch-stream.ts';
import { LineSplitter, type Line } from '../../src/server/ndjson.ts';

function split(chunks: (string | Buffer)[], limit = 1024): Line[] {
  const s = new LineSplitter(limit);
  return [...chunks.flatMap((c) => s.push(Buffer.isBuffer(c) ? c : Buffer.from(c))), ...s.end()];
}

describe('LineSplitter', () => {
  it('numbers lines across chunk edges, skipping blank ones, with or without a final newline', () => {
    expect(split(['{"a"', ':1}\n\n  \n{"b":2}\r\n{"c"', ':3}'])).toEqual([
      { line: 1, text: '{"a":1}' }, { line: 4, text: '{"b":2}' }, { line: 5, text: '{"c":3}' },
    ]);
  });

  it('keeps a character whose UTF-8 bytes straddle two chunks', () => {
    const bytes = Buffer.from('{"name":"适当性"}\n');
    expect(split([bytes.subarray(0, 11), bytes.subarray(11)])).toEqual([{ line: 1, text: '{"name":"适当性"}' }]);
  });

  it('reports a line over the limit and carries on with the next', () => {
    expect(split(['{"x":"', 'y'.repeat(20), 'z'.repeat(20), '"}\n{"ok":1}\n'], 32)).toEqual([{ line: 1, tooLong: true }, { line: 2, text: '{"ok":1}' }]);
    expect(split(['y'.repeat(40)], 32)).toEqual([{ line: 1, tooLong: true }]);
  });
});

describe('answerStream', () => {
  const answer = async (line: Line): Promise<string> => {
    // Later lines finish first, to show that order is kept anyway.
    await new Promise((r) => setTimeout(r, 'text' in line ? 5 - (line.line % 5) : 0));
    return `${line.line}\n`;
  };

  it('answers in input order', async () => {
    const input = Readable.from(Array.from({ length: 500 }, (_, i) => Buffer.from(`{"i":${i}}\n`)));
    let out = '';
    for await (const chunk of answerStream(input, { concurrency: 16, lineLimit: 1024, answer })) out += chunk;
    expect(out.trimEnd().split('\n').map(Number)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('stops reading input while nobody reads the answers', async () => {
    let pulled = 0;
    const input = new Readable({
      highWaterMark: 1,
      read() {
        pulled++;
        this.push(Buffer.from('{"assets":1}\n'.repeat(10)));
      },
    });
    const out = answerStream(input, { concurrency: 8, lineLimit: 1024, answer: async (l) => `${'x'.repeat(1000)} ${l.line}\n` });
    await new Promise((r) => setTimeout(r, 300));
    const stalled = pulled;
    await new Promise((r) => setTimeout(r, 300));
    // Bounded: the in-flight window plus the stream buffers (64 KiB of answers), not the input.
    expect(pulled).toBe(stalled);
    expect(pulled * 10).toBeLessThan(200);
    // Reading the answers lets it go on.
    let read = 0;
    for await (const chunk of out) {
      read += String(chunk).split('\n').length - 1;
      if (read > 1000) break;
    }
    expect(pulled).toBeGreaterThan(stalled);
  });
});
