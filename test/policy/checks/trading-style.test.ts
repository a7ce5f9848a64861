// The trading-style checks: conditions against declared facts and the activity catalogue, rule
// styles against declared styles, and the first-match list ending in one unconditional rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTradingStyle } from '../../../src/policy/checks/trading-style.ts';
import type { TradingStyleDoc } from '../../../src/policy/model/trading-style.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { checkHarness, shippedFiles } from '../../helpers/checks.ts';

const { BASELINE, CSRC } = shippedFiles('trading-style');
const problemsOf = checkHarness<TradingStyleDoc>(checkTradingStyle, BASELINE);

describe('trading-style checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it('reports a rule naming an undeclared style', () => {
    expect(problemsOf((d) => { d.rules['short-holding']!.style = 'day-trader'; })).toEqual(['CLASS_UNDECLARED /rules/short-holding/style']);
  });

  it('reports a style no rule gives', () => {
    expect(problemsOf((d) => { d.rules['swing-holding']!.style = 'value'; })).toEqual(['CLASS_UNREACHABLE /styles/swing']);
  });

  it('reports rules after an unconditional one, and the styles only they gave', () => {
    expect(problemsOf((d) => { delete d.rules['short-holding']!.when; })).toEqual([
      'RULE_UNREACHABLE /rules/swing-holding',
      'RULE_UNREACHABLE /rules/long-holding',
      'CLASS_UNREACHABLE /styles/swing',
      'CLASS_UNREACHABLE /styles/value',
    ]);
  });

  it('requires the last rule to take every remaining client', () => {
    expect(problemsOf((d) => { d.rules['long-holding']!.when = { fact: 'avgHoldingDays', operator: 'greaterThan', value: 90 }; }))
      .toEqual(['TIER_COVERAGE /rules/long-holding']);
  });

  it('checks activity values against the catalogue, not a list written twice', () => {
    expect(problemsOf((d) => { (d.rules['active-trading']!.when as { value: string[] }).value.push('options'); }))
      .toEqual(['CONDITION_VALUE_TYPE /rules/active-trading/when/value']);
    // Adding the activity to the catalogue is all it takes to use it.
    expect(problemsOf((d) => {
      d.activities.options = { label: { zh: '期权', en: 'Options' } };
      (d.rules['active-trading']!.when as { value: string[] }).value.push('options');
    })).toEqual([]);
  });

  it.each([
    ['an undeclared fact', { fact: 'holdingDays', operator: 'lessThan', value: 30 }, ['CONDITION_FACT_UNKNOWN /rules/short-holding/when/fact']],
    ['an unknown operator', { fact: 'avgHoldingDays', operator: 'below', value: 30 }, ['CONDITION_OPERATOR_UNKNOWN /rules/short-holding/when/operator']],
    ['a value of the wrong type', { fact: 'avgHoldingDays', operator: 'lessThan', value: '30' }, ['CONDITION_VALUE_TYPE /rules/short-holding/when/value']],
    ['an operator that does not apply to the fact', { fact: 'activities', operator: 'lessThan', value: 30 }, ['CONDITION_VALUE_TYPE /rules/short-holding/when/operator']],
  ])('reports %s in a condition', (_name, when, expected) => {
    expect(problemsOf((d) => { d.rules['short-holding']!.when = when; })).toEqual(expected);
  });

  it('places the problem on the YAML line of the rule', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('    style: swing\n', '    style: swung\n');
    const line = text.split('\n').indexOf('    style: swung') + 1;
    const result = loadPolicyTexts([{ file: 'ts.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      `CLASS_UNREACHABLE ${text.split('\n').indexOf('  swing:') + 1}:3`,
      `CLASS_UNDECLARED ${line}:12`,
    ]);
  });
});
