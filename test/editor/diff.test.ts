import { describe, expect, it } from 'vitest';
import { boundMatches, changedKinds, changeRows, describePath, formatValue, patchRows, relativeChange, valueAt } from '../../editor/src/lib/diff.ts';
import { ruleDocs } from './helpers.ts';

const docs = ruleDocs();

describe('changeRows', () => {
  const expected = [{ kind: 'classification', path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }];
  it('reads the API\'s list of changes with a kind each', () => {
    expect(changeRows([{ kind: 'classification', path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }])).toEqual(expected);
  });
  it('reads paths that start with the kind', () => {
    expect(changeRows([{ path: '/classification/turnoverThreshold', op: 'replace', before: 3, after: 2.5 }])).toEqual(expected);
  });
  it('reads a map of kind to changes, and {changes: …} around it', () => {
    expect(changeRows({ changes: { classification: [{ path: '/turnoverThreshold', op: 'change', before: 3, after: 2.5 }] } })).toEqual(expected);
  });
  it('ignores what it cannot read', () => {
    expect(changeRows('nonsense')).toEqual([]);
    expect(changeRows([{ op: 'change' }])).toEqual([]);
  });
});

describe('patchRows', () => {
  it('flattens an override to its leaves, a null as a removal', () => {
    expect(patchRows({ classification: { turnoverThreshold: 2.5, tiers: { '1m-5m': { max: 4e6 } } }, vip: { grace: null } })).toEqual([
      { kind: 'classification', path: '/turnoverThreshold', op: 'change', after: 2.5 },
      { kind: 'classification', path: '/tiers/1m-5m/max', op: 'change', after: 4e6 },
      { kind: 'vip', path: '/grace', op: 'remove' },
    ]);
  });
});

describe('describePath', () => {
  it('names a path by head office\'s bound label', () => {
    expect(describePath(docs.classification, '/turnoverThreshold', 'zh')).toBe('资产周转率阈值');
    expect(describePath(docs.classification, '/turnoverThreshold', 'en')).toBe('Turnover threshold');
  });
  it('adds the label of each id a wildcard stands for', () => {
    expect(describePath(docs.classification, '/tiers/1m-5m/max', 'zh')).toBe('资产档次上限 · 100万—500万');
  });
  it('falls back to the pointer where no bound names it', () => {
    expect(describePath(docs.classification, '/title/zh', 'zh')).toBe('/title/zh');
  });
});

describe('boundMatches', () => {
  it.each([
    ['/tiers/*/max', '/tiers/1m-5m/max', true],
    ['/tiers/*/max', '/tiers/1m-5m/min', false],
    ['/tiers/*/max', '/tiers/max', false],
    ['/turnoverThreshold', '/turnoverThreshold', true],
  ])('%s ~ %s → %s', (pattern, path, result) => expect(boundMatches(pattern, path)).toBe(result));
});

describe('small shapers', () => {
  it('lists the kinds whose text differs, in the first revision\'s order', () => {
    expect(changedKinds({ a: '1', b: '2', c: '3' }, { a: '1', b: '2!', d: '4' })).toEqual(['b', 'c', 'd']);
  });
  it('gives a relative change for numbers only', () => {
    expect(relativeChange(3, 2.5)).toBeCloseTo(-1 / 6);
    expect(relativeChange(0, 1)).toBeUndefined();
    expect(relativeChange('a', 1)).toBeUndefined();
  });
  it('formats values for a table', () => {
    expect(formatValue(undefined)).toBe('—');
    expect(formatValue(4000000)).toBe('4,000,000');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('valueAt', () => {
  it('reads head office\'s value at a pointer, escapes and list indices included', () => {
    expect(valueAt(docs.classification, '/turnoverThreshold')).toBe(3);
    expect(valueAt({ 'a/b': { '~c': [10, 20] } }, '/a~1b/~0c/1')).toBe(20);
    expect(valueAt(docs.classification, '/nowhere/deeper')).toBeUndefined();
    expect(valueAt({ a: 1 }, '')).toEqual({ a: 1 });
    expect(valueAt({}, '/constructor')).toBeUndefined();
  });
});
