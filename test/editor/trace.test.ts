import { describe, expect, it } from 'vitest';
import { conditionText, kindOfFile, outputRows, traceSteps, visibleSteps } from '../../editor/src/lib/trace.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { ROOT, ruleTexts } from './helpers.ts';

describe('an explain trace from the engine', async () => {
  const policy = CompiledPolicy.compile(loadValidPolicyDir(`${ROOT}/rules`));
  const answer = await policy.decide('classification', { assets: 2_000_000, turnover: 2.7 }, { explain: true });
  const steps = traceSteps(answer.trace);

  it('keeps every step, with the rule\'s kind, line and column', () => {
    expect(steps.length).toBeGreaterThan(1);
    const fired = visibleSteps(steps, false);
    expect(fired).toHaveLength(1);
    const step = fired[0]!;
    expect(step.rule).toBe('1m-5m/low');
    expect(step.source).toMatchObject({ kind: 'classification', path: '/tiers/1m-5m/classes/low' });
    // The line the step names is the rule's line in the YAML.
    const line = ruleTexts().classification!.split('\n')[step.source!.line - 1]!;
    expect(line.trim()).toBe('classes: { high: A, low: B }');
    expect(line.slice(step.source!.column - 1)).toMatch(/^B/);
  });

  it('shows the fired steps first and the rest only when asked', () => {
    const all = visibleSteps(steps, true);
    expect(all).toHaveLength(steps.length);
    expect(all[0]!.fired).toBe(true);
  });

  it('describes a condition with the client\'s value', () => {
    const step = visibleSteps(steps, false)[0]!;
    expect(step.conditions.map(conditionText)).toContain('assets (2000000) ≥ 1000000');
  });

  it('pairs output fields with their labels', () => {
    const rows = outputRows(answer.output as Record<string, unknown>, 'zh');
    expect(rows.find((r) => r.key === 'class')).toEqual({ key: 'class', value: 'B', label: 'B类客户' });
    expect(rows.find((r) => r.key === 'tier')).toEqual({ key: 'tier', value: '1m-5m', label: '100万—500万' });
    expect(rows.some((r) => r.key === 'tierLabel' || r.key === 'labelEn')).toBe(false);
    expect(outputRows(answer.output as Record<string, unknown>, 'en').find((r) => r.key === 'class')!.label).toBe('Class B');
  });
});

describe('traceSteps', () => {
  it('ignores malformed steps and keeps those without a source', () => {
    expect(traceSteps([{ rule: 'r', fired: true, conditions: [] }, { nope: 1 }, 'x'])).toEqual([{ rule: 'r', fired: true, conditions: [] }]);
    expect(traceSteps(undefined)).toEqual([]);
  });
  it('names the kind of a source file', () => {
    expect(kindOfFile('rules/classification.yaml')).toBe('classification');
    expect(kindOfFile('vip')).toBe('vip');
  });
});
