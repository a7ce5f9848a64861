// The built-in sample of synthetic clients for the editor's impact preview and the tests.
// Assets are log-normal like a real retail client base (most accounts small, a long tail of
// large ones); turnover is log-normal around the classification threshold's neighbourhood, so
// moving the threshold moves clients. Seeded: the same seed always writes the same bytes.
//   npx tsx scripts/sample-clients.ts            rewrites editor/public/samples/clients.ndjson
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SAMPLE_SEED = 20260630;
export const SAMPLE_SIZE = 5000;
export const SAMPLE_FILE = fileURLToPath(new URL('../editor/public/samples/clients.ndjson', import.meta.url));

export interface SampleClient {
  id: string;
  assets: number;
  averageAssets: number;
  avgDailyAssets3m: number;
  turnover: number;
  tradingVolume: number;
  annualCommission: number;
  avgHoldingDays: number;
  annualIncome: number;
  externalFinancialAssets: number;
}

/** mulberry32: small, fast, and good enough for synthetic data (the bench draws from it too). */
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

function normal(next: () => number): number {
  // Box–Muller; 1 - u keeps the logarithm finite.
  const u = 1 - next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function generateClients(seed = SAMPLE_SEED, count = SAMPLE_SIZE): SampleClient[] {
  const next = mulberry32(seed);
  const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * normal(next));
  const clients: SampleClient[] = [];
  for (let i = 1; i <= count; i++) {
    // Median 60k CNY, σ 1.8: about one client in six under 10k, well under 1% above 5m.
    const assets = round2(logNormal(60_000, 1.8));
    const averageAssets = round2(assets * logNormal(1, 0.15));
    const turnover = round2(logNormal(2.6, 0.6));
    const tradingVolume = round2(turnover * averageAssets);
    clients.push({
      id: `S${String(i).padStart(5, '0')}`,
      assets,
      averageAssets,
      avgDailyAssets3m: round2(assets * logNormal(1, 0.1)),
      turnover,
      tradingVolume,
      // Commission around 0.025% of volume, as retail rates go.
      annualCommission: round2(tradingVolume * 0.00025 * logNormal(1, 0.3)),
      avgHoldingDays: Math.max(1, Math.round(logNormal(30, 1.2))),
      annualIncome: round2(logNormal(120_000, 0.8)),
      externalFinancialAssets: round2(logNormal(100_000, 1.5)),
    });
  }
  return clients;
}

export function toNdjson(clients: readonly SampleClient[]): string {
  return clients.map((c) => JSON.stringify(c)).join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SAMPLE_FILE, toNdjson(generateClients()));
  process.stdout.write(`wrote ${SAMPLE_SIZE} clients to ${SAMPLE_FILE}\n`);
}
