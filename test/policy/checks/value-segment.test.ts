// The value-segment checks: criteria conditions against declared facts and the occupation
// catalogue, grid cells against declared segments, every segment reachable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkValueSegment } from '../../../src/policy/checks/value-segment.ts';
import type { ValueSegmentDoc } from '../../../src/policy/model/value-segment.ts';
import { loadPolicyTexts } from '../../../src/policy/policy-set.ts';
import { checkHarness, shippedFiles } from '../../helpers/checks.ts';

const { BASELINE, CSRC } = shippedFiles('value-segment');
const problemsOf = checkHarness<ValueSegmentDoc>(checkValueSegment, BASELINE);

describe('value-segment checks', () => {
  it.each([BASELINE, CSRC])('finds nothing wrong with the shipped %s', (file) => {
    expect(problemsOf(() => {}, file)).toEqual([]);
  });

  it('reports a grid cell naming an undeclared segment, and the segment it left unreachable', () => {
    expect(problemsOf((d) => { d.grid.low.low = 'idle'; })).toEqual([
      'CLASS_UNDECLARED /grid/low/low',
      'CLASS_UNREACHABLE /segments/free',
    ]);
  });

  it('reports a declared segment no cell leads to', () => {
    expect(problemsOf((d) => { d.segments.dormant = { label: { zh: '休眠客户', en: 'Dormant' } }; })).toEqual(['CLASS_UNREACHABLE /segments/dormant']);
  });

  it('checks occupations in a criterion against the occupation catalogue', () => {
    const occupation = (d: ValueSegmentDoc) => d.dimensions.future.criteria.occupation!.when as { value: string[] };
    expect(problemsOf((d) => { occupation(d).value.push('doctor'); })).toEqual(['CONDITION_VALUE_TYPE /dimensions/future/criteria/occupation/when/value']);
    expect(problemsOf((d) => { d.occupations.doctor = { label: { zh: '医生', en: 'Doctor' } }; occupation(d).value.push('doctor'); })).toEqual([]);
  });

  it('accepts compound criteria and checks every leaf', () => {
    expect(problemsOf((d) => {
      d.dimensions.current.criteria.combined = {
        label: { zh: '组合', en: 'Combined' },
        when: { all: [{ fact: 'assets', operator: 'greaterThan', value: 1 }, { not: { fact: 'occupation', operator: 'equal', value: 'pilot' } }] },
      };
    })).toEqual(['CONDITION_VALUE_TYPE /dimensions/current/criteria/combined/when/all/1/not/value']);
  });

  it.each([
    ['an undeclared fact', { fact: 'income', operator: 'greaterThanInclusive', value: 1 }, 'CONDITION_FACT_UNKNOWN /dimensions/future/criteria/income/when/fact'],
    ['an unknown operator', { fact: 'annualIncome', operator: 'atLeast', value: 1 }, 'CONDITION_OPERATOR_UNKNOWN /dimensions/future/criteria/income/when/operator'],
    ['a value of the wrong type', { fact: 'annualIncome', operator: 'greaterThanInclusive', value: '50万' }, 'CONDITION_VALUE_TYPE /dimensions/future/criteria/income/when/value'],
  ])('reports %s in a criterion', (_name, when, expected) => {
    expect(problemsOf((d) => { d.dimensions.future.criteria.income!.when = when; })).toEqual([expected]);
  });

  it('places the problem on the YAML line of the grid cell', () => {
    const text = readFileSync(BASELINE, 'utf8').replace('  high: { high: gold, low: maintain }', '  high: { high: golden, low: maintain }');
    const line = text.split('\n').indexOf('  high: { high: golden, low: maintain }') + 1;
    const result = loadPolicyTexts([{ file: 'vs.yaml', text }]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      `CLASS_UNREACHABLE ${text.split('\n').indexOf('  gold:') + 1}:3`,
      `CLASS_UNDECLARED ${line}:17`,
    ]);
  });
});
