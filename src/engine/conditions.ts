// Glue between policy data and json-rules-engine for decisions: catalogue entries named by id
// or Chinese label, the check at compile time that a policy's declared facts are ones the
// decision can supply (json-rules-engine would otherwise fail, or compare false, at run time),
// and the root json-rules-engine needs around a policy's generic condition.
import type { TopLevelCondition } from 'json-rules-engine';
import { badInput } from '../errors.ts';
import type { Condition, FactType, Facts } from '../policy/conditions.ts';
import type { Diagnostic } from '../policy/diagnostics.ts';
import type { PolicyKind } from '../policy/kinds.ts';
import type { Label } from '../policy/model/common.ts';
import { childPointer } from '../policy/pointer.ts';
import { PolicyCompileError, type PolicyView } from './decision.ts';

/** The id of the catalogue entry `value` names (its id or its Chinese label); BAD_INPUT at `field` otherwise. */
export function catalogueId(catalogue: Readonly<Record<string, { label: Label }>>, value: string, field: string | (() => string), noun: string): string {
  if (Object.prototype.hasOwnProperty.call(catalogue, value)) return value;
  const byLabel = Object.entries(catalogue).find(([, entry]) => entry.label.zh === value);
  if (byLabel) return byLabel[0];
  const known = Object.entries(catalogue).map(([id, e]) => `${id} (${e.label.zh})`).join(', ');
  throw badInput(typeof field === 'string' ? field : field(), `"${value}" is not a known ${noun}; known: ${known}`, {
    reason: 'notInCatalogue', value, known: Object.entries(catalogue).map(([id, e]) => ({ id, label: { zh: e.label.zh, en: e.label.en } })),
  });
}

/** Throw PolicyCompileError unless every fact the policy declares is one the decision supplies, with that type. */
export function requireSuppliedFacts(policy: PolicyView, kind: PolicyKind, declared: Facts, supplied: Readonly<Record<string, FactType>>): void {
  const diagnostics: Diagnostic[] = [];
  const offer = Object.entries(supplied).map(([name, type]) => `${name} (${type})`).join(', ');
  for (const [name, declaration] of Object.entries(declared)) {
    const at = policy.source(kind, childPointer('/facts', name), true);
    const type = Object.prototype.hasOwnProperty.call(supplied, name) ? supplied[name] : undefined;
    const problem: Pick<Diagnostic, 'code' | 'message' | 'params'> | undefined = type === undefined
      ? { code: 'CONDITION_FACT_UNKNOWN', message: `The ${kind} decision cannot supply fact "${name}"; it supplies ${offer}.`, params: { reason: 'notSupplied', value: name, known: Object.keys(supplied) } }
      : type !== declaration.type
        ? { code: 'CONDITION_VALUE_TYPE', message: `Fact "${name}" is declared as ${declaration.type}, but the ${kind} decision supplies it as ${type}.`, params: { reason: 'factType', fact: name, type, declared: declaration.type } }
        : undefined;
    if (problem) diagnostics.push({ ...at, kind, severity: 'error', ...problem });
  }
  if (diagnostics.length > 0) throw new PolicyCompileError(diagnostics);
}

/** json-rules-engine accepts only all/any/not at a rule's root: wrap a single comparison in `all`. */
export function asTopLevel(condition: Condition | undefined): TopLevelCondition {
  if (condition === undefined) return { all: [] };
  return ('all' in condition || 'any' in condition || 'not' in condition ? condition : { all: [condition] }) as TopLevelCondition;
}
