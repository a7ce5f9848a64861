// The byte writer of batch answers gives JSON.stringify's exact bytes, for decisions' outputs
// and for any JSON value (strange keys, escapes, lone surrogates, non-finite numbers, toJSON),
// across buffer edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink, writeJson } from '../../src/engine/json-bytes.ts';

function bytesOf(value: unknown, size?: number): string {
  const sink = new ByteSink(size);
  const parts: Buffer[] = [];
  writeJson(sink, value);
  parts.push(sink.take() ?? Buffer.alloc(0));
  return Buffer.concat(parts).toString('utf8');
}

describe('writeJson', () => {
  it('writes what JSON.stringify writes', () => {
    const samples: unknown[] = [
      { class: 'B', label: 'B类客户', tier: '1m-5m', turnover: 2.7, turnoverThreshold: 3, n: -0, big: 1e21, small: 5e-7 },
      { '': 1, 'a"b': 'c\\d', '\n': '\u2028', emoji: '😀', lone: '\ud800x', ctrl: '\u0001' },
      { skip: undefined, f: () => 1, s: Symbol('x'), nested: { list: [1, undefined, () => 2, null, 'x'], deep: { at: new Date(0) } } },
      [Number.NaN, Infinity, -Infinity, true, false, null],
      { toJSON: () => ({ replaced: true }) },
      { 2: 'b', 1: 'a', z: 'z', a: 'a' },
      '中文', 12, null,
    ];
    for (const v of samples) expect(bytesOf(v)).toBe(JSON.stringify(v));
  });

  it('copies frozen parts whole, with the same bytes', () => {
    const shared = Object.freeze({ package: 'gold', label: '金卡服务', items: Object.freeze(['投顾', '研报']) });
    const output = { class: 'A', service: shared, again: shared, list: [shared] };
    expect(bytesOf(output)).toBe(JSON.stringify(output));
    expect(bytesOf(output, 8)).toBe(JSON.stringify(output));
  });

  it('agrees with JSON.stringify on random values, with buffers small enough to fill', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 64 }), (v, size) => bytesOf(v, size) === JSON.stringify(v)), { numRuns: 2000 });
  });

  it('hands out each byte once, in order, however many buffers it takes', () => {
    const sink = new ByteSink(16);
    const parts: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) {
      const v = { i, label: `标签${i % 7}`, list: [i, 'x'] };
      writeJson(sink, v);
      expected.push(JSON.stringify(v));
      if (i % 3 === 0) parts.push(sink.take()!);
    }
    parts.push(sink.take() ?? Buffer.alloc(0));
    expect(Buffer.concat(parts).toString('utf8')).toBe(expected.join(''));
  });
});

describe('ByteSink', () => {
  it('writes line numbers as their digits', () => {
    const sink = new ByteSink(4);
    for (const n of [0, 7, 10, 99, 100, 123456789, Number.MAX_SAFE_INTEGER]) sink.digits(n);
    expect(sink.take()!.toString()).toBe(['0', '7', '10', '99', '100', '123456789', String(Number.MAX_SAFE_INTEGER)].join(''));
  });

  it('writes version 4 UUIDs, all different', () => {
    const sink = new ByteSink(64);
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      sink.uuid();
      const id = sink.take()!.toString('latin1');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(5000);
  });
});
