// The headline outcome of each decision (simulation matrix, metrics label) is an id taken from
// the real output — never the fallback JSON dump of the whole output — for every case the
// shipped policy files carry, in both policy sets.
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { HEADLINE, headlineOf } from '../../src/engine/simulate.ts';
import { DECISION_NAMES, decisionOfKind } from '../../src/policy/kinds.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, shippedPolicySets } from '../helpers/policy-sets.ts';

describe('headline outcomes', () => {
  it('every decision but the composite client-profile has a headline field', () => {
    expect(Object.keys(HEADLINE).sort()).toEqual(DECISION_NAMES.filter((d) => d !== 'client-profile').sort());
  });

  for (const dir of shippedPolicySets()) {
    it(`are ids from the output in ${dir.split('/').slice(-2).join('/')}`, async () => {
      const set = loadValidPolicyDir(dir);
      const policy = CompiledPolicy.compile(set);
      const outcomes = new Map<string, Set<string>>();
      for (const doc of set.documents.values()) {
        for (const tc of (doc.value.tests as { decision?: string; at?: string; input: unknown; expect?: unknown }[] | undefined) ?? []) {
          if (tc.expect === undefined) continue;
          const decision = tc.decision ?? decisionOfKind(doc.kind);
          const { output } = await policy.decide(decision, tc.input, { at: tc.at ? new Date(tc.at) : FROZEN_NOW });
          const headline = headlineOf(decision, output);
          expect(headline, `${decision}: ${headline}`).toMatch(/^[^{["]/);
          if (!outcomes.has(decision)) outcomes.set(decision, new Set());
          outcomes.get(decision)!.add(headline);
        }
      }
      // Each decision's cases reach more than one outcome, so the field is the one that varies.
      for (const [decision, seen] of outcomes) if (decision !== 'client-profile') expect(seen.size, decision).toBeGreaterThan(1);
      const profile = await policy.decide('client-profile', { assets: 2_000_000, turnover: 2.7 }, { at: FROZEN_NOW });
      expect(headlineOf('client-profile', profile.output)).toMatch(/^classification:\S+ service-package:\S+$/);
    });
  }
});
