// Generic conditions written in policy files, in json-rules-engine's own shape
// ({all|any: [...]}, {not: ...}, {fact, operator, value}). Checked here when a policy loads —
// operator names, declared facts and value types — because json-rules-engine would only fail
// (or silently compare false) at run time.
import type { DiagnosticParams, Problem } from './diagnostics.ts';
import { childPointer } from './pointer.ts';

export type FactType = 'number' | 'boolean' | 'string' | 'string-list';

export interface FactDeclaration {
  type: FactType;
  label?: { zh: string; en?: string };
  /** Allowed values for string and string-list facts (a catalogue), when the policy fixes them. */
  values?: string[];
}

export type Facts = Readonly<Record<string, FactDeclaration>>;

export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

type ValueShape = 'same' | 'number' | 'list-of-fact' | 'element-of-fact' | 'list-of-elements';

/** Operators a policy may use, the fact types each accepts and the shape of its value. */
export const OPERATORS: Readonly<Record<string, { facts: readonly FactType[]; value: ValueShape }>> = {
  equal: { facts: ['number', 'boolean', 'string'], value: 'same' },
  notEqual: { facts: ['number', 'boolean', 'string'], value: 'same' },
  lessThan: { facts: ['number'], value: 'number' },
  lessThanInclusive: { facts: ['number'], value: 'number' },
  greaterThan: { facts: ['number'], value: 'number' },
  greaterThanInclusive: { facts: ['number'], value: 'number' },
  in: { facts: ['number', 'string'], value: 'list-of-fact' },
  notIn: { facts: ['number', 'string'], value: 'list-of-fact' },
  contains: { facts: ['string-list'], value: 'element-of-fact' },
  doesNotContain: { facts: ['string-list'], value: 'element-of-fact' },
  /** Custom (registered by the engine): the list fact shares at least one element with the value. */
  containsAny: { facts: ['string-list'], value: 'list-of-elements' },
};

function typeOf(value: unknown): FactType | 'other' {
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return 'string-list';
  return 'other';
}

/** Why a condition's value does not fit its operator and fact: in English, and as data. */
function valueFits(shape: ValueShape, fact: FactDeclaration, value: unknown): { message: string; params: DiagnosticParams } | undefined {
  const scalar = fact.type === 'string-list' ? 'string' : fact.type;
  const inCatalogue = (v: unknown) => !fact.values || fact.values.includes(String(v));
  const needs = (type: string, list = false) => ({ message: list ? `needs a non-empty list of ${type} values` : `needs a ${type} value`, params: { reason: list ? 'needsList' : 'needsType', type } });
  const notDeclared = (v: unknown) => ({ message: `"${String(v)}" is not one of the declared values (${fact.values!.join(', ')})`, params: { reason: 'notDeclared', value: String(v), known: fact.values! } });
  switch (shape) {
    case 'same':
      if (typeOf(value) !== fact.type) return needs(fact.type);
      if (!inCatalogue(value)) return notDeclared(value);
      return undefined;
    case 'number':
      return typeOf(value) === 'number' ? undefined : needs('number');
    case 'list-of-fact':
    case 'list-of-elements':
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeOf(v) === scalar)) return needs(scalar, true);
      {
        const bad = value.find((v) => !inCatalogue(v));
        return bad === undefined ? undefined : notDeclared(bad);
      }
    case 'element-of-fact':
      if (typeOf(value) !== scalar) return needs(scalar);
      return inCatalogue(value) ? undefined : notDeclared(value);
  }
}

/** Every problem in one condition tree; `path` is the JSON Pointer of the condition's node. */
export function checkCondition(condition: unknown, facts: Facts, path: string): Problem[] {
  if (condition === null || typeof condition !== 'object') {
    return [{ path, code: 'CONDITION_VALUE_TYPE', message: 'A condition is an object: {all}, {any}, {not} or {fact, operator, value}.', params: { reason: 'notACondition' } }];
  }
  const c = condition as Record<string, unknown>;
  if (Array.isArray(c.all) || Array.isArray(c.any)) {
    const key = Array.isArray(c.all) ? 'all' : 'any';
    return (c[key] as unknown[]).flatMap((child, i) => checkCondition(child, facts, childPointer(path, key, i)));
  }
  if ('not' in c) return checkCondition(c.not, facts, childPointer(path, 'not'));
  const problems: Problem[] = [];
  const factName = String(c.fact);
  const fact = Object.prototype.hasOwnProperty.call(facts, factName) ? facts[factName] : undefined;
  const op = Object.prototype.hasOwnProperty.call(OPERATORS, String(c.operator)) ? OPERATORS[String(c.operator)] : undefined;
  if (!fact) {
    problems.push({ path: childPointer(path, 'fact'), code: 'CONDITION_FACT_UNKNOWN', message: `Fact "${factName}" is not declared; declared facts: ${Object.keys(facts).join(', ')}.`, params: { reason: 'notDeclared', value: factName, known: Object.keys(facts), in: '/facts' } });
  }
  if (!op) {
    problems.push({ path: childPointer(path, 'operator'), code: 'CONDITION_OPERATOR_UNKNOWN', message: `Operator "${String(c.operator)}" is unknown; known operators: ${Object.keys(OPERATORS).join(', ')}.`, params: { value: String(c.operator), known: Object.keys(OPERATORS) } });
  }
  if (fact && op) {
    if (!op.facts.includes(fact.type)) {
      problems.push({ path: childPointer(path, 'operator'), code: 'CONDITION_VALUE_TYPE', message: `Operator "${String(c.operator)}" does not apply to ${fact.type} fact "${factName}".`, params: { reason: 'operatorType', operator: String(c.operator), fact: factName, type: fact.type } });
    } else {
      const why = valueFits(op.value, fact, c.value);
      if (why) problems.push({ path: childPointer(path, 'value'), code: 'CONDITION_VALUE_TYPE', message: `Operator "${String(c.operator)}" on fact "${factName}" ${why.message}.`, params: { ...why.params, operator: String(c.operator), fact: factName } });
    }
  }
  return problems;
}

/** The facts a condition tree reads. */
export function factsOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(factsOf);
  if ('any' in condition) return condition.any.flatMap(factsOf);
  if ('not' in condition) return factsOf(condition.not);
  return [condition.fact];
}
