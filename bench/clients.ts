// Synthetic clients shaped like a real client base: log-normal assets (most small, few large),
// turnover skewed low. Seeded, so every run measures the same population.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticClient {
  assets: number;
  turnover: number;
  avgDailyAssets3m: number;
  annualCommission: number;
}

export function syntheticClients(n: number, seed = 20261125): SyntheticClient[] {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, () => {
    const assets = Math.round(Math.exp(11.5 + 1.8 * normal()) * 100) / 100;
    const turnover = Math.round(Math.exp(0.6 + 0.9 * normal()) * 100) / 100;
    return {
      assets,
      turnover,
      avgDailyAssets3m: Math.round(assets * (0.8 + 0.4 * rand())),
      annualCommission: Math.round(assets * turnover * 0.0003),
    };
  });
}
