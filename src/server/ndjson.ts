// Splits an NDJSON byte stream into numbered lines, chunk by chunk, holding at most one partial
// line. A line longer than the limit is reported as too long and skipped to its end, so one
// oversized line costs neither memory nor the lines after it. Blank lines are skipped (they
// still count, so line numbers match the sender's editor).
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
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.take(chunk.subarray(start, nl), out, true);
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start), out, false);
    return out;
  }

  /** The last line, when the stream does not end with a newline. */
  end(): Line[] {
    const out: Line[] = [];
    if (this.partialBytes > 0 || this.skipping) this.finish(out);
    return out;
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
    if (this.skipping) {
      out.push({ line: this.count, tooLong: true });
    } else {
      const text = (this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial)).toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') out.push({ line: this.count, text });
    }
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
  }
}
