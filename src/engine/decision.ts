// What a decision is to the engine: which policy kinds it reads, the schema of its input,
// and how it compiles those documents (once) into something that evaluates inputs.
import type { Diagnostic } from '../policy/diagnostics.ts';
import type { PolicyKind } from '../policy/kinds.ts';
import type { Steps } from './fast-steps.ts';
import type { SourceRef, TraceStep } from './rules.ts';

export interface EvalContext {
  /** The decision instant (asOf, or now): dates such as assessment expiry are judged against it. */
  readonly at: Date;
  readonly explain: boolean;
  /** Run another decision of the same compiled policy (service-package asks classification); `yield*` it. */
  decide(name: string, input: unknown): Steps<DecisionOutcome>;
  /**
   * The same, skipping the input schema: only for an input the caller has proven valid under it
   * (client-profile, through schemaImplies, on a record its own schema has accepted).
   */
  decideValidated(name: string, input: Record<string, unknown>): Steps<DecisionOutcome>;
}

export interface DecisionOutcome {
  output: Record<string, unknown>;
  trace?: TraceStep[];
}

export interface CompiledDecision {
  /**
   * `input` has already passed the decision's input schema. A generator of steps (fast-steps.ts):
   * written like an async function, with `yield*` where it would `await` a rule run or a decision.
   */
  evaluate(input: Record<string, unknown>, ctx: EvalContext): Steps<DecisionOutcome>;
}

/** Read access to the (effective) documents a decision compiles from. */
export interface PolicyView {
  doc<T>(kind: PolicyKind): T;
  /** Where the node at `pointer` of `kind`'s document was written (its key with `atKey`), for traces and compile errors. */
  source(kind: PolicyKind, pointer: string, atKey?: boolean): SourceRef;
}

export interface DecisionDefinition {
  readonly name: string;
  readonly kinds: readonly PolicyKind[];
  /** `$id` of the input's JSON Schema under schemas/. */
  readonly inputSchema: string;
  /** Build the evaluator. Throw PolicyCompileError listing every problem found. */
  compile(policy: PolicyView): CompiledDecision;
}

export class PolicyCompileError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(`Policy does not compile:\n${diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}`);
    this.name = 'PolicyCompileError';
  }
}

/** Pick the label the API shows beside an id (Chinese first; the English is in `labelEn`). */
export function labelled(label: { zh: string; en: string }): { label: string; labelEn: string } {
  return { label: label.zh, labelEn: label.en };
}
