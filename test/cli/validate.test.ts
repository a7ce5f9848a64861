import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { zhidu } from '../helpers/cli.ts';
import { ROOT, RULES_DIR } from '../helpers/policy-sets.ts';

function brokenCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zhidu-validate-'));
  cpSync(RULES_DIR, dir, { recursive: true });
  const file = join(dir, 'classification.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('    min: 100000\n', '    min: 120000\n'));
  return dir;
}

describe('zhidu validate', () => {
  it('exits 0 and prints nothing for the shipped sets', async () => {
    const r = await zhidu('validate', RULES_DIR, join(RULES_DIR, 'examples/csrc-2017'));
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints file:line:column CODE message and exits 1 for a tier gap', async () => {
    const dir = brokenCopy();
    const r = await zhidu('validate', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${join(dir, 'classification.yaml')}:44:10 TIER_GAP Gap between asset tier "10k-100k"`));
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('checks one file within its directory and reports only that file', async () => {
    const dir = brokenCopy();
    expect((await zhidu('validate', join(dir, 'service-package.yaml'))).code).toBe(0);
    const r = await zhidu('validate', join(dir, 'classification.yaml'), '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, problems: [{ code: 'TIER_GAP', line: 44, column: 10, kind: 'classification', path: '/tiers/100k-500k/min' }] });
  });

  it('checks a branch override against the rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhidu-override-'));
    writeFileSync(join(dir, 'ok.yaml'), 'classification: {turnoverThreshold: 2.5}\n');
    writeFileSync(join(dir, 'bad.yaml'), 'classification:\n  turnoverThreshold: 9\n');
    expect((await zhidu('validate', '--override', join(dir, 'ok.yaml'), '--rules', RULES_DIR)).code).toBe(0);
    const r = await zhidu('validate', '--override', join(dir, 'bad.yaml'), '--rules', RULES_DIR);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'bad.yaml')}:2:22 OVERRIDE_OUT_OF_BOUNDS`);
  });

  it('reports a path that cannot be read as FILE_UNREADABLE', async () => {
    const r = await zhidu('validate', '/nonexistent/policy.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('/nonexistent/policy.yaml:1:1 FILE_UNREADABLE Cannot read /nonexistent/policy.yaml: no such file or directory.\n');
  });

  it('exits 2 on usage errors', async () => {
    expect((await zhidu('validate', '--format', 'xml')).code).toBe(2);
    expect((await zhidu('no-such-command')).code).toBe(2);
  });

  it('works as the installed bin, run by node from the project root', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, [join(ROOT, 'bin/zhidu.js'), 'validate', 'rules/'], { cwd: ROOT });
    expect(ok.stdout).toBe('');
    const bad = await run(process.execPath, [join(ROOT, 'bin/zhidu.js'), 'validate', brokenCopy()], { cwd: ROOT }).catch((e: { code: number; stdout: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
  });
});
