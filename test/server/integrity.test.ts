// Stored content verified where the server reads it (issue 20, items 2 and 3): after rows are
// edited in the database behind the triggers' back, a restarted server refuses them — readiness
// fails, the API answers STORE_INTEGRITY naming what differs, the log says so without client
// data — and auditors can check the whole store and take checkpoints of the audit trail.
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createLogger } from '../../src/server/logging.ts';
import { checkSignature } from '../../src/store/checkpoint.ts';
import { SetCache } from '../../src/store/context.ts';
import type { Db } from '../../src/store/db.ts';
import { integrityKeyFrom, Sealer, sealingDb } from '../../src/store/integrity.ts';
import { Store } from '../../src/store/store.ts';
import { FROZEN_NOW } from '../helpers/policy-sets.ts';
import { openTestServer, type TestServer, type TokenName } from './helpers.ts';

const dbOf = (store: Store): Db => (store as unknown as { db: Db }).db;
const ctxOf = (store: Store): ConstructorParameters<typeof Store>[1] => (store as unknown as { ctx: ConstructorParameters<typeof Store>[1] }).ctx;

async function tamper(store: Store, ...statements: string[]): Promise<void> {
  await dbOf(store).transaction(async (tx) => {
    await tx.query('set local session_replication_role = replica');
    for (const statement of statements) await tx.query(statement);
  });
}

/** Log lines, as a log collector would keep them. */
function logSink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write(chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } }) };
}

interface Restarted { app: FastifyInstance; store: Store; call(as: TokenName | undefined, options: InjectOptions): Promise<LightMyRequestResponse> }

// A server of its own for each test (each edits the database), opened in the hook: opening one is
// most of a test's time, and a hook may take longer than a test.
let s: TestServer;
const restarts: FastifyInstance[] = [];
beforeEach(async () => { s = await openTestServer(); });
afterEach(async () => {
  for (const app of restarts.splice(0)) await app.close();
  await s?.close();
});

/** The same store served again by a new server that has read nothing yet, with another sealer if given. */
async function restart(server: TestServer, options: { sealer?: Sealer; lines?: Writable; seal?: boolean } = {}): Promise<Restarted> {
  const db = options.sealer ? sealingDb(dbOf(server.store), options.sealer) : dbOf(server.store);
  const store = new Store(db, { ...ctxOf(server.store), db, sets: new SetCache() });
  if (options.seal) await store.integrity.seal('test');
  const app = await buildApp({ store, config: server.config, ...(options.lines ? { logger: createLogger('info', options.lines) } : {}) });
  restarts.push(app);
  return { app, store, call: (as, o) => app.inject({ ...o, headers: { ...(as ? { authorization: `Bearer ${server.tokens[as]}` } : {}), ...o.headers } }) };
}

const decideB = { method: 'POST' as const, url: '/v1/decide/classification', payload: { input: { assets: 2_000_000, turnover: 2.7 } } };

describe('content verified where the server reads it', () => {
  it('a restarted server refuses the active revision edited in the database: not ready, no decisions, the revision and the log name it', async () => {
    expect((await s.call('system', decideB)).json().output.class).toBe('B');
    await tamper(s.store, `update revision_documents set yaml = replace(yaml, E'\\nturnoverThreshold: 3\\n', E'\\nturnoverThreshold: 2\\n') where revision_id = 1 and kind = 'classification'`);
    const log = logSink();
    const r = await restart(s, { lines: log.stream });

    const ready = await r.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    const problem = {
      kind: 'revision', id: 1, problem: 'content', field: 'documents.classification',
      message: 'revision 1: the text of classification no longer matches the hash taken when it was published.',
    };
    expect(ready.json()).toEqual({ error: { code: 'UNAVAILABLE', message: `The policy in force failed its integrity check: ${problem.message} It is not served.`, details: [problem] } });

    const decided = await r.call('system', decideB);
    expect(decided.statusCode).toBe(500);
    expect(decided.json()).toEqual({ error: { code: 'STORE_INTEGRITY', message: `${problem.message} It is not served.`, details: [problem] } });
    const revision = await r.call('auditor', { method: 'GET', url: '/v1/revisions/1' });
    expect(revision.statusCode).toBe(500);
    expect(revision.json().error).toMatchObject({ code: 'STORE_INTEGRITY', details: [problem] });

    const logged = log.lines.map((l) => JSON.parse(l) as { level: number; msg: string; integrity?: unknown[] }).filter((l) => l.level >= 50);
    expect(logged.map((l) => l.msg)).toEqual(expect.arrayContaining(['the policy in force failed its integrity check', 'stored content failed its integrity check']));
    for (const l of logged) expect(l.integrity).toEqual([problem]);
  });

  it('a token whose role was changed in the database is refused, not taken for head office', async () => {
    const me = await s.store.tokens.authenticate(s.tokens.branch0202);
    await tamper(s.store, `update tokens set role = 'head-office', branch = null where id = ${me!.tokenId}`);
    const r = await restart(s);
    const refused = await r.call('branch0202', { method: 'POST', url: '/v1/revisions', payload: { documents: {}, note: 'who am I' } });
    expect(refused.statusCode).toBe(500);
    expect(refused.json().error).toMatchObject({ code: 'STORE_INTEGRITY', details: expect.arrayContaining([expect.objectContaining({ kind: 'token', id: me!.tokenId, field: 'role', problem: 'anchor' })]) });
    expect((await r.call('headOffice', { method: 'GET', url: '/v1/revisions' })).statusCode).toBe(200);
    // Every token is listed for an auditor or none: the list says which one fails.
    expect((await r.call('auditor', { method: 'GET', url: '/v1/tokens' })).json().error.code).toBe('STORE_INTEGRITY');
  });

  it('a decision record whose verdict was edited is refused, and the log line carries no client data', async () => {
    const CANARY = 'ZHIDU-CANARY-31337';
    const answer = (await s.call('system', {
      method: 'POST', url: '/v1/decide/suitability',
      payload: { asOf: FROZEN_NOW.toISOString(), input: { client: { riskLevel: 'low', assessedAt: '2026-01-15', name: CANARY }, product: { type: '货币型基金' } } },
    })).json();
    expect(answer.recorded).toBe(true);
    await tamper(s.store, `update decisions set output = jsonb_set(output, '{verdict}', '"block"') where decision_id = '${answer.decisionId}'`);
    const log = logSink();
    const r = await restart(s, { lines: log.stream });
    const read = await r.call('auditor', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` });
    expect(read.statusCode).toBe(500);
    expect(read.json().error.details).toEqual([{ kind: 'decision', id: answer.decisionId, problem: 'content', message: `decision record ${answer.decisionId}: its content no longer matches the seal taken when it was written.` }]);
    expect(log.lines.some((l) => l.includes('stored content failed its integrity check') && l.includes(answer.decisionId))).toBe(true);
    expect(log.lines.filter((l) => l.includes(CANARY))).toEqual([]);
  });
});

describe('the integrity of the store, for auditors', () => {
  it('GET /v1/audit/verify lists every problem; GET /v1/audit/checkpoint gives the head, unsigned without a key', async () => {
    const intact = await s.call('auditor', { method: 'GET', url: '/v1/audit/verify' });
    expect(intact.statusCode).toBe(200);
    expect(intact.json()).toMatchObject({ ok: true, problems: [], more: 0, legacy: 0, unchecked: 0, chain: { ok: true }, checked: { revisions: 1, tokens: 6 } });
    expect(intact.json().keyId).toBeUndefined();

    const checkpoint = await s.call('headOffice', { method: 'GET', url: '/v1/audit/checkpoint' });
    expect(checkpoint.statusCode).toBe(200);
    const head = (await s.store.audit.head())!;
    expect(checkpoint.json()).toEqual({ format: 'zhidu.audit-checkpoint/1', seq: head.seq, hash: head.hash, at: expect.any(String) });

    await tamper(s.store, `update audit set actor = 'mallory' where seq = 2`);
    const broken = await s.call('auditor', { method: 'GET', url: '/v1/audit/verify' });
    expect(broken.json()).toMatchObject({ ok: false, chain: { ok: false, seq: 2, problem: 'altered' } });
    // The entry, and the token whose creation it records: their creator no longer agrees.
    expect(broken.json().problems).toEqual([
      { kind: 'audit', id: 2, problem: 'content', message: 'audit entry 2 was altered: its content no longer matches its hash.' },
      { kind: 'token', id: 1, problem: 'anchor', field: 'createdBy', message: 'token 1: createdBy is "system" but audit entry 2 (token.create) recorded "mallory".' },
    ]);
    // A broken chain is never checkpointed.
    const refused = await s.call('auditor', { method: 'GET', url: '/v1/audit/checkpoint' });
    expect(refused.statusCode).toBe(500);
    expect(refused.json().error).toMatchObject({ code: 'STORE_INTEGRITY', details: [expect.objectContaining({ kind: 'audit', id: 2 })] });
  });

  it('with the integrity key, checkpoints are signed and decisions recorded sealed', async () => {
    const key = integrityKeyFrom(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // The seeded store was written without the key: sealed once, as an operator would (`zhidu store seal`).
    const r = await restart(s, { sealer: new Sealer(key), seal: true });
    expect((await r.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const answer = (await r.call('system', { method: 'POST', url: '/v1/decide/suitability', payload: { asOf: FROZEN_NOW.toISOString(), input: { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: '货币型基金' } } } })).json();
    expect((await r.call('auditor', { method: 'GET', url: `/v1/decisions/${answer.decisionId}` })).statusCode).toBe(200);

    const checkpoint = (await r.call('auditor', { method: 'GET', url: '/v1/audit/checkpoint' })).json();
    expect(checkpoint.signature).toMatchObject({ alg: 'Ed25519', keyId: key.keyId });
    expect(checkSignature(checkpoint, key.publicKey)).toEqual({ problems: [], notes: [] });
    const report = (await r.call('auditor', { method: 'GET', url: '/v1/audit/verify' })).json();
    expect(report).toMatchObject({ ok: true, keyId: key.keyId, legacy: 0, checked: { decisions: 1 } });
    // The same store read without the key: the seals are there, not checkable.
    expect((await s.call('auditor', { method: 'GET', url: '/v1/audit/verify' })).json()).toMatchObject({ ok: true, unchecked: expect.any(Number) });
  });

  it('branches and systems may not check the store or take checkpoints', async () => {
    for (const url of ['/v1/audit/verify', '/v1/audit/checkpoint']) {
      for (const as of ['branch0101', 'system'] as const) {
        const r = await s.call(as, { method: 'GET', url });
        expect(r.statusCode, `${as} ${url}`).toBe(403);
        expect(r.json().error.code).toBe('FORBIDDEN');
      }
      expect((await s.call(undefined, { method: 'GET', url })).statusCode).toBe(401);
    }
  });
});
