// The suitability document's semantic checks (levels declared, client levels from the risk
// questionnaire, monotonic matching, product names, verdict rules) and its stricter-only bounds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOverrideBounds } from '../../../src/policy/bounds.ts';
import { checkSuitability } from '../../../src/policy/checks/suitability.ts';
import { diffDocuments, mergePatch } from '../../../src/policy/diff.ts';
import type { PolicyKind } from '../../../src/policy/kinds.ts';
import type { SuitabilityDoc } from '../../../src/policy/model/suitability.ts';
import { parsePolicyYaml } from '../../../src/policy/yaml.ts';
import { RULES_DIR } from '../../helpers/policy-sets.ts';

const SETS = { baseline: RULES_DIR, csrc: join(RULES_DIR, 'examples/csrc-2017') };

function read(set: keyof typeof SETS, kind: PolicyKind): unknown {
  return parsePolicyYaml(readFileSync(join(SETS[set], `${kind}.yaml`), 'utf8')).value;
}

function problemsOf(mutate: (doc: SuitabilityDoc) => void, set: keyof typeof SETS = 'baseline', withQuestionnaire = true) {
  const doc = structuredClone(read(set, 'suitability')) as SuitabilityDoc;
  mutate(doc);
  const documents = new Map<PolicyKind, unknown>(withQuestionnaire ? [['risk-questionnaire', read(set, 'risk-questionnaire')]] : []);
  return checkSuitability(doc, { documents }).map((p) => `${p.code} ${p.path}`);
}

describe('suitability checks', () => {
  it.each(['baseline', 'csrc'] as const)('finds nothing wrong with the shipped %s set', (set) => {
    expect(problemsOf(() => {}, set)).toEqual([]);
  });

  it('reports product levels that are not declared', () => {
    expect(problemsOf((d) => { d.productTypes.stock!.level = 'extreme'; d.matching.high!.push('extreme'); }))
      .toEqual(['LEVEL_UNDECLARED /productTypes/stock/level', 'LEVEL_UNDECLARED /matching/high/3']);
  });

  it('resolves client levels against the risk questionnaire (a cross-file reference)', () => {
    expect(problemsOf((d) => { d.matching.C6 = ['R5']; }, 'csrc')).toEqual(['REFERENCE_UNRESOLVED /matching/C6']);
    expect(problemsOf((d) => { delete d.matching.C3; }, 'csrc')).toEqual(['REFERENCE_UNRESOLVED /matching']);
    // The baseline's client levels are not the CSRC questionnaire's.
    const baseline = structuredClone(read('baseline', 'suitability')) as SuitabilityDoc;
    const codes = checkSuitability(baseline, { documents: new Map([['risk-questionnaire', read('csrc', 'risk-questionnaire')]]) }).map((p) => p.code);
    expect(codes.filter((c) => c === 'REFERENCE_UNRESOLVED')).toHaveLength(4 + 5);
  });

  it('checks within the document alone when the questionnaire is absent', () => {
    expect(problemsOf((d) => { d.matching.C6 = ['R1', 'R2', 'R3', 'R4', 'R5']; }, 'csrc', false)).toEqual([]);
  });

  it.each([
    ['a higher level losing a product level', (d: SuitabilityDoc) => { d.matching.C3 = ['R1', 'R3']; }, ['SUITABILITY_NOT_MONOTONIC /matching/C3']],
    ['the top level allowing less than the one below', (d: SuitabilityDoc) => { d.matching.C5 = ['R5']; }, ['SUITABILITY_NOT_MONOTONIC /matching/C5']],
    ['every client level made stricter alike', (d: SuitabilityDoc) => { d.matching.C4 = ['R1', 'R2', 'R3']; }, []],
  ])('judges monotonic matching: %s', (_name, mutate, expected) => {
    expect(problemsOf(mutate, 'csrc')).toEqual(expected);
  });

  it('orders client levels by the questionnaire, not by the order of matching', () => {
    expect(problemsOf((d) => { d.matching = { high: d.matching.high!, medium: d.matching.medium!, low: d.matching.low!, 'very-low': d.matching['very-low']! }; })).toEqual([]);
  });

  it('reports a product name that would resolve to two types', () => {
    expect(problemsOf((d) => { d.productTypes.stock!.aliases = ['国债']; })).toEqual(['REFERENCE_UNRESOLVED /productTypes/stock/aliases/0']);
    expect(problemsOf((d) => { d.productTypes.warrant!.label.zh = 'stock'; })).toEqual(['REFERENCE_UNRESOLVED /productTypes/warrant/label/zh']);
  });

  it('reports facts the suitability decision does not supply, or of the wrong type', () => {
    expect(problemsOf((d) => {
      d.facts.age = { type: 'number', label: { zh: '年龄', en: 'Age' } };
      d.facts.recommended = { type: 'string', label: { zh: '推介', en: 'Recommended' } };
    })).toEqual(['CONDITION_VALUE_TYPE /facts/recommended/type', 'CONDITION_FACT_UNKNOWN /facts/age', 'CONDITION_FACT_UNKNOWN /rules/recommended-above-level/when/all/1/fact']);
  });

  it('checks catalogue facts against the declared levels and product types', () => {
    expect(problemsOf((d) => {
      d.facts.productType = { type: 'string', label: { zh: '产品类型', en: 'Product type' }, values: ['stock', 'bitcoin'] };
      d.rules['no-bitcoin'] = { when: { all: [{ fact: 'productType', operator: 'in', value: ['warrant', 'bitcoin'] }] }, verdict: 'block', reason: 'above-level' };
    })).toEqual(['REFERENCE_UNRESOLVED /facts/productType/values/1', 'CONDITION_VALUE_TYPE /rules/no-bitcoin/when/all/0/value']);
  });

  it('reports verdicts and reasons that are not declared', () => {
    expect(problemsOf((d) => { d.rules['above-level']!.verdict = 'refuse'; d.rules['above-level']!.reason = 'too-risky'; }))
      .toEqual(['REFERENCE_UNRESOLVED /rules/above-level/verdict', 'REFERENCE_UNRESOLVED /rules/above-level/reason']);
  });
});

describe('suitability override bounds (stricter only)', () => {
  const base = read('baseline', 'suitability');
  const verdictOf = (override: unknown) => checkOverrideBounds('suitability', base, diffDocuments(base, mergePatch(base, override))).map((p) => p.path);

  it.each([
    ['a client level losing a product level', { matching: { medium: ['low'] } }],
    ['a product type raised to a higher level', { productTypes: { 'bond-fund': { level: 'high' } } }],
    ['a rule made more severe', { rules: { 'above-level': { verdict: 'block' } } }],
  ])('allows %s', (_name, override) => {
    expect(verdictOf(override)).toEqual([]);
  });

  it.each([
    ['a client level gaining a product level', { matching: { low: ['low', 'medium'] } }, '/suitability/matching/low'],
    ['a product type lowered', { productTypes: { stock: { level: 'medium' } } }, '/suitability/productTypes/stock/level'],
    ['a rule made lenient', { rules: { 'lowest-above-level': { verdict: 'warn' } } }, '/suitability/rules/lowest-above-level/verdict'],
    ['a rule condition rewritten', { rules: { 'above-level': { when: { all: [{ fact: 'recommended', operator: 'equal', value: true }] } } } }, '/suitability/rules/above-level/when/all'],
    ['a new product type', { productTypes: { crypto: { label: { zh: '加密资产', en: 'Crypto' }, level: 'high' } } }, '/suitability/productTypes/crypto'],
  ])('refuses %s', (_name, override, path) => {
    expect(verdictOf(override)).toEqual([path]);
  });
});
