// json-rules-engine's Engine keeps one engine-wide status, so overlapping runs on one Engine can
// cut each other short (upstream issue 303). This runs 10,000 mixed decisions at once and
// requires the very answers the same decisions give one at a time.
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { decisionOfKind } from '../../src/policy/kinds.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

describe('concurrent evaluation', () => {
  it('10,000 overlapping mixed decisions equal the same decisions run one by one', async () => {
    const set = loadValidPolicyDir(RULES_DIR);
    const policy = CompiledPolicy.compile(set);
    const samples = [...set.documents.values()].flatMap((doc) =>
      ((doc.value.tests ?? []) as { decision?: string; input: unknown; expectError?: unknown }[])
        .filter((t) => !t.expectError)
        .map((t) => ({ decision: t.decision ?? decisionOfKind(doc.kind), input: t.input })));
    expect(new Set(samples.map((s) => s.decision)).size).toBeGreaterThanOrEqual(policy.decisionNames.length - 1);
    const work = Array.from({ length: 10_000 }, (_, i) => samples[(i * 7919) % samples.length]!);
    const run = (w: (typeof work)[number]) => policy.decide(w.decision, w.input, { at: FROZEN_NOW, explain: true });

    const sequential = [];
    for (const w of work) sequential.push(await run(w));
    const concurrent = await Promise.all(work.map(run));

    expect(concurrent).toEqual(sequential);
  });
});
