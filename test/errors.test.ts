import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ZhiduError } from '../src/errors.ts';
import { DIAGNOSTIC_CODES } from '../src/policy/diagnostics.ts';
import { ROOT } from './helpers/policy-sets.ts';

const docs = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
const section = (title: string) => docs.split(`## ${title}`)[1]!.split('\n## ')[0]!;
const codesIn = (text: string) => [...text.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);

describe('error catalogues against docs/errors.md', () => {
  it('lists every runtime error code with its status, and no other', () => {
    expect(codesIn(section('Errors'))).toEqual(Object.keys(ERROR_CODES));
    for (const [code, e] of Object.entries(ERROR_CODES)) expect(section('Errors')).toContain(`| \`${code}\` | ${e.status} |`);
  });

  it('lists every diagnostic code, and no other', () => {
    expect(codesIn(section('Policy diagnostics'))).toEqual(Object.keys(DIAGNOSTIC_CODES));
  });

  it('codes are UPPER_SNAKE and statuses are 4xx/5xx', () => {
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(DIAGNOSTIC_CODES)]) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    for (const e of Object.values(ERROR_CODES)) expect(e.status).toBeGreaterThanOrEqual(400);
  });

  it('errors serialise to the documented body shape', () => {
    expect(new ZhiduError('BAD_INPUT', 'x: bad', [{ field: '/x' }]).toJSON()).toEqual({ error: { code: 'BAD_INPUT', message: 'x: bad', details: [{ field: '/x' }] } });
    expect(new ZhiduError('NOT_FOUND').toJSON()).toEqual({ error: { code: 'NOT_FOUND', message: ERROR_CODES.NOT_FOUND.message } });
  });
});
