// A batch worker's row reader (src/engine/worker-rows.ts) gives rowToInput's input for every row:
// random cells under the client-profile header (numbers, lists, blanks, junk, short and long rows),
// and under headers rowToInput treats in its own ways.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowToInput, type SchemaNode } from '../../src/cli/rows.ts';
import { rowReader } from '../../src/engine/worker-rows.ts';
import { schemaRegistry } from '../../src/policy/schema.ts';

const schema = schemaRegistry().getSchema('decisions/client-profile.input.schema.json')!.schema as SchemaNode;
const PROFILE = ['assets', 'turnover', 'tradingVolume', 'averageAssets', ...Array.from({ length: 12 }, (_, i) => `answers.${i + 1}`),
  'assessedAt', 'lowestCategory', 'avgDailyAssets3m', 'annualCommission', 'currentTier', 'monthsBelowTier', 'avgHoldingDays', 'activities',
  'annualIncome', 'externalFinancialAssets', 'occupation', 'unknownColumn'];

const cell = fc.oneof(
  fc.constantFrom('', ' ', '\t', '\u3000', ' \u00a0', '\ufeffA', '0', '12.5', ' 7 ', '-3', '1e3', 'Infinity', 'NaN', 'abc', 'A', 'A;B', ' B | C ', '[1,2]', '[bad', 'true', '是', '否', '2026-06-30'),
  fc.double().map(String),
  fc.string({ maxLength: 4 }).filter((s) => !s.includes(',')),
);

function reference(columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, string> = {};
  for (let c = 0; c < Math.min(cells.length, columns.length); c++) record[columns[c]!] = cells[c]!;
  return rowToInput(record, schema);
}

describe('worker row reader', () => {
  it('reads client-profile rows as rowToInput does', () => {
    const read = rowReader(PROFILE, schema);
    fc.assert(fc.property(fc.array(cell, { minLength: 0, maxLength: PROFILE.length + 2 }), (cells) => {
      expect(read(cells)).toStrictEqual(reference(PROFILE, cells));
    }), { numRuns: 5000 });
  });

  it.each([
    [['assets', 'assets']],
    [['1', 'assets', '0']],
    [['answers', 'answers.1']],
    [['answers.1', 'answers']],
    [['__proto__.x', 'assets']],
    [['a.constructor', 'turnover']],
  ])('keeps rowToInput for the header %j', (columns) => {
    const read = rowReader(columns, schema);
    fc.assert(fc.property(fc.array(cell, { maxLength: columns.length + 1 }), (cells) => {
      let expected: unknown;
      let got: unknown;
      try { expected = reference(columns, cells); } catch (err) { expected = String(err); }
      try { got = read(cells); } catch (err) { got = String(err); }
      expect(got).toStrictEqual(expected);
    }), { numRuns: 500 });
  });
});
