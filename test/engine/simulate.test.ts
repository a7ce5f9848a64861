// A simulation stops deciding once nobody waits for it (its signal aborted): a request cut off by
// the timeout, or whose client left, does not go on deciding up to 100,000 inputs for nobody.
import { describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { simulate } from '../../src/engine/simulate.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';

const policy = CompiledPolicy.compile(loadValidPolicyDir(RULES_DIR));
const inputs = Array.from({ length: 5_000 }, (_, i) => ({ assets: (i * 7919) % 7_000_000, turnover: (i % 13) / 2 }));

describe('simulate', () => {
  it('decides every input under both policies when nobody stops it', async () => {
    const controller = new AbortController();
    const result = await simulate(policy, policy, 'classification', inputs, { at: FROZEN_NOW }, controller.signal);
    expect(result.total).toBe(inputs.length);
    expect(result.changed).toBe(0);
    expect(Object.values(result.matrix).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(inputs.length);
  });

  it('stops within a few hundred inputs of its signal being aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('nobody waits');
    let decided = 0;
    // A compiled policy is frozen: the candidate is one that counts its decisions and aborts at the 300th.
    const candidate = {
      decide: (...args: Parameters<CompiledPolicy['decide']>) => {
        if (++decided === 300) controller.abort(reason);
        return policy.decide(...args);
      },
    } as unknown as CompiledPolicy;
    await expect(simulate(policy, candidate, 'classification', inputs, { at: FROZEN_NOW }, controller.signal)).rejects.toBe(reason);
    expect(decided).toBeGreaterThanOrEqual(300);
    expect(decided).toBeLessThan(300 + 2 * 256);
  });
});
