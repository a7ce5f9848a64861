// The fixture corpus: one broken file per diagnostic code under test/fixtures/diagnostics/.
// Each file says, in leading comments, which kind of rules/ it replaces (`# replaces: KIND`;
// without it the file is checked alone) and every problem it must produce, exactly:
// `# expect: CODE LINE:COLUMN`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/policy/diagnostics.ts';
import { loadPolicyTexts, policyFilesIn, readPolicyFiles } from '../../src/policy/policy-set.ts';
import { ROOT, RULES_DIR } from '../helpers/policy-sets.ts';

const FIXTURES = join(ROOT, 'test/fixtures/diagnostics');
/** Codes that no single file can produce; each has its own test (named beside it). */
const NOT_FROM_ONE_FILE: Record<string, string> = {
  FILE_TOO_LARGE: 'test/policy/yaml.test.ts generates a file over the limit',
  FILE_UNREADABLE: 'test/cli/validate.test.ts names a path that does not exist',
  KIND_MISSING: 'test/policy/policy-set.test.ts validates a set without one kind',
  KIND_DUPLICATE: 'test/policy/policy-set.test.ts validates a set with a kind twice',
  OVERRIDE_OUT_OF_BOUNDS: 'test/policy/override.test.ts',
  OVERRIDE_KIND_UNKNOWN: 'test/policy/override.test.ts',
  OVERRIDE_BASE_CHANGED: 'test/store/publish-plan.test.ts (head office changes a path an approved override sets)',
};

interface Fixture {
  name: string;
  bytes: Buffer;
  replaces?: string;
  expected: string[];
}

function readFixtures(): Fixture[] {
  return readdirSync(FIXTURES).filter((f) => /\.ya?ml$/.test(f)).sort().map((name) => {
    const bytes = readFileSync(join(FIXTURES, name));
    const header = bytes.toString('latin1').split('\n').filter((l) => l.startsWith('#'));
    const replaces = header.map((l) => /^# replaces: (\S+)/.exec(l)?.[1]).find(Boolean);
    const expected = header.map((l) => /^# expect: (\w+ \d+:\d+)/.exec(l)?.[1]).filter((x): x is string => Boolean(x));
    return { name, bytes, ...(replaces ? { replaces } : {}), expected };
  });
}

const fixtures = readFixtures();
const baseline = readPolicyFiles(policyFilesIn(RULES_DIR));

describe('diagnostic fixture corpus', () => {
  for (const fx of fixtures) {
    it(`${fx.name} reports exactly ${fx.expected.join(', ')}`, () => {
      expect(fx.expected.length, 'a fixture names what it must produce').toBeGreaterThan(0);
      const texts = fx.replaces
        ? [...baseline.filter((t) => !new RegExp(`^kind: ${fx.replaces}$`, 'm').test(Buffer.from(t.text).toString('utf8'))), { file: fx.name, text: fx.bytes }]
        : [{ file: fx.name, text: fx.bytes }];
      const result = loadPolicyTexts(texts, { complete: Boolean(fx.replaces) });
      const found = result.diagnostics.map((d) => `${d.file === fx.name ? '' : d.file + ' '}${d.code} ${d.line}:${d.column}`);
      expect(found).toEqual(fx.expected);
      expect(result.valid).toBe(false);
    });
  }

  it('has a fixture for every diagnostic code a single file can produce', () => {
    const covered = new Set(fixtures.flatMap((f) => f.expected.map((e) => e.split(' ')[0])));
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((c) => !covered.has(c) && !(c in NOT_FROM_ONE_FILE));
    expect(missing).toEqual([]);
  });
});
