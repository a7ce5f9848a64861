import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyTexts } from '../../src/policy/policy-set.ts';
import { RULES_DIR } from '../helpers/policy-sets.ts';

const classification = readFileSync(join(RULES_DIR, 'classification.yaml'), 'utf8');
const packages = readFileSync(join(RULES_DIR, 'service-package.yaml'), 'utf8');

describe('loadPolicyTexts', () => {
  it('names every missing kind of a complete set', () => {
    const r = loadPolicyTexts([{ file: 'c.yaml', text: classification }], { complete: true, setLabel: 'set' });
    const missing = r.diagnostics.filter((d) => d.code === 'KIND_MISSING').map((d) => d.message);
    expect(missing).toHaveLength(10);
    expect(missing).toContain('The policy set has no "service-package" document.');
    expect(r.valid).toBe(false);
  });

  it('refuses a kind given twice, at the second file', () => {
    const r = loadPolicyTexts([{ file: 'a.yaml', text: classification }, { file: 'b.yaml', text: classification }, { file: 'p.yaml', text: packages }]);
    expect(r.diagnostics).toMatchObject([{ file: 'b.yaml', code: 'KIND_DUPLICATE', line: 5, column: 7 }]);
  });

  it('reports every problem at once, sorted by file and position', () => {
    const broken = classification
      .replace('turnoverThreshold: 3', 'turnoverThreshold: -3')
      .replace('    min: 100000\n', '    min: 100001\n')
      .replace('classes: { high: E, low: F }', 'classes: { high: E, low: Q }');
    const r = loadPolicyTexts([{ file: 'z.yaml', text: packages }, { file: 'c.yaml', text: broken }]);
    const seen = r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);
    expect(seen).toEqual(['c.yaml:11:20 SCHEMA_VIOLATION']);
    // Semantic checks run once the schema passes; then all semantic problems come together.
    const semantic = loadPolicyTexts([{ file: 'z.yaml', text: packages }, { file: 'c.yaml', text: broken.replace('turnoverThreshold: -3', 'turnoverThreshold: 3') }]);
    expect(semantic.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([
      'c.yaml:27:3 CLASS_UNREACHABLE',
      'c.yaml:41:30 CLASS_UNDECLARED',
      'c.yaml:44:10 TIER_GAP',
    ]);
  });
});
