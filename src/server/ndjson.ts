// Splits an NDJSON byte stream into numbered lines, chunk by chunk, holding at most one partial
// line. A line longer than the limit is reported as too long and skipped to its end, so one
// oversized line costs neither memory nor the lines after it. Blank lines are skipped (they
// still count, so line numbers match the sender's editor). The complete lines of a chunk are
// decoded as one string and sliced (a decode per line costs more than parsing it).
const NEWLINE = 0x0a;

export type Line = { line: number; text: string } | { line: number; tooLong: true };

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;
  private count = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      this.take(chunk, out, false);
      return out;
    }
    this.take(chunk.subarray(0, first), out, true);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last > first) this.lines(chunk, first + 1, last, out);
    if (last + 1 < chunk.length) this.take(chunk.subarray(last + 1), out, false);
    return out;
  }

  /** The last line, when the stream does not end with a newline. */
  end(): Line[] {
    const out: Line[] = [];
    if (this.partialBytes > 0 || this.skipping) this.finish(out);
    return out;
  }

  /** The whole lines in bytes start..end (end at a newline), with no partial line before them. */
  private lines(chunk: Buffer, start: number, end: number, out: Line[]): void {
    // A newline byte never occurs inside a multi-byte UTF-8 character, so this decodes whole characters.
    const text = chunk.toString('utf8', start, end + 1);
    // Pure ASCII: a character is a byte, so a line's length is its size.
    const ascii = text.length === end + 1 - start;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.count++;
      const size = ascii || (nl - from) * 3 <= this.limit ? nl - from : Buffer.byteLength(text.slice(from, nl));
      if (size > this.limit) out.push({ line: this.count, tooLong: true });
      else this.line(text.slice(from, nl), out);
      from = nl + 1;
    }
  }

  private take(piece: Buffer, out: Line[], complete: boolean): void {
    if (!this.skipping) {
      if (this.partialBytes + piece.length > this.limit) {
        this.skipping = true;
        this.partial = [];
        this.partialBytes = 0;
      } else if (piece.length > 0) {
        // Copied: the chunk may be reused by the stream once we return.
        this.partial.push(complete && this.partial.length === 0 ? piece : Buffer.from(piece));
        this.partialBytes += piece.length;
      }
    }
    if (complete) this.finish(out);
  }

  private finish(out: Line[]): void {
    this.count++;
    if (this.skipping) out.push({ line: this.count, tooLong: true });
    else if (this.partialBytes > 0) this.line((this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial)).toString('utf8'), out);
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }

  private line(raw: string, out: Line[]): void {
    const text = raw.charCodeAt(raw.length - 1) === 0x0d ? raw.slice(0, -1) : raw;
    // Most lines start with `{`; only others may be blank.
    if (text.charCodeAt(0) === 0x7b || text.trim() !== '') out.push({ line: this.count, text });
  }
}
