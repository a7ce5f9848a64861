import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyPatchToYaml, parseOverride } from '../../editor/src/lib/effective.ts';
import { mergePatch } from '../../src/policy/diff.ts';
import { ruleTexts } from './helpers.ts';

const classification = ruleTexts().classification!;

describe('applyPatchToYaml', () => {
  it('swaps a scalar in place: comments and layout stay, one line differs', () => {
    const { base, effective, reprinted } = applyPatchToYaml(classification, { turnoverThreshold: 2.5 });
    expect(reprinted).toBe(false);
    expect(base).toBe(classification);
    const a = base.split('\n');
    const b = effective.split('\n');
    const differing = a.map((l, i) => [l, b[i]]).filter(([l, r]) => l !== r);
    expect(differing).toEqual([['turnoverThreshold: 3', 'turnoverThreshold: 2.5']]);
  });

  it('reaches into nested maps (a tier bound)', () => {
    const { effective } = applyPatchToYaml(classification, { tiers: { '1m-5m': { max: 4_000_000 }, '5m-and-above': { min: 4_000_000 } } });
    const value = parse(effective) as { tiers: Record<string, { min: number; max?: number }> };
    expect(value.tiers['1m-5m']!.max).toBe(4_000_000);
    expect(value.tiers['5m-and-above']!.min).toBe(4_000_000);
    expect(effective).toContain('# 资产档次,自低到高');
  });

  it('agrees with the server\'s merge patch when it must reprint (added and removed keys)', () => {
    const patch = { recalibration: null, tiers: { 'under-10k': { label: { zh: '一万以下', en: 'Under 10k' } } }, extra: { a: 1 } };
    const { base, effective, reprinted } = applyPatchToYaml(classification, patch);
    expect(reprinted).toBe(true);
    expect(parse(base)).toEqual(parse(classification));
    expect(parse(effective)).toEqual(mergePatch(parse(classification), patch));
  });

  it('leaves the text alone when the patch is not a map', () => {
    expect(applyPatchToYaml('a: 1\n', 5).effective).toBe('a: 1\n');
  });
});

describe('parseOverride', () => {
  it('reads a map, and nothing while the text does not parse', () => {
    expect(parseOverride('classification:\n  turnoverThreshold: 2.5\n')).toEqual({ classification: { turnoverThreshold: 2.5 } });
    expect(parseOverride('classification: [\n')).toBeUndefined();
    expect(parseOverride('- a\n')).toBeUndefined();
    expect(parseOverride('# only a comment\n')).toBeUndefined();
  });
});
