// Synthetic clients shaped like a real client base: log-normal assets (most small, few large),
// turnover skewed low. Seeded, so every run measures the same population. clientRecords() adds
// every other fact a client decision reads (questionnaire answers, holding period, occupation, …),
// drawn from the policy's own catalogues, so that client-profile runs all its decisions.
import type { RiskQuestionnaireDoc } from '../src/policy/model/risk-questionnaire.ts';
import type { PolicySet } from '../src/policy/policy-set.ts';
import { mulberry32 } from '../scripts/sample-clients.ts';

export { mulberry32 };

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

/** A client's whole record: every field of client-profile's input, for every client decision. */
export type ClientRecord = SyntheticClient & Record<string, unknown>;

function catalogue(set: PolicySet, kind: 'value-segment' | 'trading-style', key: string): string[] {
  const doc = set.documents.get(kind)?.value as Record<string, Record<string, unknown> | undefined> | undefined;
  return Object.keys(doc?.[key] ?? {});
}

export function clientRecords(n: number, set: PolicySet, seed = 20261125): ClientRecord[] {
  const rand = mulberry32(seed ^ 0x5eed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const questions = Object.entries((set.documents.get('risk-questionnaire')?.value as unknown as RiskQuestionnaireDoc | undefined)?.questions ?? {});
  const occupations = catalogue(set, 'value-segment', 'occupations');
  const activities = catalogue(set, 'trading-style', 'activities');
  return syntheticClients(n, seed).map((c) => {
    const answers = Object.fromEntries(questions.map(([id, q]) => {
      const option = pick(Object.keys(q.options));
      return [id, q.multiple ? [option] : option];
    }));
    const month = 1 + Math.floor(rand() * 12);
    // Written out field by field, not spread: V8 gives objects made by spreading one that holds
    // both whole and fractional numbers a hidden class each, which no caller's input has (records
    // parsed from JSON or read from CSV share one), and the bench would measure that instead.
    const record: ClientRecord = {
      assets: c.assets,
      turnover: c.turnover,
      avgDailyAssets3m: c.avgDailyAssets3m,
      annualCommission: c.annualCommission,
      tradingVolume: Math.round(c.assets * c.turnover),
      answers,
      assessedAt: `2025-${String(month).padStart(2, '0')}-15`,
      avgHoldingDays: Math.round(Math.exp(3 + rand() * 2.5)),
      activities: activities.filter(() => rand() < 0.15),
      annualIncome: Math.round(Math.exp(11.8 + 0.8 * (rand() + rand() - 1) * 2)),
      externalFinancialAssets: Math.round(c.assets * rand() * 3),
    };
    if (occupations.length > 0) record.occupation = pick(occupations);
    return record;
  });
}

/** The CSV header and rows of client records (nested answers as `answers.<id>`, lists joined by `;`). */
export function* clientCsv(records: Iterable<SyntheticClient | ClientRecord>): Generator<string> {
  let columns: string[] | undefined;
  for (const r of records) {
    const flat: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [q, a] of Object.entries(v)) flat[`${k}.${q}`] = a;
      else flat[k] = v;
    }
    if (!columns) {
      columns = Object.keys(flat);
      yield columns.join(',') + '\n';
    }
    yield columns.map((col) => {
      const v = flat[col];
      return Array.isArray(v) ? v.join(';') : v === undefined ? '' : String(v);
    }).join(',') + '\n';
  }
}
