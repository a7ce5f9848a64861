// Semantic checks of the trading-style document: rule conditions use declared facts and
// catalogue activities, every rule names a declared style and every style is reachable, and the
// first-match list ends in exactly one unconditional rule so that every client gets a style.
import type { Facts } from '../conditions.ts';
import { checkCondition } from '../conditions.ts';
import type { Problem } from '../diagnostics.ts';
import type { CheckContext } from './index.ts';
import { ACTIVITIES_FACT, type TradingStyleDoc } from '../model/trading-style.ts';
import { childPointer } from '../pointer.ts';

/** The declared facts, with a catalogued fact's allowed values taken from its catalogue. */
export function withCatalogue(facts: Facts, fact: string, catalogue: object): Facts {
  const declared = Object.prototype.hasOwnProperty.call(facts, fact) ? facts[fact] : undefined;
  return declared ? { ...facts, [fact]: { ...declared, values: Object.keys(catalogue) } } : facts;
}

export function checkTradingStyle(doc: TradingStyleDoc, _ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const facts = withCatalogue(doc.facts, ACTIVITIES_FACT, doc.activities);
  const rules = Object.entries(doc.rules);
  const reached = new Set<string>();
  let catchAll: string | undefined;

  for (const [id, rule] of rules) {
    const at = childPointer('/rules', id);
    if (catchAll !== undefined) {
      problems.push({ path: at, code: 'RULE_UNREACHABLE', message: `Rule "${id}" comes after "${catchAll}", which has no condition and always applies; move "${catchAll}" last.`, atKey: true, params: { id, other: catchAll } });
    } else {
      reached.add(rule.style);
    }
    if (rule.when === undefined) catchAll ??= id;
    else problems.push(...checkCondition(rule.when, facts, childPointer(at, 'when')));
    if (!Object.prototype.hasOwnProperty.call(doc.styles, rule.style)) {
      problems.push({ path: childPointer(at, 'style'), code: 'CLASS_UNDECLARED', message: `Style "${rule.style}" is not declared under styles; declared: ${Object.keys(doc.styles).join(', ')}.`, params: { reason: 'notDeclared', value: rule.style, known: Object.keys(doc.styles), in: '/styles' } });
    }
  }
  if (catchAll === undefined && rules.length > 0) {
    const [lastId] = rules[rules.length - 1]!;
    problems.push({ path: childPointer('/rules', lastId), code: 'TIER_COVERAGE', message: `Some clients may match no rule: give the last rule "${lastId}" no condition (drop "when") so that it takes every client the others leave.`, atKey: true, params: { reason: 'noCatchAll', id: lastId } });
  }
  for (const style of Object.keys(doc.styles)) {
    if (!reached.has(style)) {
      problems.push({ path: childPointer('/styles', style), code: 'CLASS_UNREACHABLE', message: `Style "${style}" is declared but no reachable rule gives it.`, atKey: true, params: { id: style } });
    }
  }
  return problems;
}
