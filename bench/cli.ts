// `npm run bench` (CLI part): a million CSV rows through `zhidu decide client-profile --batch`, the
// way a nightly run would do it, timed as a whole command (loading the CLI and checking the policy
// included) and by the CLI's own clock (first row to last line written), with the peak resident
// memory of the process (its worker threads included). Rows come from bench/clients-csv.ts:
// `full` records run all six client decisions, `basic` ones three. BENCH_CLI_ROWS sets the count.
// Full records are also run with --out /dev/null: the difference is what writing their ~1.7 GB of
// answers into the page cache costs on this machine (kernel time, not zhidu's).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROWS = Number(process.env.BENCH_CLI_ROWS ?? 1_000_000);
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

interface Run { command: number; batch: number; peakMiB: number; threads: string; outMiB: number | undefined; user: number; kernel: number }

const DISCARD = '/dev/null';

/** The CPU time, user and kernel, of the children that have exited so far (the CLI and its threads), in seconds. */
function childrenCpu(): { user: number; kernel: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return { user: Number(fields[13]) / 100, kernel: Number(fields[14]) / 100 };
}

/** Runs the CLI once, sampling the process's resident memory until it exits. */
function decide(csv: string, out: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpu();
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(ROOT, 'bin/zhidu.js'), 'decide', 'client-profile', '--batch', csv, '--out', out, '--no-progress'], {
      cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let peak = 0;
    child.stderr.on('data', (c) => { stderr += c; });
    const sample = setInterval(() => {
      try {
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch { /* exited between samples */ }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(sample);
      const command = Number(process.hrtime.bigint() - started) / 1e9;
      const m = /(\d+) decided, (\d+) bad rows, in ([\d.]+) s(?:, (\d+) worker threads?)?/.exec(stderr);
      if (code !== 0 || !m || Number(m[1]) !== ROWS) return reject(new Error(`zhidu decide exited with ${code}: ${stderr}`));
      // An exited child's CPU time counts once it is reaped, which 'exit' follows.
      const cpu = childrenCpu();
      resolve({
        command, batch: Number(m[3]), peakMiB: peak / 1024, threads: m[4] ? `main + ${m[4]} worker${m[4] === '1' ? '' : 's'}` : 'main thread',
        outMiB: out === DISCARD ? undefined : statSync(out).size / 2 ** 20, user: cpu.user - cpuBefore.user, kernel: cpu.kernel - cpuBefore.kernel,
      });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'zhidu-bench-cli-'));
try {
  const rows: [string, Run][] = [];
  for (const fields of ['basic', 'full']) {
    const csv = join(dir, `${fields}.csv`);
    const made = spawnSync(process.execPath, [TSX, join(ROOT, 'bench/clients-csv.ts'), csv, String(ROWS), fields], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (made.status !== 0) throw new Error(`bench/clients-csv.ts exited with ${made.status}`);
    const out = join(dir, `${fields}.ndjson`);
    await decide(csv, out); // warm-up: tsx's transform cache, the page cache
    rows.push([fields, await decide(csv, out)]);
    rmSync(out, { force: true });
    if (fields === 'full') rows.push(['full, answers discarded', await decide(csv, DISCARD)]);
  }
  console.log(`\nzhidu CLI bench — ${ROWS.toLocaleString()} CSV rows through \`zhidu decide client-profile --batch\`, node ${process.version}, ${(await import('node:os')).availableParallelism()} cores\n`);
  console.log('| rows | decisions a row | threads | batch | whole command | rows/s (command) | CPU (user + kernel) | peak RSS | output |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const [fields, r] of rows) {
    const decisions = fields.startsWith('full') ? 6 : 3;
    const output = r.outMiB === undefined ? `${DISCARD}` : `${r.outMiB.toFixed(0)} MiB`;
    console.log(`| ${ROWS.toLocaleString()} ${fields} | ${decisions} | ${r.threads} | ${r.batch.toFixed(1)} s | ${r.command.toFixed(1)} s | ${Math.round(ROWS / r.command).toLocaleString()} | ${r.user.toFixed(1)} + ${r.kernel.toFixed(1)} s | ${r.peakMiB.toFixed(0)} MiB | ${output} |`);
  }
  const full = rows.find(([f]) => f === 'full')![1];
  const basic = rows.find(([f]) => f === 'basic')![1];
  if (ROWS !== 1_000_000) console.log(`\n(the target is for 1,000,000 rows; this run had ${ROWS.toLocaleString()})`);
  else {
    const check = (r: Run) => `${r.command < 10 ? 'met    ' : 'NOT MET'}`;
    console.log('\nTarget (issue 7): 1,000,000 CSV rows through client-profile in under 10 s, whole command');
    console.log(`${check(full)}  full records (six decisions a row): ${full.command.toFixed(1)} s`);
    console.log(`${check(basic)}  basic records (three decisions a row): ${basic.command.toFixed(1)} s`);
    const discarded = rows.find(([f]) => f.startsWith('full, '))![1];
    console.log(`         (full records with their answers discarded: ${discarded.command.toFixed(1)} s; writing them cost ${(full.kernel - discarded.kernel).toFixed(1)} s more kernel time)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
