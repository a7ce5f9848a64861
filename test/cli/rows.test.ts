// CSV cells typed by the decision's input schema (src/cli/rows.ts): cellReader's fast paths (a
// number read without trimming first, a one-item list without splitting) give what the plain
// definition below gives, for any text, whitespace of every kind included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellReader, type SchemaNode } from '../../src/cli/rows.ts';

/** The reading rows.ts documents: trim; a finite number; a boolean word; a list split on ; or |, or JSON; else the text as given. */
function definition(node: SchemaNode, raw: string): unknown {
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const text = raw.trim();
  if ((types.includes('number') || types.includes('integer')) && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (types.includes('boolean')) {
    if (/^(true|1|yes|是)$/i.test(text)) return true;
    if (/^(false|0|no|否)$/i.test(text)) return false;
  }
  if (types.includes('array')) {
    if (text.startsWith('[')) { try { return JSON.parse(text); } catch { return text; } }
    return text.split(/[;|]/).map((p) => p.trim()).filter((p) => p !== '').map((p) => definition(node.items ?? {}, p));
  }
  return raw;
}

const SPACES = [' ', '\t', '\u00a0', '\u3000', '\ufeff', '\u2028', '\n'];
const text = fc.oneof(
  fc.constantFrom('', '0', '-0', '12.5', '1e3', '0x1f', '0b11', 'Infinity', 'NaN', 'A', 'A;B', 'B | C', ';', '|', '[1,2]', '["A"]', '[bad', 'true', 'NO', '是', '否', '2026-06-30'),
  fc.double().map(String),
  fc.string({ maxLength: 6 }),
);
const cell = fc.tuple(fc.array(fc.constantFrom(...SPACES), { maxLength: 2 }), text, fc.array(fc.constantFrom(...SPACES), { maxLength: 2 }))
  .map(([before, t, after]) => before.join('') + t + after.join(''));

const NODES: [string, SchemaNode][] = [
  ['number', { type: 'number' }],
  ['integer', { type: 'integer' }],
  ['boolean', { type: 'boolean' }],
  ['number or boolean', { type: ['number', 'boolean'] }],
  ['list of text', { type: 'array', items: { type: 'string' } }],
  ['text or list (an answer)', { type: ['string', 'array'], items: { type: 'string' } }],
  ['list of numbers', { type: 'array', items: { type: 'number' } }],
  ['text', { type: 'string' }],
];

describe('CSV cells', () => {
  it.each(NODES)('reads %s cells as the definition does', (_name, node) => {
    const read = cellReader(node);
    fc.assert(fc.property(cell, (raw) => {
      expect(read(raw)).toStrictEqual(definition(node, raw));
    }), { numRuns: 3000 });
  });

  it('reads whitespace around a number, and not blank text as 0', () => {
    const read = cellReader({ type: 'number' });
    expect(read('\u3000 12.5\t')).toBe(12.5);
    expect(read(' \u00a0')).toBe(' \u00a0');
    expect(read('0')).toBe(0);
  });

  it('reads a one-letter answer as a list of one, and a list split on ; or |', () => {
    const read = cellReader({ type: ['string', 'array'], items: { type: 'string' } });
    expect(read(' C ')).toStrictEqual(['C']);
    expect(read('A; D|B')).toStrictEqual(['A', 'D', 'B']);
    expect(read('  ')).toStrictEqual([]);
  });
});
