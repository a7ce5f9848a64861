// The embedded store is a single-process database: a second process opening the same folder
// would corrupt it. This module owns the lock that keeps it to one process at a time.
//
// The lock is a unix-domain socket listening at `<dataDir>/zhidu.lock`, not a file naming a PID.
// The kernel stops a socket from accepting the moment its process dies, however it dies
// (kill -9, OOM killer, power to the container), so liveness is asked of the kernel instead of
// guessed from a PID and a host name: a PID says nothing after a container restart (the new
// server is PID 1 again, like the dead one) and a host name says nothing in a new container or
// pod. Node has no flock(2) and nothing in node_modules offers one; a socket needs no native code.
//
// - Taking it: bind the socket. Binding fails while the name exists, so of several openers at
//   most one binds it.
// - Held: a second opener connects; the holder answers with its PID, and the opener stops at
//   once with advice naming that PID.
// - Stale: connecting is refused (nobody listens on a dead process's socket, nor on a plain file,
//   such as the lock file of versions before this one). The opener moves that very socket aside
//   (checking by inode that it is the one it found dead, so a lock just taken by a racing opener
//   is put straight back) and binds again.
//
// The lock sees every process on the same kernel, containers included (the socket lives in the
// shared folder, whatever their network namespaces). It cannot see a process on another machine
// sharing the folder over a network filesystem: the embedded store is not for that; PostgreSQL is.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class StoreBusyError extends Error {
  constructor(readonly dataDir: string, readonly holder: number | undefined) {
    super(
      `The data directory ${dataDir} is in use by ${holder ? `process ${holder}` : 'another process'} (a running zhidu server?). ` +
      'The embedded store serves one process at a time: stop that process, or make the change through its HTTP API, ' +
      'or keep the store in PostgreSQL (DATABASE_URL) so that servers and the command line can share it.',
    );
    this.name = 'StoreBusyError';
  }
}

const LOCK_NAME = 'zhidu.lock';
/** Longest socket path bound by its own name: sun_path holds 108 bytes on Linux, 104 on macOS (and Node cuts longer ones short without a word). */
const SOCKET_PATH_MAX = 100;
/** How long a live holder has to say who it is before it is reported without a PID. */
const HOLDER_ANSWER_MS = 1000;
/** Rounds of finding a stale lock and taking it: more than racing openers ever need. */
const ATTEMPTS = 10;

interface Holder { pid: number; host: string; since: string }
type Probe = { state: 'alive'; holder: Holder | undefined } | { state: 'dead' } | { state: 'gone' };

/** The socket's path, and the open folder it goes through when the path is too long for a socket address. */
function lockPath(dataDir: string): { path: string; dirFd?: number } {
  const path = join(dataDir, LOCK_NAME);
  if (Buffer.byteLength(path) <= SOCKET_PATH_MAX) return { path };
  if (process.platform !== 'linux') {
    throw new Error(`The data directory path ${dataDir} is too long for its lock (a unix socket address holds ${SOCKET_PATH_MAX} bytes); choose a shorter --data-dir.`);
  }
  // Linux resolves /proc/self/fd/N as the folder open on N: a short address for the same socket.
  const dirFd = openSync(dataDir, 'r');
  return { path: `/proc/self/fd/${dirFd}/${LOCK_NAME}`, dirFd };
}

function inodeOf(path: string): number | undefined {
  return lstatSync(path, { throwIfNoEntry: false })?.ino;
}

/** Binds the lock socket; undefined when the name is taken (by a live holder or a stale one). */
function bind(path: string, holder: Holder): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const answer = JSON.stringify(holder);
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(answer);
    });
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err)));
    server.listen(path, () => {
      // The lock must not keep the process alive, nor wait for anything to be released.
      server.unref();
      resolve(server);
    });
  });
}

/** Asks the socket at `path` whether anyone listens on it. */
function probe(path: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let connected = false;
    let text = '';
    const alive = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ state: 'alive', holder: parseHolder(text) });
    };
    const timer = setTimeout(alive, HOLDER_ANSWER_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => { connected = true; });
    socket.on('data', (chunk: string) => { text += chunk; });
    socket.on('end', alive);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (connected) alive();
      // Nobody listens there, and nobody ever will: a new holder binds a new socket. A plain file refuses too.
      else if (err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK') resolve({ state: 'dead' });
      else if (err.code === 'ENOENT') resolve({ state: 'gone' });
      else reject(err);
    });
  });
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? ''), since: String(parsed.since ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

/**
 * Whoever holds the name now: a live holder, or undefined once a dead one is removed (or the
 * name is found free). The lock at the name is pinned by a hard link of ours first, so the
 * socket asked is the very one removed, and its inode number cannot be handed to a new lock
 * meanwhile (inode numbers are reused as soon as they are free). Removing is a rename, which is
 * atomic: should the inode moved aside not be the pinned one (another opener removed the dead
 * lock and took the name in the microseconds between), it goes straight back under the name.
 */
async function clearStale(path: string): Promise<Probe & { state: 'alive' } | undefined> {
  const unique = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const pin = `${unique}.pin`;
  try {
    linkSync(path, pin);
  } catch (err) {
    ignoreMissing(err);
    return undefined;
  }
  try {
    const found = await probe(pin);
    if (found.state === 'alive') return found;
    const aside = `${unique}.stale`;
    try {
      renameSync(path, aside);
    } catch (err) {
      ignoreMissing(err);
      return undefined;
    }
    if (inodeOf(aside) !== inodeOf(pin)) {
      try { linkSync(aside, path); } catch { /* a third opener took the name in between: it holds the lock now */ }
    }
    unlinkSync(aside);
    return undefined;
  } finally {
    unlinkSync(pin);
  }
}

export class DataDirLock {
  private released = false;

  private constructor(private readonly server: Server, private readonly dirFd: number | undefined) {}

  /** Takes the lock of `dataDir` (an existing folder), or throws StoreBusyError naming the live holder. */
  static async acquire(dataDir: string): Promise<DataDirLock> {
    const { path, dirFd } = lockPath(dataDir);
    const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const server = await bind(path, me);
        if (server) return new DataDirLock(server, dirFd);
        const holder = await clearStale(path);
        if (holder) throw new StoreBusyError(dataDir, holder.holder?.pid);
      }
      // Every round someone else was quicker: someone holds it.
      const found = await probe(path);
      throw new StoreBusyError(dataDir, found.state === 'alive' ? found.holder?.pid : undefined);
    } catch (err) {
      if (dirFd !== undefined) closeSync(dirFd);
      throw err;
    }
  }

  /** Stops listening, which removes the socket (libuv unlinks it on close), so a clean stop leaves nothing behind. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.server.close();
    if (this.dirFd !== undefined) closeSync(this.dirFd);
  }
}
