// The built-in sample: reproducible from its seed, shaped like a real client base, and
// decidable by the engine.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_FILE, SAMPLE_SIZE, generateClients, toNdjson } from '../../scripts/sample-clients.ts';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { parseNdjson } from '../../editor/src/lib/clients-file.ts';
import { ROOT } from './helpers.ts';

const shipped = readFileSync(SAMPLE_FILE, 'utf8');
const clients = parseNdjson(shipped).inputs as { assets: number; turnover: number }[];

describe('the built-in client sample', () => {
  it('is exactly what the seeded script writes', () => {
    expect(toNdjson(generateClients())).toBe(shipped);
    expect(toNdjson(generateClients(1, 10))).not.toBe(toNdjson(generateClients(2, 10)));
  });

  it('holds a few thousand clients, most small and a few large (log-normal assets)', () => {
    expect(clients).toHaveLength(SAMPLE_SIZE);
    const assets = clients.map((c) => c.assets).sort((a, b) => a - b);
    const median = assets[Math.floor(assets.length / 2)]!;
    const mean = assets.reduce((s, a) => s + a, 0) / assets.length;
    expect(mean).toBeGreaterThan(3 * median);
    const share = (lo: number, hi: number): number => assets.filter((a) => a >= lo && a < hi).length / assets.length;
    expect(share(0, 100_000)).toBeGreaterThan(0.5);
    expect(share(5_000_000, Infinity)).toBeGreaterThan(0.002);
    expect(share(5_000_000, Infinity)).toBeLessThan(0.03);
  });

  it('is decided by the engine without errors, and lands in every class', async () => {
    const policy = CompiledPolicy.compile(loadValidPolicyDir(`${ROOT}/rules`));
    const classes = new Set<string>();
    for (const c of clients) classes.add(String((await policy.decide('classification', c)).output.class));
    expect(classes.size).toBe(11);
  });
});
