// Inputs for the differential test of the fast path: boundary values read off rule specs'
// thresholds, fact records that cross them, decision inputs mutated from the policies' own test
// cases, and a branch override derived from head office's bounds. Nothing here names a policy's
// content: everything is read from the documents and the compiled rules.
import fc from 'fast-check';
import type { RuleSpec } from '../../src/engine/rules.ts';
import { boundsOf } from '../../src/policy/bounds.ts';
import { decisionOfKind } from '../../src/policy/kinds.ts';
import { expandPattern, getAt, splitPointer } from '../../src/policy/pointer.ts';
import type { PolicySet } from '../../src/policy/policy-set.ts';

const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LISTS = new Set(['contains', 'doesNotContain', 'containsAny']);

/** The neighbouring doubles of x: the smallest epsilon there is. */
export function nextDoubles(x: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  const step = (dir: 1 | -1) => {
    if (x === 0) return dir * Number.MIN_VALUE;
    view.setFloat64(0, x);
    view.setBigInt64(0, view.getBigInt64(0) + BigInt((x > 0 ? 1 : -1) * dir));
    return view.getFloat64(0);
  };
  return [step(-1), step(1)];
}

/** t itself, its neighbouring doubles, and t ± 0.01 (a cent, a hundredth of a point). */
export function boundaryValues(t: number): number[] {
  return [...nextDoubles(t), t, t - 0.01, t + 0.01];
}

export interface Leaf {
  fact: string;
  operator: string;
  value: unknown;
}

export function leavesOf(node: unknown, out: Leaf[] = []): Leaf[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) if (Array.isArray(n[key])) for (const c of n[key] as unknown[]) leavesOf(c, out);
  if (n.not) leavesOf(n.not, out);
  if (typeof n.fact === 'string') out.push({ fact: n.fact, operator: String(n.operator), value: n.value });
  return out;
}

/** Every value each fact of these rules should be tried with: each threshold ± epsilon, each constant, one stranger. */
export function factPools(rules: readonly RuleSpec[]): Map<string, unknown[]> {
  const pools = new Map<string, { numbers: Set<number>; scalars: Set<unknown>; elements: Set<unknown> }>();
  for (const leaf of rules.flatMap((r) => leavesOf(r.conditions))) {
    const p = pools.get(leaf.fact) ?? { numbers: new Set(), scalars: new Set(), elements: new Set() };
    pools.set(leaf.fact, p);
    const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
    for (const v of values) {
      if (LISTS.has(leaf.operator)) p.elements.add(v);
      else if (NUMERIC.has(leaf.operator) && typeof v === 'number') for (const b of boundaryValues(v)) p.numbers.add(b);
      else p.scalars.add(v);
    }
  }
  return new Map([...pools].map(([fact, p]) => {
    const elements = [...p.elements];
    const lists = elements.length === 0 ? [] : [[], elements, ...elements.map((e) => [e]), [elements[0], 'stranger']];
    const numbers = p.numbers.size > 0 ? [...p.numbers, 0] : [];
    const scalars = p.scalars.size > 0 ? [...p.scalars, 'stranger'] : [];
    return [fact, [...numbers, ...scalars, ...lists]];
  }));
}

/** Every combination of the pools while there are at most `cap`; beyond that, the first value of each pool against every value of each other. */
export function* factGrid(pools: Map<string, unknown[]>, cap = 30_000): Generator<Record<string, unknown>> {
  const facts = [...pools.keys()];
  const total = [...pools.values()].reduce((n, p) => n * Math.max(1, p.length), 1);
  if (total <= cap) {
    const walk = function* (i: number, acc: Record<string, unknown>): Generator<Record<string, unknown>> {
      if (i === facts.length) { yield { ...acc }; return; }
      for (const v of pools.get(facts[i]!)!) yield* walk(i + 1, { ...acc, [facts[i]!]: v });
    };
    yield* walk(0, {});
    return;
  }
  const base = Object.fromEntries(facts.map((f) => [f, pools.get(f)![0]]));
  for (const f of facts) for (const v of pools.get(f)!) yield { ...base, [f]: v };
}

/** Fact values json-rules-engine treats in its own ways: numeric strings, NaN, null, one-element arrays, … */
export const STRANGE_VALUES: readonly unknown[] = [
  undefined, null, NaN, Infinity, -Infinity, -0, '', '3', ' 12', '12abc', 'abc', true, false, [], [5], ['3'], {}, { a: 1 },
];

/** Random fact records over a runner's facts: pool values, strange values, random numbers and strings. */
export function factRecords(pools: Map<string, unknown[]>): fc.Arbitrary<Record<string, unknown>> {
  const value = (pool: unknown[]) => fc.oneof(
    { arbitrary: fc.constantFrom(...(pool.length > 0 ? pool : [0])), weight: 6 },
    { arbitrary: fc.constantFrom(...STRANGE_VALUES), weight: 2 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 3 }), weight: 1 },
  );
  return fc.record(Object.fromEntries([...pools].map(([fact, pool]) => [fact, value(pool)])));
}

export interface Seed {
  input: Record<string, unknown>;
  at?: string;
}

/** The policy documents' own test inputs, by decision (error cases too: they reach the rules' edges). */
export function seedsOf(set: PolicySet): Map<string, Seed[]> {
  const seeds = new Map<string, Seed[]>();
  for (const doc of set.documents.values()) {
    for (const tc of (doc.value.tests ?? []) as { decision?: string; input: Record<string, unknown>; at?: string }[]) {
      const decision = tc.decision ?? decisionOfKind(doc.kind);
      seeds.set(decision, [...(seeds.get(decision) ?? []), { input: tc.input, ...(tc.at ? { at: tc.at } : {}) }]);
    }
  }
  return seeds;
}

/** Records that combine one seed of each decision listed, as a client's whole record would. */
export function combinedSeeds(seeds: Map<string, Seed[]>, decisions: readonly string[], n: number): Seed[] {
  return Array.from({ length: n }, (_, i) => ({
    input: Object.assign({}, ...decisions.map((d, j) => {
      const list = seeds.get(d) ?? [];
      return list.length === 0 ? {} : list[(i * (j + 3) + j) % list.length]!.input;
    })) as Record<string, unknown>,
  }));
}

type Path = readonly string[];

function leafPaths(value: unknown, prefix: Path, out: Map<string, { path: Path; samples: unknown[] }>): void {
  const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isRecord) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, [...prefix, k], out);
    return;
  }
  const key = JSON.stringify(prefix);
  const entry = out.get(key) ?? { path: prefix, samples: [] };
  entry.samples.push(value);
  out.set(key, entry);
}

/** An arbitrary for the value at a path, shaped like the values the seeds hold there: mostly plausible, sometimes not. */
function valueAt(samples: unknown[], numbers: readonly number[], strings: readonly string[]): fc.Arbitrary<unknown> {
  const seen = [...new Set(samples.map((s) => JSON.stringify(s)))].map((s) => JSON.parse(s) as unknown);
  const options: fc.WeightedArbitrary<unknown>[] = [
    { arbitrary: fc.constantFrom(...seen), weight: 4 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  ];
  const seenNumbers = samples.filter((s): s is number => typeof s === 'number');
  if (seenNumbers.length > 0) {
    const top = Math.max(1, ...seenNumbers) * 1.2;
    options.push(
      { arbitrary: fc.constantFrom(...numbers), weight: 3 },
      { arbitrary: fc.double({ min: 0, max: top, noNaN: true }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: Math.ceil(top) }), weight: 2 },
      { arbitrary: fc.constantFrom(-1, -0.01, 1e12), weight: 1 },
    );
  }
  if (samples.some((s) => typeof s === 'string')) {
    const local = seen.filter((s): s is string => typeof s === 'string');
    options.push({ arbitrary: fc.constantFrom(...local), weight: 4 }, { arbitrary: fc.constantFrom('', 'stranger', ...strings.slice(0, 40)), weight: 1 });
  }
  if (samples.some((s) => typeof s === 'boolean')) options.push({ arbitrary: fc.boolean(), weight: 3 });
  const elements = [...new Set(samples.flatMap((s) => (Array.isArray(s) ? s : [])))];
  if (elements.length > 0) options.push({ arbitrary: fc.subarray(elements), weight: 3 }, { arbitrary: fc.subarray([...elements, 'stranger']), weight: 1 });
  return fc.oneof(...options);
}

function withEdits(seed: Record<string, unknown>, edits: readonly { path: Path; value: unknown }[]): Record<string, unknown> {
  const input = structuredClone(seed);
  for (const { path, value } of edits) {
    let node = input as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      if (node[key] === null || typeof node[key] !== 'object' || Array.isArray(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    if (value === undefined) delete node[path.at(-1)!];
    else node[path.at(-1)!] = value;
  }
  return input;
}

/** Decision inputs: a seed with one to three fields (mostly its own, sometimes another seed's) replaced by boundary numbers, seen values or junk, or removed. */
export function mutatedInputs(seeds: readonly Seed[], numbers: readonly number[], strings: readonly string[]): fc.Arbitrary<Seed> {
  const all = new Map<string, { path: Path; samples: unknown[] }>();
  for (const s of seeds) leafPaths(s.input, [], all);
  const editOf = (path: Path, samples: unknown[]) => valueAt(samples, numbers, strings).map((value) => ({ path, value }));
  const anyEdit = fc.constantFrom(...all.values()).chain(({ path, samples }) => editOf(path, samples));
  const edits = seeds.map((seed) => {
    const own = new Map<string, { path: Path; samples: unknown[] }>();
    leafPaths(seed.input, [], own);
    const ownEdit = own.size === 0 ? anyEdit : fc.constantFrom(...own.keys()).chain((key) => editOf(own.get(key)!.path, all.get(key)!.samples));
    return fc.array(fc.oneof({ arbitrary: ownEdit, weight: 4 }, { arbitrary: anyEdit, weight: 1 }), { minLength: 1, maxLength: 3 });
  });
  return fc.nat({ max: seeds.length - 1 }).chain((i) => edits[i]!.map((list) => ({ ...seeds[i]!, input: withEdits(seeds[i]!.input, list) })));
}

/** Each seed with each numeric field set to each boundary value in turn. */
export function* boundaryInputs(seeds: readonly Seed[], numbers: readonly number[]): Generator<Seed> {
  for (const seed of seeds) {
    const paths = new Map<string, { path: Path; samples: unknown[] }>();
    leafPaths(seed.input, [], paths);
    for (const { path, samples } of paths.values()) {
      if (typeof samples[0] !== 'number') continue;
      for (const value of numbers) yield { ...seed, input: withEdits(seed.input, [{ path, value }]) };
    }
  }
}

function moved(value: number, bound: ReturnType<typeof boundsOf>[number]): number {
  const whole = Number.isInteger(value);
  let next = value;
  if (bound.relative !== undefined) next = value * (1 + (bound.direction === 'down' ? -1 : 1) * bound.relative / 2);
  else if (bound.direction === 'down') next = bound.min !== undefined ? value - (value - bound.min) / 2 : value / 2;
  else if (bound.direction === 'up') next = bound.max !== undefined ? value + (bound.max - value) / 2 : value * 1.5;
  else if (bound.min !== undefined && bound.max !== undefined) next = (bound.min + bound.max) / 2;
  return whole ? Math.round(next) : next;
}

/** A branch override that moves every adjustable number halfway to its bound and drops the last entry of every adjustable list. */
export function derivedOverride(set: PolicySet): Record<string, Record<string, unknown>> {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const doc of set.documents.values()) {
    for (const bound of boundsOf(doc.value)) {
      for (const pointer of expandPattern(doc.value, bound.path)) {
        const value = getAt(doc.value, pointer);
        let next: unknown;
        if (typeof value === 'number') next = moved(value, bound);
        else if (bound.subset && Array.isArray(value) && value.length > 1) next = value.slice(0, -1);
        if (next === undefined) continue;
        let node = (patch[doc.kind] ??= {});
        const keys = splitPointer(pointer);
        for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
        node[keys.at(-1)!] = next;
      }
    }
  }
  return patch;
}
