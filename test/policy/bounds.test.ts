// Head office's bounds: ranges rounded to the precision of the values that make them, and every
// refusal carried as data (a reason and its numbers) beside the English message.
import { describe, expect, it } from 'vitest';
import { boundProblems, checkOverrideBounds, decimalsOf, relativeRange } from '../../src/policy/bounds.ts';
import { diffDocuments, mergePatch } from '../../src/policy/diff.ts';

describe('relative ranges', () => {
  it.each([
    [2.8, 1], [3, 0], [1e-7, 7], [1.25e-5, 7], [5e21, 0], [-0.125, 3],
  ])('decimalsOf(%d) is %i', (x, expected) => {
    expect(decimalsOf(x)).toBe(expected);
  });

  it.each([
    [2.8, 0.5, 1.4, 4.2],
    [3, 0.5, 1.5, 4.5],
    [0.3, 0.1, 0.27, 0.33],
    [5_000_000, 0.2, 4_000_000, 6_000_000],
    [1.1, 0.3, 0.77, 1.43],
    [-2.8, 0.5, -4.2, -1.4],
  ])('%d ± %d is [%d, %d], without float noise', (base, relative, low, high) => {
    expect(relativeRange(base, relative)).toEqual({ low, high });
  });
});

describe('bounds refuse with a reason and its numbers', () => {
  const doc = {
    threshold: 2.8,
    levels: { low: {}, medium: {}, high: {} },
    matching: { a: ['low', 'medium'] },
    products: { fund: { level: 'medium' } },
    days: 10,
    floor: 4,
    fixed: 1,
    overrides: [
      { path: '/threshold', label: { zh: '阈值', en: 'Threshold' }, relative: 0.5 },
      { path: '/matching/*', subset: true },
      { path: '/products/*/level', notBelow: '/levels' },
      { path: '/days', direction: 'down', min: 2, max: 12 },
      { path: '/floor', direction: 'up' },
    ],
  };
  const check = (patch: unknown) => checkOverrideBounds('k', doc, diffDocuments(doc, mergePatch(doc, patch)));

  it('takes head office\'s own upper limit: 2.8 ± 50% reaches 4.2 exactly', () => {
    expect(check({ threshold: 4.2 })).toEqual([]);
    expect(check({ threshold: 1.4 })).toEqual([]);
  });

  it('says the range in the precision of the values, in words and as data', () => {
    expect(check({ threshold: 9 })).toEqual([{
      path: '/k/threshold',
      code: 'OVERRIDE_OUT_OF_BOUNDS',
      message: 'k/threshold: 9 is outside [1.4, 4.2] (within ±50% of head office\'s value) (bound at /threshold: within ±50% of head office\'s value).',
      params: { reason: 'relative', value: 9, base: 2.8, relative: 0.5, low: 1.4, high: 4.2, bound: doc.overrides[0] },
    }]);
  });

  it.each([
    ['a fixed path', { fixed: 2 }, { reason: 'fixed', adjustable: doc.overrides.map((b) => ('label' in b ? { path: b.path, label: b.label } : { path: b.path })) }],
    ['an added value', { matching: { b: ['low'] } }, { reason: 'added', bound: doc.overrides[1] }],
    ['a removed value', { days: null }, { reason: 'removed', bound: doc.overrides[3] }],
    ['a number below the minimum', { days: 1 }, { reason: 'min', value: 1, limit: 2, bound: doc.overrides[3] }],
    ['a number raised where it may only go down', { days: 11 }, { reason: 'down', value: 11, base: 10, bound: doc.overrides[3] }],
    ['a number lowered where it may only go up', { floor: 3 }, { reason: 'up', value: 3, base: 4, bound: doc.overrides[4] }],
    ['a list that gains an entry', { matching: { a: ['low', 'medium', 'high'] } }, { reason: 'subset', added: ['high'], bound: doc.overrides[1] }],
    ['a key that is not in the order', { products: { fund: { level: 'extreme' } } }, { reason: 'notAKey', value: 'extreme', known: ['low', 'medium', 'high'], bound: doc.overrides[2] }],
    ['a less strict key', { products: { fund: { level: 'low' } } }, { reason: 'lessStrict', value: 'low', base: 'medium', known: ['low', 'medium', 'high'], bound: doc.overrides[2] }],
    ['a text where a number is bounded', { threshold: 'high' }, { reason: 'notNumber', value: 'high', bound: doc.overrides[0] }],
  ])('%s', (_name, patch, params) => {
    const problems = check(patch);
    expect(problems.map((p) => p.params)).toEqual([params]);
  });

  it('says what is wrong with a bound itself as data too', () => {
    const bad = {
      n: 'text', list: 1, keyed: 'x', order: { a: 1 },
      overrides: [
        { path: '/kind', relative: 0.1 },
        { path: '/missing', relative: 0.1 },
        { path: '/n', min: 3, max: 1 },
        { path: '/list', subset: true },
        { path: '/keyed', notBelow: '/order' },
        { path: '/keyed', notBelow: '/nothing' },
      ],
    };
    expect(boundProblems(bad).map((p) => [p.code, p.params])).toEqual([
      ['BOUND_INVALID', { reason: 'reserved', bound: '/kind' }],
      ['BOUND_PATH_UNKNOWN', { reason: 'noValue', bound: '/missing' }],
      ['BOUND_INVALID', { reason: 'notNumber', bound: '/n', target: '/n' }],
      ['BOUND_INVALID', { reason: 'minAboveMax', bound: '/n', min: 3, max: 1 }],
      ['BOUND_INVALID', { reason: 'notList', bound: '/list', target: '/list' }],
      ['BOUND_INVALID', { reason: 'notAKey', bound: '/keyed', target: '/keyed', order: '/order', known: ['a'] }],
      ['BOUND_PATH_UNKNOWN', { reason: 'noOrder', bound: '/keyed', order: '/nothing' }],
    ]);
  });
});
