// The embedded store is a single-process database: a second process opening the same folder
// would corrupt it. A lock file names the holder; a second opener stops at once with a message
// saying what to do, and a lock left by a dead process (kill -9) is taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class StoreBusyError extends Error {
  constructor(readonly dataDir: string, readonly holder: number) {
    super(
      `The data directory ${dataDir} is in use by process ${holder} (a running zhidu server?). ` +
      'The embedded store serves one process at a time: stop that process, or make the change through its HTTP API, ' +
      'or keep the store in PostgreSQL (DATABASE_URL) so that servers and the command line can share it.',
    );
    this.name = 'StoreBusyError';
  }
}

interface LockContent { pid: number; host: string; since: string }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    const file = join(dataDir, 'zhidu.lock');
    const content: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, JSON.stringify(content), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      if (holder && (holder.host !== content.host || alive(holder.pid))) throw new StoreBusyError(dataDir, holder.pid);
      try { unlinkSync(file); } catch { /* another opener removed the stale lock first */ }
    }
    throw new StoreBusyError(dataDir, readHolder(file)?.pid ?? 0);
  }

  release(): void {
    if (readHolder(this.file)?.pid === process.pid) {
      try { unlinkSync(this.file); } catch { /* already gone */ }
    }
  }
}

function readHolder(file: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? ''), since: String(parsed.since ?? '') } : undefined;
  } catch {
    return undefined;
  }
}
