// The scripted scenario, as a real client runs it against `zhidu serve` in its own process on an
// embedded store: tokens from the CLI, a decision as a system, a proposal by branch 0101 that
// the branch cannot approve and head office does, branch 0101's classification moving from B
// to A while 0202's stays B; SIGTERM with a batch in flight (it finishes, its records are
// flushed); a restart on the same data directory, and everything is still there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/policy-sets.ts';

const BIN = join(ROOT, 'bin/zhidu.js');
const dataDir = mkdtempSync(join(tmpdir(), 'zhidu-e2e-'));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ZHIDU_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function createToken(...args: string[]): Promise<string> {
  const r = await run(['token', 'create', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n').at(-1)!;
}

interface Server { child: ChildProcess; base: string; stdout: () => string; exited: Promise<number | null> }

function serve(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn'], { cwd: ROOT, env: { ...process.env, ZHIDU_DATA_DIR: dataDir } });
    children.add(child);
    let out = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => { children.delete(child); done(code); }));
    child.stdout.on('data', (c) => {
      out += c;
      const m = /zhidu listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, base: m[1]!, stdout: () => out, exited });
    });
    child.stderr.on('data', (c) => { out += c; });
    void exited.then((code) => reject(new Error(`zhidu serve exited with ${code}:\n${out}`)));
  });
}

async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: await r.json() };
}

const CLIENT = { assets: 2_000_000, turnover: 2.7 };
const classOf = async (base: string, token: string, branch?: string) =>
  (await call(base, token, 'POST', '/v1/decide/classification', { input: CLIENT, ...(branch ? { branch } : {}) })).json.output.class;

describe('end to end, as a client runs it', () => {
  const tokens: Record<string, string> = {};
  let server: Server;
  let recorded: string[] = [];

  it('creates tokens with the CLI before the first start', async () => {
    tokens.system = await createToken('--role', 'system', '--name', 'crm');
    tokens.b0101 = await createToken('--role', 'branch', '--branch', '0101', '--name', '0101');
    tokens.b0202 = await createToken('--role', 'branch', '--branch', '0202', '--name', '0202');
    for (const t of Object.values(tokens)) expect(t).toMatch(/^zhidu_\S+$/);
  }, 120_000);

  it('first start publishes rules/ as revision 1 and prints a head-office token once', async () => {
    server = await serve();
    const lines = server.stdout().split('\n');
    expect(lines[0]).toMatch(/^published .*rules as revision 1 \(sha256:[0-9a-f]{64}\)$/);
    tokens.headOffice = lines[lines.findIndex((l) => l.startsWith('head-office token')) + 1]!;
    expect(tokens.headOffice).toMatch(/^zhidu_\S+$/);
  }, 120_000);

  it('a system decides; branch 0101 proposes and cannot approve; head office approves; only 0101 moves', async () => {
    const { base } = server;
    expect(await classOf(base, tokens.system!)).toBe('B');

    const revisions = await call(base, tokens.b0101!, 'GET', '/v1/revisions');
    const baseRevision = revisions.json.find((r: { status: string }) => r.status === 'active').id;
    const proposed = await call(base, tokens.b0101!, 'POST', '/v1/branches/0101/proposals', { baseRevision, override: 'classification: {turnoverThreshold: 2.5}\n', reason: '本地客户交易活跃' });
    expect(proposed.status).toBe(201);
    expect(proposed.json.status).toBe('submitted');

    const selfApproval = await call(base, tokens.b0101!, 'POST', `/v1/proposals/${proposed.json.id}/approve`, { comment: 'self' });
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.json.error.code).toBe('FORBIDDEN');
    expect(await classOf(base, tokens.system!, '0101')).toBe('B');

    const approved = await call(base, tokens.headOffice!, 'POST', `/v1/proposals/${proposed.json.id}/approve`, { comment: '同意' });
    expect(approved.status).toBe(200);
    expect(await classOf(base, tokens.system!, '0101')).toBe('A');
    expect(await classOf(base, tokens.b0101!)).toBe('A');
    expect(await classOf(base, tokens.system!, '0202')).toBe('B');
    expect(await classOf(base, tokens.b0202!)).toBe('B');
    expect(await classOf(base, tokens.system!)).toBe('B');
  }, 60_000);

  it('SIGTERM: stops accepting, finishes the batch in flight, flushes its records, exits 0', async () => {
    const { base, child, exited } = server;
    const suitability = JSON.stringify({ client: { riskLevel: 'low', assessedAt: new Date().toISOString().slice(0, 10) }, product: { riskLevel: 'low' } });
    const answers = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${base}/v1/decide/suitability/batch`, { method: 'POST', headers: { authorization: `Bearer ${tokens.system}`, 'content-type': 'application/x-ndjson' } });
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body === '') {
            // The first answer is back: the batch is in flight. Now ask the server to stop.
            child.kill('SIGTERM');
            setTimeout(() => { for (let i = 0; i < 199; i++) req.write(`${suitability}\n`); req.end(); }, 300);
          }
          body += c;
        });
        res.on('end', () => resolve(body));
      });
      req.write(`${suitability}\n`);
    });
    const lines = answers.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(200);
    expect(lines.every((l) => l.recorded === true && l.output.verdict === 'match')).toBe(true);
    recorded = lines.map((l) => l.decisionId);
    expect(await exited).toBe(0);
  }, 60_000);

  it('after a restart on the same data directory, everything is still there', async () => {
    server = await serve();
    const { base } = server;
    expect(server.stdout()).not.toMatch(/published|head-office token/);
    const revisions = await call(base, tokens.headOffice!, 'GET', '/v1/revisions');
    expect(revisions.json).toHaveLength(1);
    const proposals = await call(base, tokens.b0101!, 'GET', '/v1/proposals');
    expect(proposals.json.map((p: { status: string }) => p.status)).toEqual(['approved']);
    expect(await classOf(base, tokens.system!, '0101')).toBe('A');
    expect(await classOf(base, tokens.system!, '0202')).toBe('B');
    for (const id of [recorded[0], recorded[199]]) {
      const r = await call(base, tokens.headOffice!, 'GET', `/v1/decisions/${id}`);
      expect(r.status).toBe(200);
      expect(r.json.output.verdict).toBe('match');
    }
    const audit = await call(base, tokens.headOffice!, 'GET', '/v1/audit?limit=1000');
    expect(audit.json.map((e: { action: string }) => e.action)).toEqual(['token.create', 'token.create', 'token.create', 'revision.publish', 'token.create', 'proposal.submit', 'proposal.approve']);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);
});
