// Over a real port: plain HTTP requests, a batch whose answers arrive while the request is still
// being sent (streaming both ways), and a close that lets an in-flight batch finish.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
let base: string;
beforeAll(async () => {
  s = await openTestServer();
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => { await s?.close(); });

/** Opens a batch request and hands back the request (to write to) and a reader of answer lines. */
function openBatch(token: string): Promise<{ req: ClientRequest; nextLine: () => Promise<string>; ended: Promise<string[]> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/v1/decide/classification/batch`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let buffered = '';
      const all: string[] = [];
      const waiting: ((line: string) => void)[] = [];
      const ready: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          all.push(line);
          const w = waiting.shift();
          if (w) w(line); else ready.push(line);
        }
      });
      const ended = new Promise<string[]>((done) => res.on('end', () => done(all)));
      resolve({ req, ended, nextLine: () => new Promise((r) => { const l = ready.shift(); if (l !== undefined) r(l); else waiting.push(r); }) });
    });
    // Headers go out with the first line; the response starts once the server has them.
    req.write('{"assets": 2000000, "turnover": 2.7}\n');
  });
}

describe('over a real port', () => {
  it('answers plain HTTP requests', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const r = await fetch(`${base}/v1/decide/classification`, {
      method: 'POST', headers: { authorization: `Bearer ${s.tokens.system}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { assets: 2_000_000, turnover: 2.7 } }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { output: { class: string } }).output.class).toBe('B');
  });

  it('streams batch answers while the request is still being sent', async () => {
    const { req, nextLine, ended } = await openBatch(s.tokens.system);
    expect(JSON.parse(await nextLine())).toMatchObject({ line: 1, output: { class: 'B' } });
    req.write('{"assets": 6000000, "turnover": 4}\n');
    expect(JSON.parse(await nextLine())).toMatchObject({ line: 2, output: { class: 'A+' } });
    req.end('{"assets": -1}\n');
    expect(JSON.parse(await nextLine())).toMatchObject({ line: 3, error: { code: 'BAD_INPUT' } });
    expect(await ended).toHaveLength(3);
  });

  it('on close, stops accepting but lets an in-flight batch finish', async () => {
    const { req, nextLine, ended } = await openBatch(s.tokens.system);
    await nextLine();
    const closing = s.app.close();
    let closed = false;
    void closing.then(() => { closed = true; });
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);
    for (let i = 0; i < 100; i++) req.write('{"assets": 1, "turnover": 1}\n');
    req.end();
    expect(await ended).toHaveLength(101);
    await closing;
    expect(closed).toBe(true);
  });
});
