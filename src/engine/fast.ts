// The fast path: a runner's RuleSpecs compiled once into plain closures that give exactly what
// json-rules-engine 7.3.1 gives (read from its dist/: condition.js, rule.js, almanac.js,
// engine-default-operators.js), without its per-run deep copy of every rule and its promises.
// A spec outside the subset reproduced here (an operator not in src/policy/conditions.ts, a
// condition reference, a `{fact}` value, condition priorities, params or paths) compiles to
// undefined, and its runner keeps json-rules-engine; a run whose facts are not plain data for
// the rules is declined the same way (FastRules.run).
import { Fact } from 'json-rules-engine';
import { compileTable, type LeafInfo } from './fast-table.ts';
import type { RuleSpec } from './rules.ts';

type Facts = Readonly<Record<string, unknown>>;
/** A condition over the run's fact values, read once into an array (fact i at index i). */
type Test = (values: readonly unknown[]) => boolean;

/** json-rules-engine's numberValidator: a fact a numeric operator accepts (a number that is not NaN, "12abc", [5]). */
function numeric(a: unknown): boolean {
  return Number.parseFloat(a as string).toString() !== 'NaN';
}

/** `in`/`notIn` call value.indexOf(fact): an array tests membership, a string tests for a substring. */
function searchable(value: unknown): value is { indexOf(x: unknown): number } {
  return Array.isArray(value) || typeof value === 'string';
}

/**
 * A leaf as json-rules-engine evaluates it: the operator's fact validator, then its callback,
 * on facts[fact]. For a number the numeric validator is `!isNaN`, and NaN compares false anyway,
 * so numbers skip it. Each operator is one function literal, so call sites stay few-shaped.
 */
function leafTest(k: number, operator: string, v: unknown): Test | undefined {
  const w = v as number;
  switch (operator) {
    case 'equal': return (f) => f[k] === v;
    case 'notEqual': return (f) => f[k] !== v;
    case 'lessThan': return (f) => { const a = f[k]; return typeof a === 'number' ? a < w : numeric(a) && (a as number) < w; };
    case 'lessThanInclusive': return (f) => { const a = f[k]; return typeof a === 'number' ? a <= w : numeric(a) && (a as number) <= w; };
    case 'greaterThan': return (f) => { const a = f[k]; return typeof a === 'number' ? a > w : numeric(a) && (a as number) > w; };
    case 'greaterThanInclusive': return (f) => { const a = f[k]; return typeof a === 'number' ? a >= w : numeric(a) && (a as number) >= w; };
    // Any other value makes json-rules-engine throw on every run: leave that to it.
    case 'in': return searchable(v) ? (f) => v.indexOf(f[k]) > -1 : undefined;
    case 'notIn': return searchable(v) ? (f) => v.indexOf(f[k]) === -1 : undefined;
    case 'contains': return (f) => { const a = f[k]; return Array.isArray(a) && a.indexOf(v) > -1; };
    case 'doesNotContain': return (f) => { const a = f[k]; return Array.isArray(a) && a.indexOf(v) === -1; };
    // The custom operator registered in rules.ts, same expression.
    case 'containsAny': return Array.isArray(v) ? (f) => { const a = f[k]; return Array.isArray(a) && v.some((x) => a.includes(x)); } : () => false;
    default: return undefined;
  }
}

const LEAF_KEYS = new Set(['fact', 'operator', 'value']);

/** Short-circuiting conjunction and disjunction; results equal json-rules-engine's, which evaluates every child. */
function allOf(tests: Test[]): Test {
  const [a, b, c] = tests;
  if (tests.length === 2) return (f) => a!(f) && b!(f);
  if (tests.length === 3) return (f) => a!(f) && b!(f) && c!(f);
  return (f) => { for (const t of tests) if (!t(f)) return false; return true; };
}

function anyOf(tests: Test[]): Test {
  const [a, b, c] = tests;
  if (tests.length === 2) return (f) => a!(f) || b!(f);
  if (tests.length === 3) return (f) => a!(f) || b!(f) || c!(f);
  return (f) => { for (const t of tests) if (t(f)) return true; return false; };
}

const always: Test = () => true;

/** One condition node, or undefined when it is outside the subset; `facts` and `leaves` collect what it reads. */
function compileNode(node: unknown, facts: string[], leaves: LeafInfo[]): Test | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const n = node as Record<string, unknown>;
  const keys = Object.keys(n);
  const own = Object.prototype.hasOwnProperty.bind(n);
  if (own('any') || own('all') || own('not')) {
    if (keys.length !== 1) return undefined; // priorities, names, or two operators in one node
    if (own('not')) {
      const inner = compileNode(n.not, facts, leaves);
      return inner && ((f) => !inner(f));
    }
    const list = (own('any') ? n.any : n.all) as unknown;
    if (!Array.isArray(list)) return undefined;
    const children: Test[] = [];
    for (const child of list) {
      const test = compileNode(child, facts, leaves);
      if (!test) return undefined;
      children.push(test);
    }
    // json-rules-engine resolves an empty `any` to true, like an empty `all`.
    if (children.length === 0) return always;
    if (children.length === 1) return children[0]!;
    return own('any') ? anyOf(children) : allOf(children);
  }
  if (keys.length !== 3 || !keys.every((k) => LEAF_KEYS.has(k))) return undefined;
  const { fact, operator, value } = n as { fact: unknown; operator: unknown; value: unknown };
  if (typeof fact !== 'string' || fact === '' || typeof operator !== 'string') return undefined;
  // A name Object.prototype has would read as present on a plain object; json-rules-engine disagrees.
  if (fact in Object.prototype) return undefined;
  // json-rules-engine reads a value {fact: …} as another fact's value.
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact')) return undefined;
  const k = facts.includes(fact) ? facts.indexOf(fact) : facts.push(fact) - 1;
  leaves.push({ fact: k, operator, value });
  return leafTest(k, operator, value);
}

export interface FastRules {
  /**
   * The specs whose conditions hold, in priority order (highest first) then declaration order;
   * undefined when the facts are not plain data for every fact the rules read (one is missing,
   * or is a function or a json-rules-engine Fact): json-rules-engine must answer those, since
   * it rejects a run missing a fact, naming whichever its promises reach first.
   */
  run(facts: Facts): readonly RuleSpec[] | undefined;
}

/** Compile every spec, or return undefined if any lies outside the subset the closures reproduce. */
export function compileFast(specs: readonly RuleSpec[]): FastRules | undefined {
  const needed: string[] = [];
  const leaves: LeafInfo[] = [];
  const compiled: { spec: RuleSpec; test: Test; i: number }[] = [];
  for (const [i, spec] of specs.entries()) {
    const test = compileNode(spec.conditions, needed, leaves);
    if (!test) return undefined;
    compiled.push({ spec, test, i });
  }
  // Evaluated in the order the runner reports fired rules (a stable sort keeps declaration order).
  compiled.sort((a, b) => (b.spec.priority ?? 1) - (a.spec.priority ?? 1) || a.i - b.i);
  const tests = compiled.map((c) => c.test);
  const rules = compiled.map((c) => c.spec);

  // Up to 30 rules, the fired set is a bit mask and each distinct set one shared frozen array:
  // a run then allocates nothing.
  const small = tests.length <= 30;
  const firedSets = new Map<number, readonly RuleSpec[]>();
  const remember = (mask: number): readonly RuleSpec[] => {
    const fired = Object.freeze(rules.filter((_, i) => (mask & (1 << i)) !== 0));
    if (firedSets.size < 4096) firedSets.set(mask, fired);
    return fired;
  };
  const evaluate = (values: readonly unknown[]): readonly RuleSpec[] => {
    if (!small) {
      const fired: RuleSpec[] = [];
      for (let i = 0; i < tests.length; i++) if (tests[i]!(values)) fired.push(rules[i]!);
      return fired;
    }
    let mask = 0;
    for (let i = 0; i < tests.length; i++) if (tests[i]!(values)) mask |= 1 << i;
    return firedSets.get(mask) ?? remember(mask);
  };
  const table = compileTable(needed.length, leaves, evaluate);
  // Per-run scratch, reused: a run is synchronous and never re-entered.
  const values: unknown[] = needed.map(() => undefined);

  return {
    run(facts) {
      // json-rules-engine turns every key into a Fact, and an empty id throws.
      if (Object.prototype.hasOwnProperty.call(facts, '')) return undefined;
      for (let i = 0; i < needed.length; i++) {
        const name = needed[i]!;
        const value = facts[name];
        if (value === undefined && !Object.prototype.hasOwnProperty.call(facts, name)) return undefined;
        if (typeof value === 'function' || (typeof value === 'object' && value instanceof Fact)) return undefined;
        values[i] = value;
      }
      return (table && table(values)) ?? evaluate(values);
    },
  };
}
