// A rule set over few facts, compared with few constants, compiled once more into a table: each
// fact's values fall into regions that every condition treats alike (the numbers below, at and
// between the constants it is compared with; each constant of another type), so the fired rules
// are a function of the region of each fact. The table holds the fired rules of every combination,
// computed by the closures themselves on one representative value per region, so it answers
// exactly what they answer; a value outside every region (a list, an object, a string no
// condition names) is left to the closures.
import type { RuleSpec } from './rules.ts';

export interface LeafInfo {
  /** Index of the fact in the run's values. */
  fact: number;
  operator: string;
  value: unknown;
}

const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LISTS = new Set(['contains', 'doesNotContain', 'containsAny']);
/** Beyond this many combinations the closures are left to answer alone. */
const MAX_CELLS = 4096;

interface Domain {
  /** The numbers the fact is compared with, ascending. */
  cuts: number[];
  /** Region of every other value a condition names (both booleans if it names one), and of null, undefined and NaN. */
  others: Map<unknown, number>;
  /** One value of each region, by region. */
  representatives: unknown[];
}

function domainOf(leaves: readonly LeafInfo[]): Domain | undefined {
  const cuts = new Set<number>();
  const others = new Set<unknown>([null, undefined, NaN]);
  const note = (v: unknown) => {
    if (typeof v === 'number') { if (!Number.isNaN(v)) cuts.add(v); }
    else if (typeof v === 'boolean') { others.add(true); others.add(false); }
    else if (typeof v === 'string') others.add(v);
    // Objects and arrays equal no value a region holds; nothing to note.
  };
  for (const { operator, value } of leaves) {
    if (NUMERIC.has(operator)) {
      // Compared with a string, a number converts: no fixed regions.
      if (typeof value !== 'number') return undefined;
      note(value);
    } else if (operator === 'equal' || operator === 'notEqual') note(value);
    // `in` a string searches for a substring of the fact: no fixed regions.
    else if (operator === 'in' || operator === 'notIn') { if (!Array.isArray(value)) return undefined; value.forEach(note); }
    // A list fact: no value a region holds is a list, so these hold alike across each region.
    else if (!LISTS.has(operator)) return undefined;
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const n = sorted.length;
  const representatives: unknown[] = [];
  for (let r = 0; r <= 2 * n; r++) {
    if (r % 2 === 1) representatives.push(sorted[(r - 1) / 2]);
    else if (n === 0) representatives.push(0);
    else if (r === 0) representatives.push(-Infinity);
    else if (r === 2 * n) representatives.push(Infinity);
    else representatives.push(sorted[r / 2 - 1]! / 2 + sorted[r / 2]! / 2);
  }
  // Each number region's representative must lie inside it (not so with an infinite constant).
  for (let r = 0; r <= 2 * n; r += 2) {
    const x = representatives[r] as number;
    if ((r > 0 && !(sorted[r / 2 - 1]! < x)) || (r < 2 * n && !(x < sorted[r / 2]!))) return undefined;
  }
  const map = new Map<unknown, number>();
  for (const v of others) map.set(v, representatives.push(v) - 1);
  return { cuts: sorted, others: map, representatives };
}

/**
 * The table for these leaves over `factCount` facts, with `evaluate` (the closures) filling it;
 * undefined when a fact has no fixed regions or there would be too many combinations. The
 * lookup answers undefined for values outside every region.
 */
export function compileTable(
  factCount: number,
  leaves: readonly LeafInfo[],
  evaluate: (values: readonly unknown[]) => readonly RuleSpec[],
): ((values: readonly unknown[]) => readonly RuleSpec[] | undefined) | undefined {
  const domains: Domain[] = [];
  let cells = 1;
  for (let k = 0; k < factCount; k++) {
    const domain = domainOf(leaves.filter((l) => l.fact === k));
    if (!domain) return undefined;
    domains.push(domain);
    cells *= domain.representatives.length;
    if (cells > MAX_CELLS) return undefined;
  }
  const strides = domains.map((_, k) => domains.slice(k + 1).reduce((s, d) => s * d.representatives.length, 1));
  const table: (readonly RuleSpec[])[] = [];
  for (let cell = 0; cell < cells; cell++) {
    table.push(evaluate(domains.map((d, k) => d.representatives[Math.floor(cell / strides[k]!) % d.representatives.length])));
  }
  const cutsOf = domains.map((d) => d.cuts);
  const othersOf = domains.map((d) => d.others);
  return (values) => {
    let cell = 0;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      let region: number | undefined;
      if (typeof v === 'number' && v === v) {
        const cuts = cutsOf[k]!;
        let lo = 0;
        while (lo < cuts.length && cuts[lo]! < v) lo++;
        region = lo < cuts.length && cuts[lo] === v ? 2 * lo + 1 : 2 * lo;
      } else {
        region = othersOf[k]!.get(v);
        if (region === undefined) return undefined;
      }
      cell += region * strides[k]!;
    }
    return table[cell];
  };
}
