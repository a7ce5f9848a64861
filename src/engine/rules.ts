// Runs compiled rule definitions on json-rules-engine and turns its results into an explain trace;
// without a trace, the same rules compiled to closures (fast.ts) answer instead, synchronously.
// json-rules-engine's Engine keeps one engine-wide `status`, so overlapping run() calls on one
// Engine can cut each other short (upstream issue 303). Each RuleRunner therefore lends every
// run an Engine of its own from a pool: engines are built once per compiled policy, reused, and
// never shared by two runs at the same time. The pool is capped: json-rules-engine's throughput
// falls sharply with many runs interleaved (measured: ~12.6k runs/s one at a time, ~9k with 64
// engines in flight, ~1.5k with 1,000), so further runs queue for a free engine instead.
import { Engine, type RuleProperties, type RuleResult, type TopLevelCondition } from 'json-rules-engine';
import { compileFast, type FastRules } from './fast.ts';
import { waitFor, type Steps } from './fast-steps.ts';

export interface SourceRef {
  file: string;
  /** JSON Pointer of the rule's node in its document. */
  path: string;
  line: number;
  column: number;
}

export interface RuleSpec {
  /** Stable id of the rule (unique within one runner). */
  id: string;
  conditions: TopLevelCondition;
  event: { type: string; params?: Record<string, unknown> };
  /** Higher runs first; all rules run, none stops the engine. */
  priority?: number;
  source: SourceRef;
}

export interface TraceCondition {
  fact: string;
  operator: string;
  /** The threshold or value the fact was compared with. */
  value: unknown;
  /** The fact's value in this run (absent when the engine did not need to look at it). */
  factValue?: unknown;
  result?: boolean;
}

export interface TraceStep {
  /** Set when a composite decision (client-profile) gathers the steps of several. */
  decision?: string;
  rule: string;
  /** Did all its conditions hold (its event fired)? */
  fired: boolean;
  /** What the step decided, in the decision's own terms (set by the decision). */
  outcome?: Record<string, unknown>;
  source: SourceRef;
  conditions: TraceCondition[];
}

export interface RunResult {
  /** Rules whose conditions held, in priority order then declaration order. */
  fired: readonly RuleSpec[];
  trace?: TraceStep[];
}

/** Custom operators every compiled policy gets; their names are listed in src/policy/conditions.ts. */
function addCustomOperators(engine: Engine): void {
  engine.addOperator('containsAny', (factValue: unknown, value: unknown) =>
    Array.isArray(factValue) && Array.isArray(value) && value.some((v) => factValue.includes(v)));
}

function leaves(node: unknown, out: TraceCondition[] = []): TraceCondition[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(n[key])) for (const child of n[key] as unknown[]) leaves(child, out);
  }
  if (n.not) leaves(n.not, out);
  if (typeof n.fact === 'string') {
    out.push({
      fact: n.fact,
      operator: String(n.operator),
      value: n.value,
      ...('factResult' in n ? { factValue: n.factResult } : {}),
      ...(typeof n.result === 'boolean' ? { result: n.result } : {}),
    });
  }
  return out;
}

export class RuleRunner {
  private readonly specs: readonly RuleSpec[];
  private readonly byId: ReadonlyMap<string, RuleSpec>;
  private readonly order: ReadonlyMap<string, number>;
  private readonly idle: Engine[] = [];
  private readonly waiting: ((engine: Engine) => void)[] = [];
  private built = 0;
  /** The same rules as closures (fast.ts), used whenever no trace is asked for; undefined if they do not compile. */
  private readonly fast: FastRules | undefined;

  constructor(specs: readonly RuleSpec[], private readonly maxEngines = 8) {
    this.specs = Object.freeze([...specs]);
    this.byId = new Map(specs.map((s) => [s.id, s]));
    this.order = new Map(specs.map((s, i) => [s.id, i]));
    if (this.byId.size !== specs.length) throw new Error('RuleRunner: rule ids must be unique');
    this.idle.push(this.build());
    this.fast = compileFast(this.specs);
  }

  /** Does this runner evaluate without json-rules-engine when no trace is asked for? */
  get compiled(): boolean {
    return this.fast !== undefined;
  }

  private acquire(): Engine | Promise<Engine> {
    const engine = this.idle.pop();
    if (engine) return engine;
    if (this.built < this.maxEngines) return this.build();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(engine: Engine): void {
    const next = this.waiting.shift();
    if (next) next(engine);
    else this.idle.push(engine);
  }

  /**
   * Drop an engine whose run rejected: json-rules-engine carries on with the rejected run's
   * lower-priority rules and then marks the engine finished, which would cut short the next run
   * on it (found by test/engine/fast-path.test.ts). A fresh engine takes its place.
   */
  private retire(): void {
    this.built--;
    const next = this.waiting.shift();
    if (next) next(this.build());
  }

  get rules(): readonly RuleSpec[] {
    return this.specs;
  }

  private build(): Engine {
    this.built++;
    const rules: RuleProperties[] = this.specs.map((s) => ({
      name: s.id,
      conditions: s.conditions,
      event: s.event,
      priority: s.priority ?? 1,
    }));
    const engine = new Engine(rules, { allowUndefinedFacts: false, replaceFactsInEventParams: false });
    addCustomOperators(engine);
    return engine;
  }

  /** The fast path's answer, when it has one (fast.ts): never with explain. */
  private quick(facts: Record<string, unknown>, explain: boolean): RunResult | undefined {
    const fired = explain ? undefined : this.fast?.run(facts);
    return fired && { fired };
  }

  async run(facts: Record<string, unknown>, explain: boolean): Promise<RunResult> {
    return this.quick(facts, explain) ?? this.runEngine(facts, explain);
  }

  /** run() as a step of a decision: synchronous on the fast path, waits only for json-rules-engine. */
  *steps(facts: Record<string, unknown>, explain: boolean): Steps<RunResult> {
    return this.quick(facts, explain) ?? (yield* waitFor(this.runEngine(facts, explain)));
  }

  /** The reference evaluation on json-rules-engine: behind every trace, and for whatever the fast path declines. */
  async runEngine(facts: Record<string, unknown>, explain: boolean): Promise<RunResult> {
    const engine = await this.acquire();
    let result: Awaited<ReturnType<Engine['run']>>;
    try {
      result = await engine.run(facts);
    } catch (err) {
      this.retire();
      throw err;
    }
    try {
      const rank = (r: RuleResult) => [-(this.byId.get(r.name)?.priority ?? 1), this.order.get(r.name) ?? 0] as const;
      const sorted = (list: RuleResult[]) => [...list].sort((a, b) => {
        const [pa, oa] = rank(a);
        const [pb, ob] = rank(b);
        return pa - pb || oa - ob;
      });
      const fired = sorted(result.results).map((r) => this.byId.get(r.name)!);
      if (!explain) return { fired };
      const trace = sorted([...result.results, ...result.failureResults]).map((r): TraceStep => ({
        rule: r.name,
        fired: r.result === true,
        source: this.byId.get(r.name)!.source,
        conditions: leaves(r.conditions),
      }));
      return { fired, trace };
    } finally {
      this.release(engine);
    }
  }
}
