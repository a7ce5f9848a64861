// Schema violations carry ajv's keyword and params as data beside the English message, from the
// validator through positioned diagnostics, so that the editor can say them in Chinese.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyTexts, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { validateAgainst } from '../../src/policy/schema.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

describe('schema violations as data', () => {
  it.each([
    ['a missing property', { answers: {} }, 'decisions/classification.input.schema.json', { path: '', atKey: true, params: { keyword: 'required', missingProperty: 'assets' } }],
    ['a number below its minimum', { assets: -1 }, 'decisions/classification.input.schema.json', { path: '/assets', params: { keyword: 'minimum', comparison: '>=', limit: 0 } }],
    ['a wrong type', { assets: 'x' }, 'decisions/classification.input.schema.json', { path: '/assets', params: { keyword: 'type', type: 'number' } }],
    ['a union of types', { answers: { 1: 3 } }, 'decisions/risk-level.input.schema.json', { path: '/answers/1', params: { keyword: 'type', type: ['string', 'array'] } }],
    ['a date format', { answers: {}, assessedAt: '2025-02-30' }, 'decisions/risk-level.input.schema.json', { path: '/assessedAt', params: { keyword: 'format', format: 'date' } }],
  ])('%s', (_name, value, schema, expected) => {
    expect(validateAgainst(schema, value)).toContainEqual(expect.objectContaining(expected));
  });

  it('reaches the diagnostics of a document, positioned, with the same params', () => {
    const text = 'kind: classification\nschemaVersion: 2\ntitle: {zh: 客户分类}\n';
    const { diagnostics } = loadPolicyTexts([{ file: 'c.yaml', text }]);
    expect(diagnostics).toContainEqual(expect.objectContaining({ line: 2, column: 16, code: 'SCHEMA_VIOLATION', params: { keyword: 'const', allowedValue: 1 } }));
    expect(diagnostics).toContainEqual(expect.objectContaining({ path: '/title', code: 'SCHEMA_VIOLATION', params: { keyword: 'required', missingProperty: 'en' } }));
  });

  it('reaches an override\'s diagnostics: unknown keys, unknown kinds and values out of bounds', () => {
    const base = loadPolicyTexts(readPolicyFiles(['classification.yaml', 'service-package.yaml'].map((f) => join(RULES_DIR, f)))).set;
    expect(applyOverride(base, 'classifications: {x: 1}\n').diagnostics).toMatchObject([
      { code: 'OVERRIDE_KIND_UNKNOWN', params: { value: 'classifications', known: ['classification', 'service-package'] } },
    ]);
    expect(applyOverride(base, 'classification: {turnoverThreshold: 9}\n').diagnostics).toMatchObject([
      { code: 'OVERRIDE_OUT_OF_BOUNDS', params: { reason: 'relative', value: 9, base: 3, low: 1.5, high: 4.5, bound: { path: '/turnoverThreshold', label: { zh: '资产周转率阈值' } } } },
    ]);
    expect(applyOverride(base, 'classification: {turnoverThreshold: "x"}\n').diagnostics).toContainEqual(expect.objectContaining({
      code: 'SCHEMA_VIOLATION', path: '/classification/turnoverThreshold', line: 1, column: 37, params: { keyword: 'type', type: ['number', 'null'] },
    }));
  });
});
