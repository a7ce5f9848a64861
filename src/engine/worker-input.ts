// A batch file cut into blocks of whole lines for the workers to parse, when that gives exactly
// what src/cli/rows.ts would read: NDJSON, and CSV without a single quote character (then one
// record is one line), with line endings all "\n" or all "\r\n" (csv-parse and readline treat a
// lone "\r" as a line break of their own). Otherwise the main thread reads rows as before.
import { open } from 'node:fs/promises';
import type { ChunkSpec } from './worker-pool.ts';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const READ_BYTES = 1 << 20;

export interface LineLayout {
  /** Can the file be cut at line ends and parsed line by line, with rows.ts's results? */
  lineByLine: boolean;
  crlf: boolean;
}

/** One pass over the file: quotes (for CSV) and how lines end. */
export async function lineLayout(path: string, format: 'csv' | 'ndjson'): Promise<LineLayout> {
  const file = await open(path);
  let sawQuote = false;
  let crs = 0;
  let crlfs = 0;
  let lfs = 0;
  let lastByte = -1;
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, READ_BYTES);
      if (bytesRead === 0) break;
      const view = buf.subarray(0, bytesRead);
      if (format === 'csv' && !sawQuote && view.indexOf(QUOTE) >= 0) sawQuote = true;
      for (let i = view.indexOf(LF); i >= 0; i = view.indexOf(LF, i + 1)) {
        lfs++;
        if ((i > 0 ? view[i - 1] : lastByte) === CR) crlfs++;
      }
      for (let i = view.indexOf(CR); i >= 0; i = view.indexOf(CR, i + 1)) crs++;
      lastByte = view[bytesRead - 1]!;
    }
  } finally {
    await file.close();
  }
  const endings = crs === 0 ? 'lf' : crs === crlfs && crlfs === lfs ? 'crlf' : 'mixed';
  return { lineByLine: !sawQuote && endings !== 'mixed', crlf: endings === 'crlf' };
}

/** Bytes in an ArrayBuffer of their own, which can be handed to a worker (Buffer's small ones share a pool). */
function own(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buf.indexOf(LF); i >= 0; i = buf.indexOf(LF, i + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== LF ? n + 1 : n;
}

/**
 * The file as blocks of about `blockBytes` of whole lines, as bytes the worker decodes. For CSV
 * the header (the first non-empty line, after a byte-order mark) is read here and given with
 * every block.
 */
export async function* lineBlocks(
  path: string,
  format: 'csv' | 'ndjson',
  layout: LineLayout,
  blockBytes = 256 * 1024,
): AsyncGenerator<ChunkSpec & { kind: 'lines'; bytes: number }> {
  const file = await open(path);
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let columns: string[] | undefined = format === 'csv' ? undefined : [];
  let first = true;
  try {
    const buf = Buffer.allocUnsafe(blockBytes);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, blockBytes);
      const data = Buffer.allocUnsafeSlow(carry.length + bytesRead);
      data.set(carry);
      buf.copy(data, carry.length, 0, bytesRead);
      const end = bytesRead === 0 ? data.length : data.lastIndexOf(LF) + 1;
      if (end === 0) {
        carry = data;
        if (bytesRead === 0) break;
        continue;
      }
      carry = own(data.subarray(end));
      let block: Uint8Array = data.subarray(0, end);
      if (first && format === 'csv' && block[0] === 0xef && block[1] === 0xbb && block[2] === 0xbf) block = block.subarray(3);
      first = false;
      let firstLine = line;
      line += countLines(block);
      if (!columns) {
        // Skip empty lines up to the header, which is the first line with anything on it.
        const all = Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString('utf8').split('\n');
        let h = 0;
        while (h < all.length && all[h]!.replace(/\r$/, '') === '') h++;
        if (h === all.length) continue;
        columns = all[h]!.replace(/\r$/, '').split(',');
        const rest = all.slice(h + 1).join('\n');
        firstLine += h + 1;
        if (rest === '') continue;
        block = own(Buffer.from(rest));
      }
      yield { kind: 'lines', format, data: block, firstLine, crlf: layout.crlf, columns, bytes: end };
      if (bytesRead === 0) break;
    }
  } finally {
    await file.close();
  }
}
