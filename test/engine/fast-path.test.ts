// The fast path (src/engine/fast.ts) against json-rules-engine, the reference evaluator: the same
// facts through both, for every operator and for every rule set of both shipped policy sets with
// and without a branch override (every threshold ± epsilon, then random fact records), and the
// same decision inputs through decideSync (fast path) and decide with explain (json-rules-engine)
// for every decision (every boundary value, then 10,000 fast-check inputs each). Any difference fails.
import { relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { compileFast } from '../../src/engine/fast.ts';
import { RuleRunner, type RuleSpec, type RunResult } from '../../src/engine/rules.ts';
import { headlineOf } from '../../src/engine/simulate.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadValidPolicyDir, type PolicySet } from '../../src/policy/policy-set.ts';
import * as inputs from '../helpers/fast-path-inputs.ts';
import { FROZEN_NOW, ROOT, shippedPolicySets } from '../helpers/policy-sets.ts';

// Every RuleRunner a compile builds, so that each rule set can be driven directly.
const recorded = vi.hoisted(() => ({ runners: [] as unknown[] }));
vi.mock('../../src/engine/rules.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/engine/rules.ts')>();
  class RecordedRunner extends actual.RuleRunner {
    constructor(...args: ConstructorParameters<typeof actual.RuleRunner>) {
      super(...args);
      recorded.runners.push(this);
    }
  }
  return { ...actual, RuleRunner: RecordedRunner };
});

/** What a run came to, comparable across the two evaluators. */
async function ruleOutcome(run: () => Promise<RunResult> | RunResult | undefined): Promise<unknown> {
  try {
    const r = await run();
    return r === undefined ? 'declined' : { fired: r.fired.map((s) => s.id) };
  } catch (err) {
    return { error: String(err), code: (err as { code?: unknown }).code };
  }
}

async function sameRun(runner: RuleRunner, facts: Record<string, unknown>): Promise<void> {
  const fast = compileFast(runner.rules);
  const reference = await ruleOutcome(() => runner.runEngine(facts, false));
  const quick = await ruleOutcome(() => { const fired = fast?.run(facts); return fired && { fired }; });
  if (quick === 'declined') {
    // Rules or runs the fast path declines are json-rules-engine's to answer: the runner hands them over.
    expect(await ruleOutcome(() => runner.run(facts, false)), JSON.stringify(facts)).toEqual(reference);
    return;
  }
  expect(quick, JSON.stringify(facts)).toEqual(reference);
}

const rule = (id: string, conditions: unknown, priority?: number): RuleSpec => ({
  id, conditions: conditions as RuleSpec['conditions'], event: { type: id }, ...(priority ? { priority } : {}),
  source: { file: 'test', path: '', line: 1, column: 1 },
});

describe('operators, as json-rules-engine 7.3.1 evaluates them', () => {
  const operators = ['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain', 'containsAny'];
  const values: unknown[] = [0, 3, -1.5, 'a', '3', 'abc', true, null, [], ['a', 'b'], [3, 'a'], ['3', NaN]];

  it('every operator against every kind of value compiles (or is left to json-rules-engine) and agrees', async () => {
    for (const operator of operators) {
      for (const value of values) {
        const runner = new RuleRunner([rule('r', { all: [{ fact: 'x', operator, value }] })]);
        // `in` on something without indexOf makes json-rules-engine throw on every run: not compiled.
        const searchable = Array.isArray(value) || typeof value === 'string';
        expect(runner.compiled, `${operator} ${JSON.stringify(value)}`).toBe(!['in', 'notIn'].includes(operator) || searchable);
        for (const x of [...inputs.STRANGE_VALUES, 0, 3, 2.5, 'a', 'b', ['a'], ['c', 'b'], [3], 'x3y']) await sameRun(runner, { x });
        await sameRun(runner, {});
      }
    }
  });

  it('regression: a json-rules-engine run that rejects does not cut the next run on the same runner short', async () => {
    // json-rules-engine goes on with a rejected run's lower-priority rules and then marks its engine
    // finished; reused at once, the engine skipped all but the first priority of the next run.
    const runner = new RuleRunner([
      rule('low', { any: [] }, 1),
      rule('middle', { any: [{ fact: 'c', operator: 'equal', value: 'a' }] }, 2),
      rule('high', { not: { fact: 'a', operator: 'equal', value: 'a' } }, 3),
    ]);
    for (let i = 0; i < 3; i++) await expect(runner.runEngine({ a: 'b' }, false)).rejects.toThrow('Undefined fact: c');
    expect((await runner.runEngine({ a: 'b', c: 'a' }, false)).fired.map((r) => r.id)).toEqual(['high', 'middle', 'low']);
  });

  it('random condition trees (all, any, not, empty lists, rule priorities) agree on random facts', async () => {
    const leaf = fc.record({
      fact: fc.constantFrom('a', 'b', 'c'),
      operator: fc.constantFrom(...operators),
      value: fc.oneof(fc.constantFrom(...values.filter((v) => Array.isArray(v) || typeof v === 'string')), fc.integer({ min: -2, max: 5 })),
    }).filter((l) => !['in', 'notIn'].includes(l.operator) || typeof l.value !== 'number');
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ all: fc.array(tie('tree'), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('tree'), { maxLength: 3 }) }),
        fc.record({ not: tie('tree') })),
    }));
    const top = fc.oneof(fc.record({ all: fc.array(tree, { maxLength: 3 }) }), fc.record({ any: fc.array(tree, { maxLength: 3 }) }), fc.record({ not: tree }));
    const specs = fc.array(fc.tuple(top, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 5 })
      .map((list) => list.map(([c, p], i) => rule(`r${i}`, c, p)));
    const value = fc.oneof(fc.constantFrom(...inputs.STRANGE_VALUES, 'a', 'b', ['a'], ['a', 'b'], 3), fc.integer({ min: -2, max: 5 }));
    const facts = fc.record({ a: value, b: value, c: value }, { requiredKeys: ['a', 'b'] });
    await fc.assert(fc.asyncProperty(specs, facts, async (list, f) => {
      const runner = new RuleRunner(list);
      expect(runner.compiled).toBe(true);
      await sameRun(runner, f);
    }), { numRuns: 3000 });
  });
});

interface Variant {
  name: string;
  policy: CompiledPolicy;
  runners: RuleRunner[];
  seeds: Map<string, inputs.Seed[]>;
}

function variants(): Variant[] {
  return shippedPolicySets().flatMap((dir) => {
    const base = loadValidPolicyDir(dir);
    const override = applyOverride(base, JSON.stringify(inputs.derivedOverride(base)), 'derived-override.yaml');
    expect(override.diagnostics).toEqual([]);
    expect([...override.changes.values()].flat().length).toBeGreaterThan(0);
    return [['', base], [' with a branch override', override.effective]].map(([label, set]) => {
      recorded.runners.length = 0;
      const policy = CompiledPolicy.compile(set as typeof base);
      const runners = [...recorded.runners] as RuleRunner[];
      return { name: `${relative(ROOT, dir) || 'rules'}${label as string}`, policy, runners, seeds: inputs.seedsOf(set as typeof base) };
    });
  });
}

const VARIANTS = variants();

describe.each(VARIANTS)('rule sets of $name', ({ runners }) => {
  it('every rule set compiles to the fast path', () => {
    expect(runners.length).toBeGreaterThan(10);
    expect(runners.filter((r) => !r.compiled).map((r) => r.rules.map((s) => s.id))).toEqual([]);
  });

  it('agree at every threshold ± epsilon, with every constant of every other fact', async () => {
    for (const runner of runners) {
      for (const facts of inputs.factGrid(inputs.factPools(runner.rules))) await sameRun(runner, facts);
    }
  }, 300_000);

  it('agree on random fact records, strange values included', async () => {
    for (const runner of runners) {
      await fc.assert(fc.asyncProperty(inputs.factRecords(inputs.factPools(runner.rules)), (facts) => sameRun(runner, facts)), { numRuns: 1000 });
    }
  }, 300_000);
});

/** A decision's outcome, comparable across the two paths: its whole output, or its whole error. */
function outcomeOf(run: () => { output: unknown }): unknown {
  try {
    return { output: run().output };
  } catch (err) {
    return { error: errorOf(err) };
  }
}

function errorOf(err: unknown): unknown {
  const e = err as { name?: string; message?: string; code?: unknown; details?: unknown };
  return { name: e.name, message: e.message, code: e.code, details: e.details };
}

/** Compare the two paths on one input; the output when it was decided (not rejected). */
async function sameDecision(policy: CompiledPolicy, decision: string, seed: inputs.Seed): Promise<Record<string, unknown> | undefined> {
  const at = seed.at ? new Date(seed.at) : FROZEN_NOW;
  const fast = outcomeOf(() => policy.decideSync(decision, seed.input, { at }));
  const reference = await policy.decide(decision, seed.input, { at, explain: true }).then((r) => ({ output: r.output }), (err: unknown) => ({ error: errorOf(err) }));
  expect(fast, JSON.stringify(seed)).toStrictEqual(reference);
  return (fast as { output?: Record<string, unknown> }).output;
}

const CLIENT_RECORD = ['classification', 'risk-level', 'vip', 'trading-style', 'value-segment'];

describe.each(VARIANTS)('decisions of $name', ({ policy, runners, seeds }) => {
  const numbers = [...new Set(runners.flatMap((r) => [...inputs.factPools(r.rules).values()].flat()).filter((v): v is number => typeof v === 'number'))];
  const strings = [...new Set(runners.flatMap((r) => [...inputs.factPools(r.rules).values()].flat()).filter((v): v is string => typeof v === 'string'))];
  const seedsFor = (decision: string) => decision === 'client-profile'
    ? [...(seeds.get(decision) ?? []), ...inputs.combinedSeeds(seeds, CLIENT_RECORD, 60)]
    : seeds.get(decision) ?? [];

  it.each(policy.decisionNames)('%s: every numeric input field at every boundary value', async (decision) => {
    const list = seedsFor(decision);
    expect(list.length).toBeGreaterThan(0);
    for (const seed of inputs.boundaryInputs(list.slice(0, decision === 'client-profile' ? 3 : list.length), numbers)) {
      await sameDecision(policy, decision, seed);
    }
  }, 600_000);

  it.each(policy.decisionNames)('%s: 10,000 fast-check inputs', async (decision) => {
    const outcomes = new Set<string>();
    let decided = 0;
    await fc.assert(fc.asyncProperty(inputs.mutatedInputs(seedsFor(decision), numbers, strings), async (seed) => {
      const output = await sameDecision(policy, decision, seed);
      if (output) outcomes.add(headlineOf(decision, output));
      if (output) decided++;
    }), { numRuns: 10_000 });
    // Not a vacuous agreement on rejected inputs: a fair share is decided, with several outcomes.
    expect(decided).toBeGreaterThan(2_000);
    expect(outcomes.size).toBeGreaterThan(1);
  }, 600_000);
});
