// `npm run bench`: decisions per second on this machine, each beside a baseline measured in the
// same run, reported as ratios (machines are shared and noisy; absolute figures are context).
import { CompiledPolicy } from '../src/engine/compile.ts';
import type { ClassificationDoc } from '../src/policy/model/classification.ts';
import { loadValidPolicyDir } from '../src/policy/policy-set.ts';
import { syntheticClients } from './clients.ts';

const N = Number(process.env.BENCH_CLIENTS ?? 200_000);

interface Row {
  name: string;
  perSecond: number;
  note?: string;
}

async function measure(name: string, n: number, run: () => Promise<void> | void, note?: string): Promise<Row> {
  await run(); // warm-up
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, perSecond: n / seconds, ...(note ? { note } : {}) };
}

/** The limit: a hand-written function over the same table (read from the policy, not typed in). */
function handWritten(doc: ClassificationDoc): (assets: number, turnover: number) => string {
  const tiers = Object.values(doc.tiers).sort((a, b) => a.min - b.min);
  const threshold = doc.turnoverThreshold;
  return (assets, turnover) => {
    for (const t of tiers) {
      if (t.max === undefined || assets < t.max) return turnover >= threshold ? t.classes.high : t.classes.low;
    }
    throw new Error('unreachable');
  };
}

const set = loadValidPolicyDir('rules');
const policy = CompiledPolicy.compile(set);
const clients = syntheticClients(N);
const doc = set.documents.get('classification')!.value as unknown as ClassificationDoc;
const classify = handWritten(doc);
const small = clients.slice(0, Math.min(N, 20_000));

let sink = 0;
const rows: Row[] = [];
rows.push(await measure('hand-written JS function (the limit)', N, () => {
  for (const c of clients) sink += classify(c.assets, c.turnover).length;
}));
rows.push(await measure('classification, sequential', small.length, async () => {
  for (const c of small) sink += String((await policy.decide('classification', { assets: c.assets, turnover: c.turnover })).output.class).length;
}));
rows.push(await measure('classification, 1,000 in flight', small.length, async () => {
  for (let i = 0; i < small.length; i += 1000) {
    const answers = await Promise.all(small.slice(i, i + 1000).map((c) => policy.decide('classification', { assets: c.assets, turnover: c.turnover })));
    sink += answers.length;
  }
}));
rows.push(await measure('client-profile, sequential', small.length / 4, async () => {
  for (const c of small.slice(0, small.length / 4)) sink += Object.keys((await policy.decide('client-profile', c)).output).length;
}));

const limit = rows[0]!.perSecond;
const fmt = (n: number) => n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
console.log(`\nzhidu bench — ${N.toLocaleString()} synthetic clients (${small.length.toLocaleString()} through the engine), node ${process.version}\n`);
console.log('| evaluator | decisions/s | per decision | hand-written ÷ this |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${fmt(r.perSecond)} | ${(1e9 / r.perSecond).toFixed(0)} ns | ${(limit / r.perSecond).toFixed(1)}× |`);
}
if (sink < 0) console.log(sink);
