// Head office's administration through the API: when each token was last used, the audit trail
// by time range and free text and as CSV, and a revision downloaded as one YAML bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { csvField } from '../../src/server/routes/records.ts';
import { openTestServer, rulesText, type TestServer } from './helpers.ts';

let s: TestServer;
beforeAll(async () => { s = await openTestServer({ config: { tokenUseFlushMs: 20 } }); });
afterAll(async () => { await s?.close(); });

describe('tokens', () => {
  it('says when each token was last used, and never for one unused', async () => {
    const before = Date.now();
    expect((await s.call('system', { method: 'GET', url: '/v1/revisions' })).statusCode).toBe(200);
    await expect.poll(async () => {
      const tokens = (await s.call('headOffice', { method: 'GET', url: '/v1/tokens' })).json() as { id: number; role: string; lastUsedAt?: string }[];
      return tokens.find((t) => t.role === 'system')?.lastUsedAt;
    }, { timeout: 5_000 }).toBeDefined();
    const tokens = (await s.call('auditor', { method: 'GET', url: '/v1/tokens' })).json() as { role: string; branch?: string; lastUsedAt?: string }[];
    const system = tokens.find((t) => t.role === 'system')!;
    expect(Date.parse(system.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
    // A token that has not called since the server started has no last use yet.
    expect(tokens.find((t) => t.role === 'branch' && t.branch === '0202')?.lastUsedAt).toBeUndefined();
  });
});

describe('audit trail', () => {
  it('filters by time range and by text anywhere in an entry, and refuses a malformed instant', async () => {
    const all = (await s.call('auditor', { method: 'GET', url: '/v1/audit' })).json() as { seq: number; at: string; actor: string; action: string }[];
    expect(all.length).toBeGreaterThan(2);
    const first = all[0]!;
    const later = all.filter((e) => e.at > first.at);
    const from = (await s.call('auditor', { method: 'GET', url: `/v1/audit?from=${encodeURIComponent(later[0]?.at ?? first.at)}` })).json() as unknown[];
    expect(from).toHaveLength(later.length > 0 ? later.length : all.length);
    const to = (await s.call('auditor', { method: 'GET', url: `/v1/audit?to=${encodeURIComponent(first.at)}` })).json() as unknown[];
    expect(to).toEqual([]);
    const byText = (await s.call('auditor', { method: 'GET', url: '/v1/audit?q=TOKEN.CREATE' })).json() as { action: string }[];
    expect(byText.length).toBeGreaterThan(0);
    expect(byText.every((e) => e.action === 'token.create')).toBe(true);
    // LIKE's own characters are text here, not patterns.
    expect((await s.call('auditor', { method: 'GET', url: '/v1/audit?q=%25' })).json()).toEqual([]);
    const bad = await s.call('auditor', { method: 'GET', url: '/v1/audit?from=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_INPUT');
  });

  it('exports what the filters keep as CSV a spreadsheet opens, and a branch only its own', async () => {
    const r = await s.call('auditor', { method: 'GET', url: '/v1/audit/export?action=token.create' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="zhidu-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = r.body.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('\uFEFFseq,at,actor,action,subject,branch,summary,hash');
    const json = (await s.call('auditor', { method: 'GET', url: '/v1/audit?action=token.create' })).json() as { seq: number }[];
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(json.map((e) => e.seq));
    expect(lines.slice(1).every((l) => l.split(',')[3] === 'token.create')).toBe(true);

    const mine = await s.call('branch0101', { method: 'GET', url: '/v1/audit/export' });
    expect(mine.statusCode).toBe(200);
    const theirs = await s.call('branch0101', { method: 'GET', url: '/v1/audit/export?branch=0202' });
    expect(theirs.statusCode).toBe(403);
    expect((await s.call('system', { method: 'GET', url: '/v1/audit/export' })).statusCode).toBe(403);
  });

  it('quotes CSV fields that need it, and never leaves a formula for a spreadsheet to run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe('"-1"');
  });
});

describe('revision bundle', () => {
  it('downloads a revision as one YAML stream holding every document exactly as published', async () => {
    const r = await s.call('branch0101', { method: 'GET', url: '/v1/revisions/1/bundle' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="zhidu-revision-1.yaml"');
    expect(r.body).toMatch(/^# zhidu 制度 · revision 1 · sha256:[0-9a-f]{64}\n# effective from the beginning \(自始\)/);
    const docs = parseAllDocuments(r.body);
    expect(docs).toHaveLength(11);
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    const texts = r.body.split(/^---\n/m).slice(1);
    expect(texts).toContain(rulesText('classification'));
    expect((await s.call('system', { method: 'GET', url: '/v1/revisions/99/bundle' })).statusCode).toBe(404);
  });
});
