// `npm run bench`: decisions per second on this machine, side by side with the limit (a
// hand-written function) and the peer (zen-engine, the same table built from the same policy),
// all measured in this one run and reported as ratios too (machines are shared and noisy:
// each figure is the best of several passes). The targets are checked at the end.
import { CompiledPolicy } from '../src/engine/compile.ts';
import type { ClassificationDoc } from '../src/policy/model/classification.ts';
import { loadValidPolicyDir } from '../src/policy/policy-set.ts';
import { clientRecords, syntheticClients } from './clients.ts';
import { zenClassifier } from './zen.ts';

const N = Number(process.env.BENCH_CLIENTS ?? 200_000);
const PASSES = Number(process.env.BENCH_PASSES ?? 5);

interface Row {
  name: string;
  perSecond: number;
}

/** Best of PASSES timed passes (after one warm-up) over `n` decisions. */
async function measure(name: string, n: number, pass: () => Promise<unknown> | unknown): Promise<Row> {
  await pass();
  let best = Infinity;
  for (let i = 0; i < PASSES; i++) {
    const started = process.hrtime.bigint();
    await pass();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { name, perSecond: n / best };
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
const doc = set.documents.get('classification')!.value as unknown as ClassificationDoc;
const clients = syntheticClients(N).map((c) => ({ assets: c.assets, turnover: c.turnover }));
const slow = clients.slice(0, Math.min(N, 5_000));
const records = clientRecords(Math.min(N, 50_000), set);
const classify = handWritten(doc);
const zen = await zenClassifier(doc);
const at = new Date();

// The peers must answer what we answer, or the comparison means nothing.
const zenClasses = (await zen.loop.evaluate({ clients: slow })).result.classes as { class: string }[];
const disagree = slow.filter((c, i) => zenClasses[i]!.class !== policy.decideSync('classification', c, { at }).output.class).length;
if (disagree > 0) throw new Error(`zen-engine and zhidu disagree on ${disagree} of ${slow.length} clients`);

let sink = 0;
const hand = await measure('hand-written JS function (the limit)', N, () => {
  for (const c of clients) sink += classify(c.assets, c.turnover).length;
});
const fast = await measure('zhidu classification, fast path (decideSync, in-process)', N, () => {
  for (const c of clients) sink += (policy.decideSync('classification', c, { at }).output.class as string).length;
});
const fastAsync = await measure('zhidu classification, fast path via async decide()', N, async () => {
  for (const c of clients) sink += ((await policy.decide('classification', c, { at })).output.class as string).length;
});
const reference = await measure('zhidu classification, json-rules-engine (explain)', slow.length, async () => {
  for (const c of slow) sink += ((await policy.decide('classification', c, { at, explain: true })).output.class as string).length;
});
const zenLoop = await measure('zen-engine loop mode, 1,000 clients a call', N, async () => {
  for (let i = 0; i < N; i += 1000) sink += ((await zen.loop.evaluate({ clients: clients.slice(i, i + 1000) })).result.classes as unknown[]).length;
});
const zenSingle = await measure('zen-engine evaluate() per client, 1,000 in flight', N, async () => {
  for (let i = 0; i < N; i += 1000) sink += (await Promise.all(clients.slice(i, i + 1000).map((c) => zen.single.evaluate(c)))).length;
});
const profile = await measure('zhidu client-profile, fast path (all six client decisions)', records.length, () => {
  for (const r of records) sink += Object.keys(policy.decideSync('client-profile', r, { at }).output).length;
});
zen.dispose();

const rows = [hand, fast, fastAsync, reference, zenLoop, zenSingle, profile];
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const per = (n: number) => { const ns = 1e9 / n; return ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`; };
const zenBest = Math.max(zenLoop.perSecond, zenSingle.perSecond);
console.log(`\nzhidu bench — ${N.toLocaleString()} synthetic clients (json-rules-engine: ${slow.length.toLocaleString()}; client-profile: ${records.length.toLocaleString()} full records), best of ${PASSES}, node ${process.version}\n`);
console.log('| evaluator | decisions/s | per decision | hand-written ÷ this | this ÷ zen-engine best |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${fmt(r.perSecond)} | ${per(r.perSecond)} | ${(hand.perSecond / r.perSecond).toFixed(1)}× | ${(r.perSecond / zenBest).toFixed(2)}× |`);
}
const check = (ok: boolean, text: string) => console.log(`${ok ? 'met    ' : 'NOT MET'}  ${text}`);
console.log('\nTargets (issue 7), from the figures above:');
check(fast.perSecond >= 10 * zenBest, `classification in-process ≥ 10× zen-engine's best: ${(fast.perSecond / zenBest).toFixed(1)}×`);
check(hand.perSecond <= 20 * fast.perSecond, `classification within 20× of the hand-written function: ${(hand.perSecond / fast.perSecond).toFixed(1)}×`);
check(profile.perSecond > zenSingle.perSecond, `client-profile faster than zen-engine's per-client classification: ${(profile.perSecond / zenSingle.perSecond).toFixed(2)}× (vs its loop mode: ${(profile.perSecond / zenLoop.perSecond).toFixed(2)}×)`);
if (sink < 0) console.log(sink);
