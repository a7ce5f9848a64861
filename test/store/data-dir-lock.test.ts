// The embedded store's data directory lock (src/store/data-dir-lock.ts): a second live process
// is refused at once with advice, and a lock left by a process that died never blocks the next
// start, whatever it names: a dead process, this very PID (a container restarted: PID 1 again)
// or another host (a new container or pod).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLock, StoreBusyError } from '../../src/store/data-dir-lock.ts';
import { openStore } from '../../src/store/store.ts';
import { pgliteTemplate } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./lock-child.ts', import.meta.url));

/** A child process holding the store in `dataDir`, once it says so. */
function holder(dataDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ZHIDU_LOCK_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    createInterface({ input: child.stdout }).on('line', (line) => { if (line === 'ready') resolve(child); });
    child.on('exit', (code) => reject(new Error(`lock child exited (${code}) before it was ready: ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A dead socket at `path`: bound once, hard-linked, then its server closed (which removes only the first name). */
async function deadSocketAt(path: string): Promise<void> {
  const first = `${path}.first`;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(first, resolve));
  linkSync(first, path);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('the embedded data directory lock', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync('/tmp/zhidu-lock-');
    dirs.push(dir);
    return dir;
  };
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    const seeded = await openStore({ dataDir, loadDataDir: pgliteTemplate() });
    await seeded.close();
  });
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('refuses a second live process at once, naming it; once that process is killed, the next open takes over', async () => {
    const child = await holder(dataDir);
    try {
      const started = Date.now();
      const refused = await openStore({ dataDir }).then(() => undefined, (err: unknown) => err);
      expect(refused).toBeInstanceOf(StoreBusyError);
      expect((refused as StoreBusyError).holder).toBe(child.pid);
      expect((refused as Error).message).toMatch(new RegExp(`in use by process ${child.pid} .*stop that process, or make the change through its HTTP API.*DATABASE_URL`, 's'));
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await killed(child);
    }
    // SIGKILL: the holder never released its lock; it is still there, and does not block.
    expect(existsSync(join(dataDir, 'zhidu.lock'))).toBe(true);
    const store = await openStore({ dataDir });
    expect(await store.revisions.list()).toEqual([]);
    await store.close();
    expect(existsSync(join(dataDir, 'zhidu.lock'))).toBe(false);
  }, 60_000);

  it.each([
    ['this very process ID (a restarted container is PID 1 again)', { pid: process.pid, host: hostname() }],
    ['another host (a new container or pod)', { pid: 1, host: 'zhidu-7f9c4-old-pod' }],
  ])('a lock file left behind naming %s does not block the next start', async (_name, named) => {
    writeFileSync(join(dataDir, 'zhidu.lock'), JSON.stringify({ ...named, since: '2026-01-01T00:00:00.000Z' }));
    const store = await openStore({ dataDir });
    await store.close();
  }, 30_000);

  it('openers racing for a stale lock: exactly one takes it, the others are told who holds it', async () => {
    const dir = tempDir();
    await deadSocketAt(join(dir, 'zhidu.lock'));
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => DataDirLock.acquire(dir)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect((o.reason as StoreBusyError).holder).toBe(process.pid);
    }
    (won[0] as PromiseFulfilledResult<DataDirLock>).value.release();
    expect(existsSync(join(dir, 'zhidu.lock'))).toBe(false);
  });

  it('holds in a data directory whose path is too long for a socket address', async () => {
    const dir = join(tempDir(), 'a-data-directory-nested-deep-enough'.repeat(4));
    mkdirSync(dir);
    const lock = await DataDirLock.acquire(dir);
    try {
      // In the folder itself, not at an address cut short (which is what Node binds, silently, for a long path).
      expect(lstatSync(join(dir, 'zhidu.lock')).isSocket()).toBe(true);
      await expect(DataDirLock.acquire(dir)).rejects.toBeInstanceOf(StoreBusyError);
    } finally {
      lock.release();
    }
    expect(existsSync(join(dir, 'zhidu.lock'))).toBe(false);
    (await DataDirLock.acquire(dir)).release();
  });
});
