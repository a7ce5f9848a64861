// The browser editor, served from its Vite build (editor/dist) at `/`: index.html, the hashed
// assets under /assets/ (cached for good) and the built-in client sample under /samples/.
// When the build is missing or older than its sources, the plugin starts `vite build` in a
// child process and answers `/` with a "being built" page until it is done, so the API is
// usable at once. The page carries a Content-Security-Policy that also forbids framing it. Tests (VITEST set) and ZHIDU_EDITOR_BUILD=never skip building.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EDITOR_ROOT = join(ROOT, 'editor');
export const EDITOR_DIST = join(EDITOR_ROOT, 'dist');
/** What the bundle is made from: a change to any of these makes the build stale. */
const SOURCES = ['editor/src', 'editor/public', 'editor/index.html', 'editor/vite.config.ts', 'schemas', 'src/policy/kinds.ts'];

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

/** True when editor/dist is missing or older than any of its sources. */
export function editorBuildIsStale(root = ROOT): boolean {
  const index = join(root, 'editor', 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

/** Runs `vite build` on editor/ in a child process; resolves when it has finished. */
export function buildEditor(log: (line: string) => void = () => undefined): { done: Promise<void>; child: ChildProcess } {
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', EDITOR_ROOT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { output += b.toString(); });
  const done = new Promise<void>((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code === 0) { log('editor built'); ok(); }
      else fail(new Error(`vite build exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
  return { done, child };
}

export interface EditorStaticOptions {
  /** Folder holding the built editor (default editor/dist). */
  dir?: string;
  /** 'auto': build when stale (default, except under tests); 'never': serve what is there. */
  build?: 'auto' | 'never';
}

/**
 * What the editor's page may load: its own scripts, module workers (monaco's and the YAML
 * worker, from /assets/) and styles, the <style> elements monaco writes as it runs, and the data:
 * images in monaco's CSS; nothing from elsewhere. No page may frame it: a framed editor could be
 * clicked into publishing or approving. The pages shown while it builds need no more than this.
 */
export const EDITOR_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
  "worker-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const PAGE = (title: string, body: string, refresh: boolean): string => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="3">' : ''}<title>${title}</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:15vh auto;max-width:36em;color:#1d2733}code{background:#eef1f5;padding:1px 4px}</style></head><body>${body}</body></html>`;

function defaultBuildMode(): 'auto' | 'never' {
  if (process.env.ZHIDU_EDITOR_BUILD === 'never' || process.env.ZHIDU_EDITOR_BUILD === 'auto') return process.env.ZHIDU_EDITOR_BUILD;
  return process.env.VITEST ? 'never' : 'auto';
}

/**
 * Registers the editor's routes on the root instance (not encapsulated). If the app already
 * answers GET / (an interim redirect to the docs), `/` is taken over by a hook instead.
 */
export async function editorStatic(app: FastifyInstance, options: EditorStaticOptions = {}): Promise<void> {
  const dir = resolve(options.dir ?? EDITOR_DIST);
  let state: 'ready' | 'building' | 'failed' = 'ready';
  let failure = '';
  let child: ChildProcess | undefined;
  if ((options.build ?? defaultBuildMode()) === 'auto' && (options.dir === undefined && editorBuildIsStale())) {
    state = 'building';
    app.log.info('building the editor (vite build editor); / shows progress until it is done');
    const build = buildEditor((line) => app.log.info(line));
    child = build.child;
    build.done.then(() => { state = 'ready'; child = undefined; }, (err: Error) => {
      state = 'failed'; failure = err.message; child = undefined;
      app.log.error({ err: { message: err.message } }, 'building the editor failed');
    });
  }
  app.addHook('onClose', async () => { child?.kill('SIGTERM'); });

  const sendFile = async (reply: FastifyReply, relative: string, cache: string): Promise<FastifyReply> => {
    const path = resolve(dir, relative);
    if (!path.startsWith(dir + sep) || !existsSync(path) || !statSync(path).isFile()) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `There is no editor file ${relative}.` } });
    }
    return reply.type(TYPES[extname(path)] ?? 'application/octet-stream').header('cache-control', cache).send(createReadStream(path));
  };

  const index = async (reply: FastifyReply): Promise<FastifyReply> => {
    void reply.header('content-security-policy', EDITOR_CSP).header('x-frame-options', 'DENY');
    if (state === 'building') {
      return reply.code(503).header('retry-after', '3').type(TYPES['.html']!).send(PAGE('正在构建编辑器', '<h1>编辑器正在构建…</h1><p>首次启动需要约半分钟,本页会自动刷新。The editor is being built; this page reloads by itself.</p>', true));
    }
    if (state === 'failed' || !existsSync(join(dir, 'index.html'))) {
      const why = state === 'failed' ? `<pre>${failure.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;')).slice(-2000)}</pre>` : '';
      return reply.code(503).type(TYPES['.html']!).send(PAGE('编辑器不可用', `<h1>编辑器尚未构建</h1><p>请运行 <code>npm run build:editor</code> 后刷新本页;API 与文档(<a href="/docs">/docs</a>)照常可用。Run <code>npm run build:editor</code>, then reload.</p>${why}`, false));
    }
    return sendFile(reply, 'index.html', 'no-cache');
  };

  const config = { access: 'public' as const };
  const schema = { hide: true };
  app.get('/', { config, schema }, async (_request, reply) => index(reply));
  app.get('/index.html', { config, schema }, async (_request, reply) => index(reply));
  app.get<{ Params: { '*': string } }>('/assets/*', { config, schema }, async (request, reply) =>
    sendFile(reply, join('assets', request.params['*']), 'public, max-age=31536000, immutable'));
  app.get('/favicon.svg', { config, schema }, async (_request, reply) => sendFile(reply, 'favicon.svg', 'public, max-age=86400'));
  app.get<{ Params: { '*': string } }>('/samples/*', { config, schema }, async (request, reply) =>
    sendFile(reply, join('samples', request.params['*']), 'public, max-age=3600'));
}

// Like fastify-plugin: the routes and the `/` hook belong to the app itself, not to a child scope.
(editorStatic as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
