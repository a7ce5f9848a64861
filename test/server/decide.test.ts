// POST /v1/decide/{decision} and its NDJSON batch, through inject(): the answer's exact shape,
// every decision against its own policy file's test cases, errors naming the field, branch
// scoping, asOf, and the batch's order, per-line errors and headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledPolicy } from '../../src/engine/compile.ts';
import { decisionOfKind, DECISION_NAMES } from '../../src/policy/kinds.ts';
import { loadValidPolicyDir } from '../../src/policy/policy-set.ts';
import { FROZEN_NOW, RULES_DIR } from '../helpers/policy-sets.ts';
import { openTestServer, type TestServer } from './helpers.ts';

let s: TestServer;
const set = loadValidPolicyDir(RULES_DIR);
const policy = CompiledPolicy.compile(set);
beforeAll(async () => { s = await openTestServer(); });
afterAll(async () => { await s?.close(); });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const decide = (as: Parameters<TestServer['call']>[0], decision: string, payload: unknown) =>
  s.call(as, { method: 'POST', url: `/v1/decide/${decision}`, payload: payload as object });

describe('POST /v1/decide/{decision}', () => {
  it('answers with the decision, output, revision, decisionId and whether it was recorded', async () => {
    const r = await decide('system', 'classification', { input: { assets: 2_000_000, turnover: 2.7 } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      decision: 'classification',
      output: {
        class: 'B', label: 'B类客户', labelEn: 'Class B', tier: '1m-5m', tierLabel: '100万—500万',
        turnoverGroup: 'low', turnoverGroupLabel: '低周转率(<阈值)', turnover: 2.7, turnoverThreshold: 3,
      },
      revision: { id: 1, hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      decisionId: expect.stringMatching(UUID),
      recorded: false,
    });
  });

  it('names the branch when asked for one, and explains with rules and YAML lines', async () => {
    const r = await decide('headOffice', 'classification', { input: { assets: 2_000_000, turnover: 2.7 }, branch: '0101', explain: true });
    const body = r.json();
    expect(body.branch).toBe('0101');
    expect(body.override).toBeUndefined();
    expect(body.trace.length).toBeGreaterThan(0);
    expect(body.trace.find((t: { fired: boolean }) => t.fired)).toMatchObject({ source: { file: 'classification', line: expect.any(Number) } });
  });

  it('a branch token decides for its own branch by default, and never for another', async () => {
    expect((await decide('branch0101', 'classification', { input: { assets: 1 , turnover: 1 } })).json().branch).toBe('0101');
    const r = await decide('branch0101', 'classification', { input: { assets: 1, turnover: 1 }, branch: '0202' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This token is bound to branch 0101; it may not act for branch 0202.' } });
  });

  const cases = [...set.documents.values()].flatMap((doc) =>
    ((doc.value.tests as { name: string; decision?: string; at?: string; input: unknown; expect?: unknown }[] | undefined) ?? [])
      .filter((tc) => tc.expect !== undefined)
      .map((tc) => ({ ...tc, decision: tc.decision ?? decisionOfKind(doc.kind) })));
  it.each(DECISION_NAMES.map((d) => [d]))('%s answers as the engine does, for every case its policy file carries', async (decision) => {
    const mine = cases.filter((c) => c.decision === decision);
    if (decision === 'client-profile') mine.push({ name: 'profile', decision, input: { assets: 2_000_000, turnover: 2.7 }, expect: {} });
    expect(mine.length).toBeGreaterThan(0);
    for (const tc of mine) {
      const asOf = (tc.at ? new Date(tc.at) : FROZEN_NOW).toISOString();
      const r = await decide('system', decision, { input: tc.input, asOf });
      expect(r.statusCode, `${tc.name}: ${r.body}`).toBe(200);
      const engine = await policy.decide(decision, tc.input, { at: new Date(asOf) });
      expect(r.json().output, tc.name).toEqual(engine.output);
    }
  });

  it('accepts a catalogue entry by its Chinese name', async () => {
    const client = { riskLevel: 'low', assessedAt: '2026-01-15' };
    const byName = (await decide('system', 'suitability', { input: { client, product: { type: '货币型基金' } }, asOf: FROZEN_NOW.toISOString() })).json();
    const byId = (await decide('system', 'suitability', { input: { client, product: { type: 'money-market-fund' } }, asOf: FROZEN_NOW.toISOString() })).json();
    expect(byName.output).toEqual(byId.output);
    expect(byName.output.productType).toBe('money-market-fund');
  });

  it('refuses bad input naming the field inside the body sent', async () => {
    const missing = await decide('system', 'classification', { input: { turnover: 1 } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/input/assets: is required', details: [{ field: '/input/assets', message: 'is required', params: { keyword: 'required', missingProperty: 'assets' } }] } });

    const negative = await decide('system', 'classification', { input: { assets: -5, turnover: 1 } });
    expect(negative.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/input/assets: must be >= 0', details: [{ field: '/input/assets', message: 'must be >= 0', params: { keyword: 'minimum', comparison: '>=', limit: 0 } }] } });

    const wrongType = await decide('system', 'classification', { input: { assets: 'lots', turnover: 1 } });
    expect(wrongType.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/input/assets: must be number', details: [{ field: '/input/assets', message: 'must be number', params: { keyword: 'type', type: 'number' } }] } });

    const envelope = await decide('system', 'classification', { input: { assets: 1, turnover: 1 }, colour: 'red' });
    expect(envelope.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/colour: is not a known field', details: [{ field: '/colour', message: 'is not a known field', params: { keyword: 'additionalProperties', additionalProperty: 'colour' } }] } });

    const noInput = await decide('system', 'classification', {});
    expect(noInput.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/input: is required', details: [{ field: '/input', message: 'is required', params: { keyword: 'required', missingProperty: 'input' } }] } });

    const twoWrong = await decide('system', 'classification', { input: { assets: -5, turnover: 'high' } });
    expect(twoWrong.json()).toEqual({
      error: {
        code: 'BAD_INPUT', message: '/input/assets: must be >= 0; /input/turnover: must be number',
        details: [
          { field: '/input/assets', message: 'must be >= 0', params: { keyword: 'minimum', comparison: '>=', limit: 0 } },
          { field: '/input/turnover', message: 'must be number', params: { keyword: 'type', type: 'number' } },
        ],
      },
    });
  });

  it('names every unanswered question of a questionnaire at once, each under /input with its text', async () => {
    const r = await decide('system', 'risk-level', { input: { answers: { 1: 'A' } } });
    expect(r.statusCode).toBe(400);
    const { error } = r.json() as { error: { code: string; message: string; details: { field: string; message: string; params: Record<string, unknown> }[] } };
    const questions = ['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
    expect(error.details.map((d) => [d.field, d.params.reason, d.params.question])).toEqual(questions.map((q) => [`/input/answers/${q}`, 'unanswered', q]));
    expect(error.details[0]!.params.text).toEqual({ zh: '您的证券投资资金占家庭总金融资产的比例', en: 'The share of your household\'s total financial assets invested in securities' });
    expect(error.message).toBe(error.details.map((d) => `${d.field}: ${d.message}`).join('; '));
  });

  it('refuses what only the engine can judge, still naming the field under /input', async () => {
    const r = await decide('system', 'suitability', { input: { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: 'tulip-bulbs' } }, asOf: FROZEN_NOW.toISOString() });
    expect(r.statusCode).toBe(400);
    const engine = await policy.decide('suitability', { client: { riskLevel: 'low', assessedAt: '2026-01-15' }, product: { type: 'tulip-bulbs' } }, { at: FROZEN_NOW }).catch((e: { details: { message: string }[] }) => e);
    const { message, params } = (engine as { details: { message: string; params: Record<string, unknown> }[] }).details[0]!;
    expect(params).toMatchObject({ reason: 'notDeclared', value: 'tulip-bulbs', known: expect.arrayContaining(['money-market-fund']) });
    expect(r.json()).toEqual({ error: { code: 'BAD_INPUT', message: `/input/product/type: ${message}`, details: [{ field: '/input/product/type', message, params }] } });
  });

  it('decides under the policy in force at asOf, and says when there was none', async () => {
    const r = await decide('system', 'classification', { input: { assets: 1, turnover: 1 }, asOf: '1969-12-31T23:59:59Z' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No policy revision is in force at 1969-12-31T23:59:59.000Z.' } });
    const bad = await decide('system', 'classification', { input: { assets: 1, turnover: 1 }, asOf: 'yesterday' });
    expect(bad.json()).toEqual({ error: { code: 'BAD_INPUT', message: '/asOf: must match format "date-time"', details: [{ field: '/asOf', message: 'must match format "date-time"', params: { keyword: 'format', format: 'date-time' } }] } });
  });

  it('an unknown decision is NOT_FOUND, naming the decisions there are', async () => {
    const r = await decide('system', 'horoscope', { input: {} });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: `There is no decision "horoscope"; decisions: ${DECISION_NAMES.join(', ')}.` } });
  });
});

describe('POST /v1/decide/{decision}/batch', () => {
  const batch = (body: string, query = '', as: Parameters<TestServer['call']>[0] = 'system', type = 'application/x-ndjson') =>
    s.call(as, { method: 'POST', url: `/v1/decide/classification/batch${query}`, headers: { 'content-type': type }, payload: body });

  it('answers every line in order, a bad line with its own error, and names the revision in headers', async () => {
    const long = JSON.stringify({ assets: 1, turnover: 1, padding: 'x'.repeat(300_000) });
    const r = await batch(['{"assets": 2000000, "turnover": 2.7}', '', '{not json', '{"assets": -1, "turnover": 1}', long, '{"assets": 6000000, "turnover": 4}'].join('\n'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(r.headers['zhidu-revision']).toBe('1');
    const lines = r.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { line: 1, decision: 'classification', output: expect.objectContaining({ class: 'B' }), decisionId: expect.stringMatching(UUID), recorded: false },
      { line: 3, error: { code: 'BAD_INPUT', message: expect.stringMatching(/^Line 3 is not JSON: /), details: [{ field: '', message: 'not JSON' }] } },
      { line: 4, error: { code: 'BAD_INPUT', message: '/assets: must be >= 0', details: [{ field: '/assets', message: 'must be >= 0', params: { keyword: 'minimum', comparison: '>=', limit: 0 } }] } },
      { line: 5, error: { code: 'PAYLOAD_TOO_LARGE', message: 'Line 5 is longer than 262144 bytes.' } },
      { line: 6, decision: 'classification', output: expect.objectContaining({ class: 'A+' }), decisionId: expect.stringMatching(UUID), recorded: false },
    ]);
  });

  it('keeps input order across thousands of lines, agreeing with single decisions', async () => {
    const inputs = Array.from({ length: 5000 }, (_, i) => ({ assets: (i * 7919) % 12_000_000, turnover: (i % 13) / 2 }));
    const r = await batch(inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
    const lines = r.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { line: number; output: { class: string } });
    expect(lines.map((l) => l.line)).toEqual(inputs.map((_, i) => i + 1));
    const expected = await Promise.all(inputs.map(async (i) => (await policy.decide('classification', i)).output.class));
    expect(lines.map((l) => l.output.class)).toEqual(expected);
  });

  it('decides for a branch named in the query string, within the token\'s scope', async () => {
    const ok = await batch('{"assets": 1, "turnover": 1}\n', '?branch=0101', 'branch0101');
    expect(ok.statusCode).toBe(200);
    const other = await batch('{"assets": 1, "turnover": 1}\n', '?branch=0202', 'branch0101');
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This token is bound to branch 0101; it may not act for branch 0202.' } });
  });

  it('reads NDJSON only, and only for known decisions', async () => {
    const json = await batch('{"assets": 1}', '', 'system', 'application/json');
    expect(json.statusCode).toBe(415);
    expect(json.json()).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This endpoint reads application/json bodies (batches: application/x-ndjson).' } });
    const unknown = await s.call('system', { method: 'POST', url: '/v1/decide/horoscope/batch', headers: { 'content-type': 'application/x-ndjson' }, payload: '{}\n' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('BAD_INPUT');
    expect(unknown.json().error.details[0]).toMatchObject({ field: 'decision', in: 'params' });
  });

  it('an empty batch is an empty answer', async () => {
    const r = await batch('');
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('');
  });
});
