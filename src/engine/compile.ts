// Compiles a policy set (head office's revision, or a branch's effective set) once into an
// immutable CompiledPolicy, and evaluates decisions against it: input schema first, then the
// decision's own compiled rules. Evaluation is a function of (compiled policy, input, instant).
import { badInput, badInputs, ZhiduError } from '../errors.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import type { PolicyKind } from '../policy/kinds.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import { fieldProblems, validatorFor } from '../policy/schema.ts';
import { PolicyCompileError, type CompiledDecision, type DecisionDefinition, type DecisionOutcome, type EvalContext, type PolicyView } from './decision.ts';
import { DECISIONS } from './decisions/index.ts';
import { runAsync, runSync, type Steps } from './fast-steps.ts';
import type { TraceStep } from './rules.ts';

export interface DecideOptions {
  at?: Date;
  explain?: boolean;
}

export interface DecisionResult {
  decision: string;
  output: Record<string, unknown>;
  trace?: TraceStep[];
}

function viewOf(set: PolicySet): PolicyView {
  return {
    doc<T>(kind: PolicyKind): T {
      const d = set.documents.get(kind);
      if (!d) throw new PolicyCompileError([{ file: '.', path: '', line: 1, column: 1, code: 'KIND_MISSING', message: `The policy set has no "${kind}" document.`, severity: 'error', params: { value: kind } }]);
      return d.value as T;
    },
    source(kind, pointer, atKey) {
      const d = set.documents.get(kind);
      const at = d?.source.locate(pointer, atKey) ?? { line: 1, column: 1 };
      return { file: at.file ?? d?.file ?? kind, path: pointer, line: at.line, column: at.column };
    },
  };
}

/** Validate a decision input against its schema; every problem (ajv runs with allErrors) goes into one BAD_INPUT. */
export function checkInput(definition: DecisionDefinition, input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badInput('', 'the input must be a JSON object', { keyword: 'type', type: 'object' });
  const validate = validatorFor(definition.inputSchema);
  if (!validate(input)) throw badInputs(fieldProblems(validate.errors ?? []));
  return input as Record<string, unknown>;
}

export class CompiledPolicy {
  private readonly compiled: ReadonlyMap<string, { definition: DecisionDefinition; decision: CompiledDecision }>;

  private constructor(compiled: Map<string, { definition: DecisionDefinition; decision: CompiledDecision }>) {
    this.compiled = compiled;
    Object.freeze(this);
  }

  /** Compile every decision; all failures are reported together in one PolicyCompileError. */
  static compile(set: PolicySet, definitions: readonly DecisionDefinition[] = DECISIONS): CompiledPolicy {
    const view = viewOf(set);
    const compiled = new Map<string, { definition: DecisionDefinition; decision: CompiledDecision }>();
    const problems: Diagnostic[] = [];
    for (const definition of definitions) {
      try {
        compiled.set(definition.name, { definition, decision: definition.compile(view) });
      } catch (err) {
        if (err instanceof PolicyCompileError) problems.push(...err.diagnostics);
        else throw err;
      }
    }
    if (problems.length > 0) {
      const unique = [...new Map(problems.map((d) => [`${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`, d])).values()];
      throw new PolicyCompileError(unique);
    }
    return new CompiledPolicy(compiled);
  }

  get decisionNames(): string[] {
    return [...this.compiled.keys()];
  }

  has(name: string): boolean {
    return this.compiled.has(name);
  }

  /** One decision; rejects with BAD_INPUT naming the field, or NOT_FOUND for an unknown decision. */
  async decide(name: string, input: unknown, options: DecideOptions = {}): Promise<DecisionResult> {
    return runAsync(this.decideSteps(name, input, options.at ?? new Date(), options.explain ?? false));
  }

  /**
   * The same decision without a trace, answered synchronously (every rule set on the fast path):
   * what decide() would reject with is thrown. WouldWaitError if a rule set of this policy is
   * outside the fast path, which the shipped policies never are.
   */
  decideSync(name: string, input: unknown, options: { at?: Date } = {}): DecisionResult {
    return runSync(this.decideSteps(name, input, options.at ?? new Date(), false), `decision "${name}"`);
  }

  /** A decision as steps (fast-steps.ts): decide() and decideSync() drive it; decisions compose with it. */
  *decideSteps(name: string, input: unknown, at: Date, explain: boolean, validated = false): Steps<DecisionResult> {
    const entry = this.compiled.get(name);
    if (!entry) throw new ZhiduError('NOT_FOUND', `No decision "${name}"; decisions: ${this.decisionNames.join(', ')}.`);
    const valid = validated ? (input as Record<string, unknown>) : checkInput(entry.definition, input);
    const outcome = yield* entry.decision.evaluate(valid, new Context(this, at, explain));
    return explain ? { decision: name, output: outcome.output, trace: outcome.trace ?? [] } : { decision: name, output: outcome.output };
  }
}

/** What a decision sees of its evaluation; a class, so that no closure is made per decision. */
class Context implements EvalContext {
  constructor(private readonly policy: CompiledPolicy, readonly at: Date, readonly explain: boolean) {}

  // The decision's own steps, not a generator around them: a DecisionResult is an outcome (a trace exactly when explained).
  decide(name: string, input: unknown): Steps<DecisionOutcome> {
    return this.policy.decideSteps(name, input, this.at, this.explain);
  }

  decideValidated(name: string, input: Record<string, unknown>): Steps<DecisionOutcome> {
    return this.policy.decideSteps(name, input, this.at, this.explain, true);
  }
}
