// NDJSON answers written as UTF-8 bytes straight into the buffers that go to the socket (HTTP
// batch) or to the writer thread (CLI batch workers, chunk-answerer.ts). A
// decision's output repeats the same keys and mostly the same strings (labels, ids, often in
// Chinese), so their encoded bytes are cached and copied; JSON.stringify on two-byte text, the
// rope of a line's pieces, and counting and encoding it again for the socket cost more than
// the deciding (measured: ~1.6 µs of a batch line's ~5 µs). writeJson gives JSON.stringify's
// exact bytes (test/engine/json-bytes.test.ts). Frozen parts (engine/interned.ts) are copied whole.
import { randomFillSync } from 'node:crypto';
import { jsonBytesOf } from './interned.ts';

/** Strings whose encoding is remembered (a decision's keys and labels); past the limit, the rest are encoded each time. */
const CACHE_LIMIT = 10_000;
/** A string → its JSON, encoded. Keyed by the string itself, whose hash V8 keeps: no JSON is made to look it up. */
const strings = new Map<string, Buffer>();
/** A key → `"key":` and `,"key":` encoded (an object's first key, and the others). */
const firstKeys = new Map<string, Buffer>();
const keys = new Map<string, Buffer>();

function encoded(map: Map<string, Buffer>, s: string, json: (s: string) => string): Buffer {
  let b = map.get(s);
  if (b === undefined) {
    b = Buffer.from(json(s));
    if (map.size < CACHE_LIMIT) map.set(s, b);
  }
  return b;
}
const stringJson = (s: string): string => JSON.stringify(s);
const firstKeyJson = (k: string): string => `${JSON.stringify(k)}:`;
const keyJson = (k: string): string => `,${JSON.stringify(k)}:`;

/** Where answers are written: one buffer filled and handed out in pieces, a new one once it is full. */
export class ByteSink {
  private buf: Buffer;
  private start = 0;
  pos = 0;

  /** `initial`: a buffer to write into first (a recycled one), or the size of one to make. */
  constructor(initial: ArrayBuffer | number = 64 * 1024) {
    this.buf = typeof initial === 'number' ? Buffer.allocUnsafeSlow(initial) : Buffer.from(initial);
    this.size = this.buf.length;
  }

  private readonly size: number;

  /** Everything written that has not been taken, in one piece (a sink that is never taken from holds all it was given). */
  get unread(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  get pending(): number {
    return this.pos - this.start;
  }

  /** The bytes written since the last take (they stay untouched: later writes go after them). */
  take(): Buffer | undefined {
    if (this.pos === this.start) return undefined;
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  /** Forgets what was written since the last take (an answer that failed half-way). */
  drop(): void {
    this.pos = this.start;
  }

  /** Makes room for n more bytes; a full buffer's unhanded bytes move to the new one. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const carried = this.buf.subarray(this.start, this.pos);
    // Doubling what is carried: a sink never taken from grows in few steps.
    const next = Buffer.allocUnsafeSlow(Math.max(this.size, 2 * carried.length + n));
    carried.copy(next, 0);
    this.buf = next;
    this.start = 0;
    this.pos = carried.length;
  }

  /** Text known to be ASCII (numbers, ids). */
  ascii(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** One byte (an ASCII character's code). */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.room(1);
    this.buf[this.pos++] = c;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    if (n < 16) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += n;
    }
  }

  /** A non-negative safe integer's digits (line numbers), without making a string. */
  digits(n: number): void {
    let width = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) width++;
    this.room(width);
    const buf = this.buf;
    let p = this.pos + width;
    this.pos = p;
    do {
      buf[--p] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /**
   * A random (version 4) UUID, as crypto.randomUUID() makes it, written as its 36 characters:
   * randomUUID() and copying its string cost ~0.3 µs, six times this.
   */
  uuid(): void {
    if (randomAt + 16 > random.length) {
      randomFillSync(random);
      randomAt = 0;
    }
    this.room(36);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < 16; i++) {
      let b = random[randomAt + i]!;
      if (i === 6) b = (b & 0x0f) | 0x40;
      else if (i === 8) b = (b & 0x3f) | 0x80;
      if (i === 4 || i === 6 || i === 8 || i === 10) buf[p++] = 0x2d;
      buf[p++] = HEX[2 * b]!;
      buf[p++] = HEX[2 * b + 1]!;
    }
    randomAt += 16;
    this.pos = p;
  }

  /** Any text, encoded as UTF-8. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}

/** Random bytes for UUIDs, drawn a few hundred UUIDs at a time. */
const random = Buffer.alloc(16 * 512);
let randomAt = random.length;
/** Each byte's two lowercase hex digits. */
const HEX = Buffer.from(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join(''), 'latin1');

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** JSON.stringify(value) as bytes (value: what a decision outputs; anything else falls back to JSON.stringify). */
export function writeJson(sink: ByteSink, value: unknown): void {
  switch (typeof value) {
    case 'string':
      sink.bytes(encoded(strings, value, stringJson));
      return;
    case 'number':
      if (Number.isSafeInteger(value) && value >= 0) sink.digits(value);
      else if (Number.isFinite(value)) sink.ascii(String(value));
      else sink.bytes(NULL);
      return;
    case 'boolean':
      sink.bytes(value ? TRUE : FALSE);
      return;
    case 'object':
      if (value === null) sink.bytes(NULL);
      // A shared frozen part of an output (engine/interned.ts): its bytes are remembered whole.
      else if (Object.isFrozen(value)) sink.bytes(jsonBytesOf(value));
      else if (Array.isArray(value)) writeArray(sink, value);
      else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') sink.text(JSON.stringify(value));
      else writeObject(sink, value as Record<string, unknown>);
      return;
    default:
      // bigint throws as JSON.stringify does; undefined, functions and symbols are left out by the caller.
      sink.text(JSON.stringify(value) ?? 'null');
  }
}

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function writeObject(sink: ByteSink, o: Record<string, unknown>): void {
  sink.byte(0x7b);
  let first = true;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (skipped(v)) continue;
    sink.bytes(first ? encoded(firstKeys, key, firstKeyJson) : encoded(keys, key, keyJson));
    first = false;
    writeJson(sink, v);
  }
  sink.byte(0x7d);
}

function writeArray(sink: ByteSink, a: readonly unknown[]): void {
  sink.byte(0x5b);
  for (let i = 0; i < a.length; i++) {
    if (i > 0) sink.byte(0x2c);
    const v = a[i];
    if (skipped(v)) sink.bytes(NULL);
    else writeJson(sink, v);
  }
  sink.byte(0x5d);
}
