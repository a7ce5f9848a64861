// Shared outputs: built once per key and frozen; their JSON is remembered; a batch line written
// member by member is byte for byte what JSON.stringify writes.
import { describe, expect, it } from 'vitest';
import { clientRecords } from '../../bench/clients.ts';
import { answerLine } from '../../src/engine/batch.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { Interned, jsonOf, outputJson } from '../../src/engine/interned.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, shippedPolicySets } from '../helpers/policy-sets.ts';

describe('Interned', () => {
  it('builds a value once per key, shares it, and freezes it through', () => {
    const interned = new Interned<{ id: string; list: { n: number }[] }>();
    let built = 0;
    const build = () => { built++; return { id: 'a', list: [{ n: 1 }] }; };
    const first = interned.get('a', build);
    expect(interned.get('a', build)).toBe(first);
    expect(built).toBe(1);
    expect(Object.isFrozen(first) && Object.isFrozen(first.list) && Object.isFrozen(first.list[0])).toBe(true);
    expect(() => { (first.list[0] as { n: number }).n = 2; }).toThrow(TypeError);
    expect(interned.get('b', build)).not.toBe(first);
  });

  it('stops remembering past its limit instead of growing without end', () => {
    const interned = new Interned<{ k: number }>();
    for (let k = 0; k < 5000; k++) interned.get(String(k), () => ({ k }));
    const late = interned.get('9999', () => ({ k: 9999 }));
    expect(Object.isFrozen(late)).toBe(false);
    expect(interned.get('9999', () => ({ k: 9999 }))).not.toBe(late);
  });
});

describe('jsonOf and outputJson', () => {
  it('write what JSON.stringify writes, for frozen, shared and plain values alike', () => {
    const shared = Object.freeze({ label: '基础服务', services: Object.freeze([Object.freeze({ id: 'x', label: '投资者教育' })]) });
    const cases: Record<string, unknown>[] = [
      { a: 1, b: 'x', c: null, d: [1, 2], e: { f: true } },
      { skipped: undefined, shared, n: 1.5, s: 'a"b\\c\n', when: new Date('2026-06-30T02:00:00Z') },
      Object.freeze({ only: 'frozen' }) as Record<string, unknown>,
      { first: shared, second: shared, '1': 'index-like key first', 'a b': [] },
    ];
    for (const c of cases) expect(outputJson(c)).toBe(JSON.stringify(c));
    expect(jsonOf(shared)).toBe(JSON.stringify(shared));
    expect(jsonOf(shared)).toBe(jsonOf(shared));
  });
});

describe.each(shippedPolicySets())('client-profile batch lines on %s', (dir) => {
  const set = loadValidPolicyDir(dir);
  const policy = CompiledPolicy.compile(set);

  it('share the parts that follow from ids alone, and write each line as JSON.stringify would', () => {
    const records = clientRecords(2_000, set);
    const results = records.map((r) => policy.decideSync('client-profile', r, { at: FROZEN_NOW }));
    for (const [i, result] of results.entries()) {
      const expected = JSON.stringify({ line: i + 2, decision: 'client-profile', output: result.output });
      expect(answerLine({ line: i + 2, result }, 'client-profile')).toBe(expected);
    }
    // Two clients of one class get the very same service-package object.
    const byClass = new Map<string, unknown>();
    for (const { output } of results) {
      const pkg = output['service-package'] as { class: string };
      if (byClass.has(pkg.class)) expect(pkg).toBe(byClass.get(pkg.class));
      byClass.set(pkg.class, pkg);
      expect(Object.isFrozen(output['vip'])).toBe(true);
      expect(Object.isFrozen(output['value-segment'])).toBe(true);
    }
    expect(byClass.size).toBeGreaterThan(3);
  });
});
