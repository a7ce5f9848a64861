// Serving the built editor at `/` (src/server/editor-static.ts), and knowing when to rebuild it.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_CSP, editorBuildIsStale, editorStatic } from '../../src/server/editor-static.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhidu-dist-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'samples'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'samples', 'clients.ndjson'), '{"assets":1}\n');
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function app(at = dir): Promise<FastifyInstance> {
  const a = fastify();
  await a.register(editorStatic, { dir: at, build: 'never' });
  await a.ready();
  return a;
}

describe('serving the built editor', () => {
  it('answers / with index.html, never cached', async () => {
    const res = await (await app()).inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('id="app"');
  });

  it('the page carries a Content-Security-Policy that forbids framing, built or not', async () => {
    for (const at of [dir, join(dir, 'missing')]) {
      const res = await (await app(at)).inject('/');
      expect(res.headers['content-security-policy'], at).toBe(EDITOR_CSP);
      expect(res.headers['x-frame-options'], at).toBe('DENY');
    }
    expect(EDITOR_CSP).toContain("frame-ancestors 'none'");
    expect(EDITOR_CSP).toContain("script-src 'self';");
  });

  it('serves hashed assets for good, the sample and the icon with their types', async () => {
    const a = await app();
    const js = await a.inject('/assets/index-abc.js');
    expect([js.statusCode, js.headers['content-type'], js.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect((await a.inject('/samples/clients.ndjson')).headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect((await a.inject('/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
  });

  it('answers a missing file, or a way out of the folder, with the API\'s 404 body', async () => {
    const a = await app();
    for (const url of ['/assets/nope.js', '/assets/..%2F..%2Fpackage.json', '/samples/..%2F..%2F..%2Fetc%2Fpasswd']) {
      const res = await a.inject(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('says how to build the editor when it has not been built', async () => {
    const res = await (await app(join(dir, 'missing'))).inject('/');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:editor');
  });
});

describe('editorBuildIsStale', () => {
  it('is stale without a build, fresh after one, stale again once a source changes', () => {
    const root = mkdtempSync(join(tmpdir(), 'zhidu-root-'));
    try {
      mkdirSync(join(root, 'editor', 'src'), { recursive: true });
      writeFileSync(join(root, 'editor', 'src', 'main.ts'), '');
      expect(editorBuildIsStale(root)).toBe(true);
      mkdirSync(join(root, 'editor', 'dist'));
      writeFileSync(join(root, 'editor', 'dist', 'index.html'), '');
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(root, 'editor', 'dist', 'index.html'), later, later);
      expect(editorBuildIsStale(root)).toBe(false);
      const evenLater = new Date(Date.now() + 120_000);
      utimesSync(join(root, 'editor', 'src', 'main.ts'), evenLater, evenLater);
      expect(editorBuildIsStale(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
