// SIGKILL in the middle of a publish, many times at random points, on both engines: a child
// process publishes in a loop and is killed between two writes of a publish transaction; the
// store must then hold whole revisions only, an audit chain that verifies, one audit entry per
// revision, and every decision record the child saw acknowledged.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { policySetHash } from '../../src/policy/hash.ts';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { openStore, type StoreOptions } from '../../src/store/store.ts';
import { FIXTURE_KINDS, fixtureDocuments, fixtureValidator, freshDatabaseUrl, pgliteTemplate, ENGINES } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROUNDS = Number(process.env.ZHIDU_CRASH_ROUNDS ?? 5);

interface Round { killedAtStep: number; steps: string[]; acked: string[]; exit: NodeJS.Signals | number | null }

/** Runs the child until it has printed `killAt` step lines, then SIGKILLs it. */
function crashOnce(options: StoreOptions, killAt: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ZHIDU_CRASH_STORE: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const round: Round = { killedAtStep: killAt, steps: [], acked: [], exit: null };
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('acked ')) round.acked.push(line.slice(6));
      if (!line.startsWith('step ')) return;
      round.steps.push(line.slice(5));
      if (round.steps.length === killAt) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`child never reached step ${killAt}: ${stderr}`)); }, 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      round.exit = signal ?? code;
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (${code}): ${stderr}`));
      else resolve(round);
    });
  });
}

// Both engines at once: the time goes into child processes, not this worker.
describe.concurrent.each(ENGINES)('SIGKILL during publish on %s', (engine) => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it(`keeps whole revisions only and a verifying audit chain across ${ROUNDS} kills`, async () => {
    let options: StoreOptions;
    if (engine === 'postgres') {
      options = { databaseUrl: await freshDatabaseUrl() };
    } else {
      const dataDir = mkdtempSync('/tmp/zhidu-crash-');
      dirs.push(dataDir);
      options = { dataDir };
    }
    // Revision 1, so the child publishes carry-over sets from the start.
    const seed = await openStore({ ...options, validateSet: fixtureValidator, ...(engine === 'pglite' ? { loadDataDir: pgliteTemplate() } : {}) });
    await seed.revisions.publish({ documents: fixtureDocuments(), actor: 'seed' });
    await seed.close();

    const acked: string[] = [];
    const killedAfter = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      // Round r kills after write (r mod 3) of one of the child's first three publishes. Each
      // new child opens the killed one's store, so recovery runs every round; nothing can delete
      // a partial revision later, so checking once at the end sees every round's result.
      const r = await crashOnce(options, 1 + (round % 3) + 3 * Math.floor(Math.random() * 3));
      acked.push(...r.acked);
      killedAfter.add(r.steps[r.killedAtStep - 1]!);
    }

    const store = await openStore({ ...options, validateSet: fixtureValidator });
    try {
      const revisions = await store.revisions.list();
      expect(revisions.length).toBeGreaterThan(1);
      expect(revisions.map((x) => x.id)).toEqual(revisions.map((_, i) => i + 1));
      for (const summary of revisions) {
        const revision = await store.revisions.get(summary.id);
        expect(Object.keys(revision!.documents).sort(), `revision ${summary.id}`).toEqual([...FIXTURE_KINDS].sort());
        const set = loadPolicyTexts(Object.entries(revision!.documents).map(([file, text]) => ({ file, text }))).set;
        expect(policySetHash(set), `revision ${summary.id}`).toBe(summary.hash);
      }
      expect(await store.audit.verify()).toMatchObject({ ok: true });
      const publishes = (await store.audit.list({ limit: 10_000 })).filter((e) => e.action === 'revision.publish');
      expect(publishes.map((e) => e.subject)).toEqual(revisions.map((x) => `revision:${x.id}`));
      for (const id of acked) expect(await store.decisions.get(id), `acknowledged decision ${id}`).toBeDefined();
    } finally {
      await store.close();
    }
    // The kills landed inside transactions, after different writes.
    if (ROUNDS >= 3) expect([...killedAfter].sort()).toEqual(['audit', 'documents', 'revision']);
  }, 180_000);
});
