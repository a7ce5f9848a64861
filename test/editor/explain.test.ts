import { describe, expect, it } from 'vitest';
import { boundAt, describeBound, explainProblem } from '../../editor/src/lib/explain.ts';
import { ruleDocs } from './helpers.ts';

const docs = ruleDocs();

describe('explaining problems', () => {
  it('puts a bound in words', () => {
    expect(describeBound({ relative: 0.5 }, 'zh')).toBe('在总部取值的 ±50% 以内');
    expect(describeBound({ min: 1, direction: 'down' }, 'zh')).toBe('不低于 1,只能调低');
    expect(describeBound({ subset: true }, 'en')).toBe('entries may only be removed');
  });

  it('finds the bound and head office\'s value behind an override path', () => {
    expect(boundAt(docs, '/classification/turnoverThreshold')).toMatchObject({ bound: { path: '/turnoverThreshold' }, base: 3 });
    expect(boundAt(docs, '/classification/tiers/1m-5m/max')).toMatchObject({ bound: { path: '/tiers/*/max' }, base: 5_000_000 });
    expect(boundAt(docs, '/classification/title')).toBeUndefined();
  });

  it('says what an out-of-bounds value may be, in head office\'s words', () => {
    expect(explainProblem('zh', 'OVERRIDE_OUT_OF_BOUNDS', '/classification/turnoverThreshold', docs))
      .toBe('超出总部允许的调整范围,请改回范围内的值或删除该项。 资产周转率阈值:在总部取值的 ±50% 以内(总部取值 3)');
    expect(explainProblem('en', 'OVERRIDE_OUT_OF_BOUNDS', '/classification/turnoverThreshold', docs)).toContain('Turnover threshold: within ±50% of head office\'s value (head office: 3)');
  });

  it('leaves the bound to the problem\'s own detail when that says it', () => {
    expect(explainProblem('zh', 'OVERRIDE_OUT_OF_BOUNDS', '/classification/turnoverThreshold', docs, true)).toBe('超出总部允许的调整范围,请改回范围内的值或删除该项。');
  });

  it('gives the code\'s advice, or nothing for codes it does not know', () => {
    expect(explainProblem('zh', 'TIER_GAP', '/tiers/x', docs)).toContain('空档');
    expect(explainProblem('zh', 'NOT_A_CODE', '', docs)).toBeUndefined();
  });
});
