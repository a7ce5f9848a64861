// Which revision (or branch override) is in force at an instant: the server's timeline answers by
// binary search (policy-cache.ts Schedule), and must give what the definition gives, the highest
// id among the entries already in effect, for any entries and any instant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Schedule } from '../../src/server/policy-cache.ts';

interface Entry { id: number; from: number }

/** The definition, as the store resolves it. */
function inForce(entries: readonly Entry[], t: number): Entry | undefined {
  let found: Entry | undefined;
  for (const e of entries) if (e.from <= t && (!found || e.id > found.id)) found = e;
  return found;
}

// Few distinct instants, so that entries share them and instants fall on them exactly.
const instant = fc.integer({ min: 0, max: 20 }).map((n) => 1_700_000_000_000 + n * 86_400_000);
const entries = fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 1000 }), from: instant }), { selector: (e) => e.id, maxLength: 12 });

describe('the schedule of revisions and overrides', () => {
  it('is in force as the definition says, at any instant', () => {
    fc.assert(fc.property(entries, fc.oneof(instant, instant.map((t) => t - 1), instant.map((t) => t + 1), fc.constant(Number.NaN)), (list, t) => {
      expect(new Schedule(list).at(t)).toBe(inForce(list, t));
    }), { numRuns: 2000 });
  });

  it('a later revision with an earlier effective date wins once both are in effect; nothing is in force before the first', () => {
    const day = 86_400_000;
    const s = new Schedule([{ id: 1, from: 10 * day }, { id: 2, from: 20 * day }, { id: 3, from: 15 * day }]);
    expect(s.at(9 * day)).toBeUndefined();
    expect(s.at(12 * day)?.id).toBe(1);
    expect(s.at(15 * day)?.id).toBe(3);
    expect(s.at(25 * day)?.id).toBe(3);
  });
});
