import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zhidu } from '../helpers/cli.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'zhidu-decide-'));

describe('zhidu decide', () => {
  it('prints the HTTP-shaped answer for one input', async () => {
    const r = await zhidu('decide', 'classification', '--input', '{"assets": 2000000, "turnover": 2.7}', '--rules', RULES_DIR);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer).toMatchObject({ decision: 'classification', output: { class: 'B', label: 'B类客户' }, revision: { hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    expect(answer.decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.trace).toBeUndefined();
  });

  it('applies a branch override and explains from the YAML', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'o.yaml'), 'classification: {turnoverThreshold: 2.5}\n');
    writeFileSync(join(dir, 'in.json'), '{"assets": 2000000, "turnover": 2.7}');
    const r = await zhidu('decide', 'classification', '--input-file', join(dir, 'in.json'), '--override', join(dir, 'o.yaml'), '--explain', '--rules', RULES_DIR);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.output.class).toBe('A');
    expect(answer.override.file).toBe(join(dir, 'o.yaml'));
    expect(answer.trace.find((s: { fired: boolean }) => s.fired).source.line).toBe(56);
  });

  it('refuses bad input with exit 1 and the field on stderr', async () => {
    const r = await zhidu('decide', 'classification', '--input', '{"assets": -5, "turnover": 1}', '--rules', RULES_DIR);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('BAD_INPUT /assets');
  });

  it('exits 2 for an unknown decision or missing input', async () => {
    expect((await zhidu('decide', 'horoscope', '--input', '{}')).code).toBe(2);
    expect((await zhidu('decide', 'classification')).code).toBe(2);
    expect((await zhidu('decide', 'classification', '--batch', 'x.csv')).code).toBe(2);
    const workers = await zhidu('decide', 'classification', '--batch', 'x.csv', '--out', 'y.ndjson', '--workers', 'two');
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain('--workers must be a whole number ≥ 0, not "two"');
  });

  it('--workers sets the worker threads beside the main thread (here: none, on a file big enough for them)', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 120_000 }, (_, i) => `${(i * 7919) % 7_000_000},${(i % 13) / 2}`);
    writeFileSync(join(dir, 'big.csv'), ['assets,turnover', ...rows].join('\n') + '\n');
    // Over the 1 MB from which a batch starts workers by default.
    expect(statSync(join(dir, 'big.csv')).size).toBeGreaterThan(1024 * 1024);
    const r = await zhidu('decide', 'classification', '--batch', join(dir, 'big.csv'), '--out', join(dir, 'out.ndjson'), '--rules', RULES_DIR, '--workers', '0');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('120000 decided, 0 bad rows');
    expect(r.stderr).not.toContain('worker thread');
  }, 60_000);

  it('streams a CSV batch in order, typing cells by the input schema, reporting bad rows by line', async () => {
    const dir = tmp();
    const rows = ['assets,turnover', '2000000,2.7', '-1,1', '6000000,4', 'abc,1', '', '9999.99,0'];
    writeFileSync(join(dir, 'in.csv'), rows.join('\n') + '\n');
    const r = await zhidu('decide', 'classification', '--batch', join(dir, 'in.csv'), '--out', join(dir, 'out.ndjson'), '--rules', RULES_DIR);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3: BAD_INPUT /assets');
    expect(r.stderr).toContain('line 5: BAD_INPUT /assets');
    expect(r.stderr).toContain('3 decided, 2 bad rows');
    const out = readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.output?.class ?? o.error.code)).toEqual(['B', 'BAD_INPUT', 'A+', 'BAD_INPUT', 'G']);
    expect(out.map((o) => o.line)).toEqual([2, 3, 4, 5, 7]);
  });

  it('types client-profile CSV columns by every client decision\'s input schema', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'in.csv'), 'assets,turnover,avgDailyAssets3m,annualCommission,activities\n600000,4,600000,5000,index-futures;margin-trading\n');
    const r = await zhidu('decide', 'client-profile', '--batch', join(dir, 'in.csv'), '--out', join(dir, 'out.ndjson'), '--rules', RULES_DIR);
    expect(r.stderr).toContain('1 decided, 0 bad rows');
    const [line] = readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(line.output).toMatchObject({ classification: { class: 'C' }, vip: { tier: 'gold' } });
    expect(line.output.skipped.map((s: { decision: string }) => s.decision)).toEqual(['risk-level', 'trading-style', 'value-segment']);
  });

  it('streams NDJSON, answering a malformed line alone', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'in.ndjson'), '{"assets": 10000, "turnover": 3}\n{oops\n{"assets": 100000, "turnover": 1}\n');
    const r = await zhidu('decide', 'classification', '--batch', join(dir, 'in.ndjson'), '--out', join(dir, 'out.ndjson'), '--rules', RULES_DIR);
    expect(r.code).toBe(1);
    const out = readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.output?.class ?? o.error.code)).toEqual(['E', 'BAD_INPUT', 'D-']);
  });
});

describe('zhidu recalibrate', () => {
  it('writes a draft whose only difference is the threshold, the mean of three years', async () => {
    const dir = tmp();
    const r = await zhidu('recalibrate', '--turnovers', '2.8,3.1,3.6', '--from-year', '2023', '--out', join(dir, 'draft.yaml'), '--rules', RULES_DIR);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Draft threshold 3.17 (was 3)');
    const original = readFileSync(join(RULES_DIR, 'classification.yaml'), 'utf8');
    const draft = readFileSync(join(dir, 'draft.yaml'), 'utf8');
    expect(draft).toBe(original.replace(/^turnoverThreshold: 3$/m, 'turnoverThreshold: 3.17'));
  });

  it('computes each year from per-client rows (asset-weighted) and uses the last three years', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'rows.csv'), [
      'year,tradingVolume,averageAssets',
      '2021,100,100', '2022,300,100', '2022,100,100', '2023,400,100', '2024,500,200', '2024,100,100',
    ].join('\n') + '\n');
    const r = await zhidu('recalibrate', '--rows', join(dir, 'rows.csv'), '--rules', RULES_DIR);
    expect(r.code).toBe(0);
    // 2022: 400/200 = 2; 2023: 4; 2024: 600/300 = 2 → mean 2.67
    expect(r.stdout).toMatch(/^turnoverThreshold: 2\.67$/m);
    expect(r.stderr).toContain('2022: 2, 2023: 4, 2024: 2');
  });

  it('refuses too few years and bad rows', async () => {
    const dir = tmp();
    expect((await zhidu('recalibrate', '--turnovers', '2,3', '--rules', RULES_DIR)).code).toBe(1);
    writeFileSync(join(dir, 'rows.csv'), 'year,turnover\n2024,-1\n');
    const r = await zhidu('recalibrate', '--rows', join(dir, 'rows.csv'), '--rules', RULES_DIR);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2: turnover "-1"');
    expect((await zhidu('recalibrate', '--rules', RULES_DIR)).code).toBe(2);
  });
});
