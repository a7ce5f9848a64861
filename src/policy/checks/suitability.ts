// Semantic checks of the suitability document: every level it names is declared (client levels
// by the risk questionnaire, product levels here), a higher client level never allows less than
// a lower one, product names resolve to one type, and verdict rules are valid conditions over
// facts the suitability decision supplies.
import { checkCondition, type Facts } from '../conditions.ts';
import type { Problem } from '../diagnostics.ts';
import type { RiskQuestionnaireDoc } from '../model/risk-questionnaire.ts';
import { SUITABILITY_FACTS, suitabilityFactCatalogues, type SuitabilityDoc } from '../model/suitability.ts';
import { childPointer } from '../pointer.ts';
import type { CheckContext } from './index.ts';

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function checkLevels(doc: SuitabilityDoc, clientLevels: readonly string[] | undefined): Problem[] {
  const problems: Problem[] = [];
  const levels = Object.keys(doc.productLevels);
  const declared = levels.join(', ');
  for (const [id, type] of Object.entries(doc.productTypes)) {
    if (!has(doc.productLevels, type.level)) {
      problems.push({ path: childPointer('/productTypes', id, 'level'), code: 'LEVEL_UNDECLARED', message: `Product level "${type.level}" is not declared under productLevels (${declared}).`, params: { reason: 'notDeclared', value: type.level, known: levels, in: '/productLevels' } });
    }
  }
  for (const [client, allowed] of Object.entries(doc.matching)) {
    allowed.forEach((level, i) => {
      if (!has(doc.productLevels, level)) {
        problems.push({ path: childPointer('/matching', client, i), code: 'LEVEL_UNDECLARED', message: `Product level "${level}" is not declared under productLevels (${declared}).`, params: { reason: 'notDeclared', value: level, known: levels, in: '/productLevels' } });
      }
    });
    if (clientLevels && !clientLevels.includes(client)) {
      problems.push({ path: childPointer('/matching', client), code: 'REFERENCE_UNRESOLVED', message: `"${client}" is not a level of the risk questionnaire (${clientLevels.join(', ')}).`, atKey: true, params: { reason: 'notDeclared', value: client, known: clientLevels, of: 'risk-questionnaire', in: '/levels' } });
    }
  }
  for (const client of clientLevels ?? []) {
    if (!has(doc.matching, client)) {
      problems.push({ path: '/matching', code: 'REFERENCE_UNRESOLVED', message: `Client level "${client}" of the risk questionnaire has no entry under matching.`, atKey: true, params: { reason: 'noEntry', value: client, of: 'risk-questionnaire', in: '/matching' } });
    }
  }
  return problems;
}

/** Walking client levels lowest first, each must allow everything every lower level allows. */
function checkMonotonic(doc: SuitabilityDoc, clientLevels: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const below = new Map<string, string>();
  for (const client of clientLevels) {
    const allowed = doc.matching[client];
    if (!allowed) continue;
    const lost = [...below].filter(([level]) => !allowed.includes(level));
    if (lost.length > 0) {
      const what = lost.map(([level, by]) => `"${level}" (allowed to "${by}")`).join(', ');
      problems.push({
        path: childPointer('/matching', client), code: 'SUITABILITY_NOT_MONOTONIC',
        message: `Client level "${client}" does not allow ${what}; a higher client level must allow at least what a lower one does.`,
        params: { id: client, lost: lost.map(([level, by]) => ({ level, by })) },
      });
    }
    for (const level of allowed) if (!below.has(level)) below.set(level, client);
  }
  return problems;
}

/** Ids, Chinese names and aliases all name product types in inputs: each must name one type. */
function checkProductNames(doc: SuitabilityDoc): Problem[] {
  const problems: Problem[] = [];
  const named = new Map<string, string>(Object.keys(doc.productTypes).map((id) => [id, id]));
  // Labels before aliases, so that an alias clashing with a label is the one reported.
  const names = Object.entries(doc.productTypes).flatMap(([id, type]) => [[id, type.label.zh, childPointer('/productTypes', id, 'label', 'zh')] as const]);
  const aliases = Object.entries(doc.productTypes).flatMap(([id, type]) => (type.aliases ?? []).map((a, i) => [id, a, childPointer('/productTypes', id, 'aliases', i)] as const));
  for (const [id, name, path] of [...names, ...aliases]) {
    const other = named.get(name);
    if (other !== undefined && other !== id) problems.push({ path, code: 'REFERENCE_UNRESOLVED', message: `"${name}" already names product type "${other}"; a name must resolve to one type.`, params: { reason: 'nameTaken', value: name, other } });
    else named.set(name, id);
  }
  return problems;
}

function checkRules(doc: SuitabilityDoc, clientLevels: readonly string[] | undefined): Problem[] {
  const problems: Problem[] = [];
  const catalogues = suitabilityFactCatalogues(doc, clientLevels);
  const facts: Record<string, Facts[string]> = {};
  for (const [name, fact] of Object.entries(doc.facts)) {
    const supplied = SUITABILITY_FACTS[name];
    if (!has(SUITABILITY_FACTS, name) || !supplied) {
      problems.push({ path: childPointer('/facts', name), code: 'CONDITION_FACT_UNKNOWN', message: `The suitability decision does not supply fact "${name}"; it supplies: ${Object.keys(SUITABILITY_FACTS).join(', ')}.`, atKey: true, params: { reason: 'notSupplied', value: name, known: Object.keys(SUITABILITY_FACTS) } });
      continue;
    }
    if (fact.type !== supplied) {
      problems.push({ path: childPointer('/facts', name, 'type'), code: 'CONDITION_VALUE_TYPE', message: `Fact "${name}" is a ${supplied}, not a ${fact.type}.`, params: { reason: 'factType', fact: name, type: supplied, declared: fact.type } });
      continue;
    }
    const catalogue = catalogues[name];
    fact.values?.forEach((v, i) => {
      if (catalogue && !catalogue.includes(v)) problems.push({ path: childPointer('/facts', name, 'values', i), code: 'REFERENCE_UNRESOLVED', message: `"${v}" is not one of the ${name} values the policies declare (${catalogue.join(', ')}).`, params: { reason: 'notDeclared', value: v, known: catalogue, fact: name } });
    });
    facts[name] = catalogue ? { ...fact, values: catalogue } : fact;
  }
  for (const [id, rule] of Object.entries(doc.rules)) {
    const at = childPointer('/rules', id);
    problems.push(...checkCondition(rule.when, facts, childPointer(at, 'when')));
    if (!has(doc.verdicts, rule.verdict)) {
      problems.push({ path: childPointer(at, 'verdict'), code: 'REFERENCE_UNRESOLVED', message: `Verdict "${rule.verdict}" is not declared under verdicts (${Object.keys(doc.verdicts).join(', ')}).`, params: { reason: 'notDeclared', value: rule.verdict, known: Object.keys(doc.verdicts), in: '/verdicts' } });
    }
    if (!has(doc.reasons, rule.reason)) {
      problems.push({ path: childPointer(at, 'reason'), code: 'REFERENCE_UNRESOLVED', message: `Reason "${rule.reason}" is not declared under reasons (${Object.keys(doc.reasons).join(', ')}).`, params: { reason: 'notDeclared', value: rule.reason, known: Object.keys(doc.reasons), in: '/reasons' } });
    }
  }
  return problems;
}

export function checkSuitability(doc: SuitabilityDoc, ctx: CheckContext): Problem[] {
  const questionnaire = ctx.documents.get('risk-questionnaire') as RiskQuestionnaireDoc | undefined;
  const clientLevels = questionnaire ? Object.keys(questionnaire.levels) : undefined;
  return [
    ...checkLevels(doc, clientLevels),
    ...checkMonotonic(doc, clientLevels ?? Object.keys(doc.matching)),
    ...checkProductNames(doc),
    ...checkRules(doc, clientLevels),
  ];
}
