import { describe, expect, it } from 'vitest';
import { fileKind, markerFor, mergeMarkers, placeProblems, problemsByKind, problemsFrom, type MarkerData } from '../../editor/src/lib/markers.ts';
import { applyOverride } from '../../src/policy/override.ts';
import { loadPolicyDir } from '../../src/policy/policy-set.ts';
import { ROOT } from './helpers.ts';

const problem = (line: number, column: number, extra: Record<string, unknown> = {}) => ({ path: '/x', line, column, code: 'SCHEMA_VIOLATION', message: 'm', ...extra });

describe('problemsFrom', () => {
  it('reads the API details and drops entries without a position', () => {
    expect(problemsFrom([
      { kind: 'classification', file: 'override', path: '/a', line: 2, column: 5, code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'too far' },
      { field: '/input/assets', message: 'BAD_INPUT detail has no position' },
      null,
    ])).toEqual([{ kind: 'classification', file: 'override', path: '/a', line: 2, column: 5, code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'too far' }]);
    expect(problemsFrom(undefined)).toEqual([]);
  });
});

describe('the facts of a problem', () => {
  it('keeps the params the server sends, so that the detail can be said in the reader\'s language', () => {
    const params = { reason: 'relative', value: 9, base: 3, low: 1.5, high: 4.5 };
    expect(problemsFrom([{ path: '/a', line: 2, column: 5, code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'too far', params }])[0]).toMatchObject({ params });
    expect(problemsFrom([{ path: '/a', line: 2, column: 5, code: 'X', message: 'm', params: ['not', 'an', 'object'] }])[0]).not.toHaveProperty('params');
  });

  it('puts the described detail under the squiggle, and keeps the problem for the list', () => {
    const p = problem(1, 1, { code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'English' });
    const { markers } = placeProblems('a: 1\n', [p], undefined, (q) => `说明:${q.code}`);
    expect(markers[0]).toMatchObject({ message: '说明:OVERRIDE_OUT_OF_BOUNDS (OVERRIDE_OUT_OF_BOUNDS)', problem: p });
    expect(placeProblems('a: 1\n', [p]).markers[0]!.message).toBe('English (OVERRIDE_OUT_OF_BOUNDS)');
  });
});

describe('markerFor', () => {
  const text = 'classification:\n  turnoverThreshold: 9   # note\n  name: "a b" \n  flow: { a: 1, b: [2, 3] }\n';
  const range = (line: number, column: number): [number, number] => {
    const m = markerFor(text, problem(line, column));
    return [m.startColumn, m.endColumn];
  };

  it('covers a plain scalar up to the comment', () => expect(range(2, 22)).toEqual([22, 23]));
  it('covers a key up to its colon', () => expect(range(2, 3)).toEqual([3, 20]));
  it('covers a quoted string with its quotes', () => expect(range(3, 9)).toEqual([9, 14]));
  it('covers a flow collection to its closing bracket', () => expect(range(4, 9)).toEqual([9, 28]));

  it('clamps a position past the text into it', () => {
    const m = markerFor('a: 1\n', problem(99, 99));
    expect([m.startLineNumber, m.startColumn]).toEqual([2, 1]);
    expect(m.endColumn).toBeGreaterThan(m.startColumn);
  });

  it('keeps the code in the message and the severity', () => {
    const m = markerFor(text, problem(2, 22, { code: 'OVERRIDE_OUT_OF_BOUNDS', message: 'out', severity: 'warning' }));
    expect(m).toMatchObject({ severity: 'warning', message: 'out (OVERRIDE_OUT_OF_BOUNDS)', code: 'OVERRIDE_OUT_OF_BOUNDS', path: '/x' });
  });
});

describe('positions from the real override check', () => {
  it('puts an out-of-bounds threshold under its value, line 2 column 22', () => {
    const { set } = loadPolicyDir(`${ROOT}/rules`);
    const text = 'classification:\n  turnoverThreshold: 9\n';
    const result = applyOverride(set, text, 'override');
    const placed = placeProblems(text, problemsFrom(result.diagnostics), (p) => fileKind(p, ['classification']) !== undefined);
    expect(placed.elsewhere).toEqual([]);
    expect(placed.markers.map((m) => [m.code, m.startLineNumber, m.startColumn, m.endColumn])).toEqual([['OVERRIDE_OUT_OF_BOUNDS', 2, 22, 23]]);
  });
});

describe('placeProblems', () => {
  it('keeps problems in head office\'s files out of the override text, sorted otherwise', () => {
    const problems = [problem(3, 1, { file: 'override' }), problem(1, 4, { file: 'override' }), problem(40, 7, { file: 'classification' })];
    const placed = placeProblems('a: 1\nb: 2\nc: 3\n', problems, (p) => fileKind(p, ['classification']) !== undefined);
    expect(placed.markers.map((m) => m.startLineNumber)).toEqual([1, 3]);
    expect(placed.elsewhere).toHaveLength(1);
  });

  it('names the kind of a file path or a bare kind', () => {
    expect(fileKind(problem(1, 1, { file: 'rules/vip.yaml' }), ['vip'])).toBe('vip');
    expect(fileKind(problem(1, 1, { file: 'revisions/3/vip.yaml' }), ['vip'])).toBe('vip');
    expect(fileKind(problem(1, 1, { file: 'override' }), ['vip'])).toBeUndefined();
  });
});

describe('mergeMarkers', () => {
  const at = (line: number, column: number, code: string): MarkerData => ({ severity: 'error', startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: column + 1, message: code, code, path: '' });
  it('drops a schema problem the server reported at the same place and sorts the rest', () => {
    expect(mergeMarkers([at(11, 20, 'SCHEMA_VIOLATION')], [at(11, 20, 'SCHEMA'), at(2, 1, 'SCHEMA')]).map((m) => `${m.startLineNumber}:${m.code}`))
      .toEqual(['2:SCHEMA', '11:SCHEMA_VIOLATION']);
  });
});

describe('problemsByKind', () => {
  it('groups by kind, then by the file\'s kind, then the fallback', () => {
    const grouped = problemsByKind([problem(1, 1, { kind: 'vip' }), problem(2, 1, { file: 'revisions/1/complaint.yaml' }), problem(3, 1)], 'classification');
    expect([...grouped.keys()]).toEqual(['vip', 'complaint', 'classification']);
  });
});
