// `npm run bench` (HTTP part): requests per second, p99 latency and the server's CPU time a request
// of POST /v1/decide/classification beside a bare fastify route, each served by its own process and
// loaded by autocannon in turns over loopback in the same run; then an NDJSON batch streamed through the server, in decisions per
// second, with the server's resident memory after 100,000 lines and at the end (flat = streaming):
// first with classification unrecorded (as rules/ ships it), then again after publishing a
// revision whose classification says `recordDecisions: true` (every line stored before answered).
// Between the two, a third server answers the same decision with the same bytes and nothing else
// (no token, rate limit, request id, body check, metrics, timeout or log line): how far the
// decision alone falls short of the bare route, and what the API's duties around it cost.
// `tsx bench/http.ts --bare <port>` and `--decision-only <port>` are those servers (used by this file itself).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { syntheticClients } from './clients.ts';

interface CannonResult { requests: { average: number; total: number }; latency: { p99: number; average: number }; non2xx: number; errors: number }
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * The two routes are loaded in turns, this many each, and the median of each is compared: the
 * machine's load drifts over a run, and one measurement of each once made the bare route look
 * 30 % faster or slower from run to run.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LINES = Number(process.env.BENCH_BATCH_LINES ?? 1_000_000);
/** Recorded lines go into the store (embedded PostgreSQL unless DATABASE_URL): fewer by default. */
const RECORDED_LINES = Number(process.env.BENCH_RECORDED_LINES ?? Math.min(LINES, 200_000));
const BODY = JSON.stringify({ input: { assets: 2_000_000, turnover: 2.7 } });

/** Listens on loopback and says where, as start() below waits for. */
async function listen(app: FastifyInstance, port: number): Promise<void> {
  await app.listen({ host: '127.0.0.1', port });
  process.stdout.write(`listening on http://127.0.0.1:${(app.server.address() as { port: number }).port}\n`);
}

async function bareServer(port: number): Promise<void> {
  const { default: fastify } = await import('fastify');
  const app = fastify();
  app.post('/bare', async (request) => ({ echo: request.body }));
  await listen(app, port);
}

/**
 * POST /decide/classification on a bare fastify route: the policy in rules/ compiled as the
 * server compiles it, decided on the fast path (input schema included) and answered with the
 * server's own answer bytes (deciding.ts), and nothing else the API does per request.
 */
async function decisionOnlyServer(port: number): Promise<void> {
  const [{ default: fastify }, { randomUUID }, { loadValidPolicyDir }, { policySetHash }, { CompiledPolicy }, { answerBytes }] = await Promise.all([
    import('fastify'), import('node:crypto'), import('../src/policy/policy-set.ts'), import('../src/policy/hash.ts'), import('../src/engine/compile.ts'), import('../src/server/deciding.ts'),
  ]);
  const set = loadValidPolicyDir(join(ROOT, 'rules'));
  const policy = CompiledPolicy.compile(set);
  const revision = Object.freeze({ id: 1, hash: policySetHash(set) });
  const app = fastify();
  app.post('/decide/classification', (request, reply) => {
    const { decision, output } = policy.decideSync('classification', (request.body as { input?: unknown }).input);
    void reply.type('application/json; charset=utf-8').send(answerBytes({
      decision, output, revision, branch: undefined, override: undefined, decisionId: randomUUID(), recorded: false, trace: undefined,
    }));
  });
  await listen(app, port);
}

/** Starts a process and waits for the URL it prints (`… http://127.0.0.1:PORT …`). */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; base: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, base: m[1]!, out: () => out });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}\n${out}`)));
  });
}

/** A server process and the URL it is loaded at. */
interface Target { url: string; headers: Record<string, string>; pid: number }

/** CPU time a process has used, user and kernel, in µs (/proc/<pid>/stat counts clock ticks of 10 ms). */
function cpuOf(pid: number): { user: number; kernel: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return { user: Number(fields[11]) * 10_000, kernel: Number(fields[12]) * 10_000 };
}

/** The median run's figures, and the server's CPU time per request over every run. */
interface Loaded { median: CannonResult; userPerRequest: number; kernelPerRequest: number }

const optionsOf = (t: Target) => ({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: BODY, connections: CONNECTIONS });

/**
 * The targets warmed up, then loaded in turns (SECONDS split over ROUNDS each): the run of median
 * requests/s of each, and each server's CPU time a request over all its rounds (a steadier measure
 * than requests/s on a shared machine: it does not count the time the server waited for a core).
 */
async function alternating(targets: readonly Target[]): Promise<Loaded[]> {
  for (const t of targets) await autocannon({ ...optionsOf(t), duration: 2 });
  const runs: CannonResult[][] = targets.map(() => []);
  const cpu = targets.map(() => ({ user: 0, kernel: 0, requests: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const before = cpuOf(t.pid);
      const r = await autocannon({ ...optionsOf(t), duration: Math.max(1, Math.round(SECONDS / ROUNDS)) });
      const after = cpuOf(t.pid);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`autocannon saw ${r.non2xx} non-2xx answers and ${r.errors} errors on ${t.url}`);
      runs[i]!.push(r);
      cpu[i]!.user += after.user - before.user;
      cpu[i]!.kernel += after.kernel - before.kernel;
      cpu[i]!.requests += r.requests.total;
    }
  }
  const median = (list: CannonResult[]) => [...list].sort((x, y) => x.requests.average - y.requests.average)[Math.floor(list.length / 2)]!;
  const loaded = (i: number): Loaded => ({ median: median(runs[i]!), userPerRequest: cpu[i]!.user / cpu[i]!.requests, kernelPerRequest: cpu[i]!.kernel / cpu[i]!.requests });
  return targets.map((_, i) => loaded(i));
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/** Streams LINES inputs through the batch endpoint; notes the server's RSS at 100k lines and at the end. */
interface Streamed { lines: number; seconds: number; answered: number; recorded: number; rss: Record<string, number> }

function batch(base: string, token: string, pid: number, count: number): Promise<Streamed> {
  // The client shares the machine with the server: its 10 blocks of 1,000 lines are made once and sent over and over.
  const clients = syntheticClients(10_000);
  const blocks = Array.from({ length: 10 }, (_, b) => Buffer.from(clients.slice(b * 1000, (b + 1) * 1000).map((c) => `{"assets":${c.assets},"turnover":${c.turnover}}\n`).join('')));
  const lines = (function* () {
    for (let i = 0; i < count; i += 1000) {
      const n = Math.min(1000, count - i);
      const block = blocks[(i / 1000) % blocks.length]!;
      yield n === 1000 ? block : Buffer.from(block.toString().split('\n').slice(0, n).join('\n') + '\n');
    }
  })();
  const rss: Record<string, number> = { before: rssMiB(pid) };
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/v1/decide/classification/batch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
    req.on('error', reject);
    req.on('response', (res) => {
      let answered = 0;
      let errors = 0;
      let recorded = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
          answered++;
          if (answered === 100_000) rss['100k'] = rssMiB(pid);
        }
        if (errors === 0 && chunk.includes('"error"')) errors++;
        // Whether lines were recorded, sampled a chunk at a time.
        if (chunk.includes('"recorded":true')) recorded++;
      });
      res.on('end', () => {
        rss.end = rssMiB(pid);
        if (errors > 0) reject(new Error('the batch answered errors'));
        resolve({ lines: count, seconds: Number(process.hrtime.bigint() - started) / 1e9, answered, recorded, rss });
      });
    });
    Readable.from(lines).pipe(req);
  });
}

/** Publishes the revision in force with classification recorded (every other document carries over). */
async function recordClassification(base: string, token: string): Promise<void> {
  const yaml = `${readFileSync(join(ROOT, 'rules/classification.yaml'), 'utf8').replace(/^recordDecisions:.*$/m, '')}\nrecordDecisions: true\n`;
  const res = await fetch(`${base}/v1/revisions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ documents: { classification: yaml }, note: 'bench: classification recorded' }),
  });
  if (res.status !== 201) throw new Error(`publishing a recorded classification answered ${res.status}: ${await res.text()}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhidu-bench-'));
  const children: ChildProcess[] = [];
  try {
    // In this process's own node, with tsx as a loader (its CLI would put the server in a child process, out of reach of cpuOf).
    const bare = await start(['--import', 'tsx', fileURLToPath(import.meta.url), '--bare', '0']);
    children.push(bare.child);
    const alone = await start(['--import', 'tsx', fileURLToPath(import.meta.url), '--decision-only', '0']);
    children.push(alone.child);
    // Rate limiting stays on (as in production), with ceilings the load never reaches: requests, and
    // the recorded decisions of the head-office token that streams the recorded batch.
    const zhidu = await start([join(ROOT, 'bin/zhidu.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { ZHIDU_RATE_LIMIT: '1000000000', ZHIDU_RECORD_RATE: 'head-office=1000000000' });
    children.push(zhidu.child);
    const lines = zhidu.out().split('\n');
    const token = lines[lines.findIndex((l) => l.startsWith('head-office token')) + 1]!;

    const [bareLoad, aloneLoad, decideLoad] = await alternating([
      { url: `${bare.base}/bare`, headers: {}, pid: bare.child.pid! },
      { url: `${alone.base}/decide/classification`, headers: {}, pid: alone.child.pid! },
      { url: `${zhidu.base}/v1/decide/classification`, headers: { authorization: `Bearer ${token}` }, pid: zhidu.child.pid! },
    ]) as [Loaded, Loaded, Loaded];
    const [bareResult, decideResult] = [bareLoad.median, decideLoad.median];
    const unrecorded = await batch(zhidu.base, token, zhidu.child.pid!, LINES);
    if (unrecorded.recorded > 0) throw new Error('classification was recorded before the bench asked for it');
    await recordClassification(zhidu.base, token);
    const recorded = await batch(zhidu.base, token, zhidu.child.pid!, RECORDED_LINES);
    if (recorded.recorded === 0) throw new Error('classification was not recorded after publishing recordDecisions: true');
    for (const b of [unrecorded, recorded]) if (b.answered !== b.lines) throw new Error(`the batch answered ${b.answered} of ${b.lines} lines`);

    const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
    const mib = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(0)} MiB`);
    console.log(`\nzhidu HTTP bench — autocannon, ${CONNECTIONS} connections, ${SECONDS} s each in ${ROUNDS} alternating rounds (medians), loopback; servers in their own processes; node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const loads = [bareLoad, aloneLoad, decideLoad];
    const row = (name: string, cell: (l: Loaded) => string) => console.log(`| ${name} | ${loads.map(cell).join(' | ')} |`);
    const cpuOfRequest = (l: Loaded) => l.userPerRequest + l.kernelPerRequest;
    console.log('| measure | bare fastify route (POST /bare, JSON echo) | the decision alone on a bare route (same answer bytes) | POST /v1/decide/classification |');
    console.log('|---|---:|---:|---:|');
    row('single decisions, requests/s', (l) => fmt(l.median.requests.average));
    row('share of the bare route\'s requests/s', (l) => `${(100 * l.median.requests.average / bareResult.requests.average).toFixed(0)} %`);
    row('single decisions, p99 latency', (l) => `${l.median.latency.p99} ms`);
    row('server CPU a request, all rounds', (l) => `${cpuOfRequest(l).toFixed(0)} µs (${l.userPerRequest.toFixed(0)} user + ${l.kernelPerRequest.toFixed(0)} kernel)`);
    row('CPU a request beyond the bare route\'s', (l) => (l === bareLoad ? '–' : `${(cpuOfRequest(l) - cpuOfRequest(bareLoad)).toFixed(0)} µs`));
    console.log('\n| NDJSON batch, POST /v1/decide/classification/batch | lines | decisions/s | server RSS before | at 100k lines | at the end | end ÷ 100k |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, b] of [['recording off (rules/ as shipped)', unrecorded], ['recording on (a revision with classification `recordDecisions: true`)', recorded]] as const) {
      const growth = b.rss['100k'] === undefined ? '–' : `${(100 * b.rss.end! / b.rss['100k']).toFixed(0)} %`;
      console.log(`| ${name} | ${b.lines.toLocaleString()} | ${fmt(b.answered / b.seconds)} | ${mib(b.rss.before)} | ${mib(b.rss['100k'])} | ${mib(b.rss.end)} | ${growth} |`);
    }

    const check = (ok: boolean, text: string) => console.log(`${ok ? 'met    ' : 'NOT MET'}  ${text}`);
    const share = decideResult.requests.average / bareResult.requests.average;
    const perSecond = unrecorded.answered / unrecorded.seconds;
    console.log('\nTargets (issue 7), from the figures above:');
    check(share >= 0.7, `HTTP single decisions ≥ 70% of a bare fastify route's requests/s: ${(100 * share).toFixed(0)} % (p99 ${decideResult.latency.p99} ms)`);
    check(perSecond >= 200_000, `NDJSON batch ≥ 200,000 decisions/s with recording off: ${fmt(perSecond)}/s (recording on: ${fmt(recorded.answered / recorded.seconds)}/s)`);
    if (unrecorded.rss['100k'] !== undefined) {
      const growth = unrecorded.rss.end! / unrecorded.rss['100k'];
      check(growth <= 1.1, `server RSS at ${unrecorded.lines.toLocaleString()} lines within 10% of RSS at 100k: ${(100 * growth).toFixed(0)} %`);
    }
  } finally {
    await Promise.all(children.map((c) => new Promise((done) => { c.once('exit', done); c.kill('SIGTERM'); })));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--bare') await bareServer(Number(process.argv[3] ?? 0));
else if (process.argv[2] === '--decision-only') await decisionOnlyServer(Number(process.argv[3] ?? 0));
else await main();
