import { describe, expect, it } from 'vitest';
import { decodePolicyBytes, MAX_POLICY_BYTES, parsePolicyYaml } from '../../src/policy/yaml.ts';

describe('parsePolicyYaml', () => {
  it('locates values, keys and missing nodes by JSON Pointer', () => {
    const { value, source, problems } = parsePolicyYaml('a: 1\nb:\n  c: [10, 20]\n  d: x\n');
    expect(problems).toEqual([]);
    expect(value).toEqual({ a: 1, b: { c: [10, 20], d: 'x' } });
    expect(source.locate('/b/c/1')).toEqual({ line: 3, column: 11 });
    expect(source.locate('/b/d')).toEqual({ line: 4, column: 6 });
    expect(source.locate('/b/d', true)).toEqual({ line: 4, column: 3 });
    // A missing node falls back to its nearest existing ancestor's key.
    expect(source.locate('/b/nope')).toEqual({ line: 2, column: 1 });
  });

  it('rejects duplicate keys at the second occurrence', () => {
    const { problems, value } = parsePolicyYaml('kind: vip\ntitle: x\nkind: vip\n');
    expect(value).toBeUndefined();
    expect(problems).toMatchObject([{ code: 'YAML_DUPLICATE_KEY', line: 3, column: 1 }]);
  });

  it('stops an alias bomb quickly with a clear error instead of expanding it', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + prev).join(', ')}]`);
    }
    const started = performance.now();
    const { problems } = parsePolicyYaml(levels.join('\n') + '\n');
    expect(problems).toMatchObject([{ code: 'YAML_ALIAS_LIMIT', line: 2 }]);
    // 9^12 nodes would never finish; being bounded means returning at all. Generous ceiling for a shared machine.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses prototype keys and leaves Object.prototype untouched', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const { problems, value } = parsePolicyYaml(`kind: vip\nnested:\n  ${key}: { polluted: true }\n`);
      expect(value).toBeUndefined();
      expect(problems).toMatchObject([{ code: 'YAML_FORBIDDEN_KEY', line: 3, column: 3 }]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports every line indented with a tab', () => {
    const { problems } = parsePolicyYaml('a:\n\tb: 1\nc:\n  \td: 2\n');
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['YAML_TAB_INDENT', 2, 1],
      ['YAML_TAB_INDENT', 4, 3],
    ]);
  });
});

describe('decodePolicyBytes', () => {
  it('refuses a file over the size limit', () => {
    const big = new Uint8Array(MAX_POLICY_BYTES + 1).fill(0x20);
    expect(decodePolicyBytes(big).problems).toMatchObject([{ code: 'FILE_TOO_LARGE', line: 1, column: 1 }]);
  });

  it('points at the first invalid UTF-8 byte by line and character column', () => {
    const bytes = Buffer.concat([Buffer.from('kind: vip\ntitle: 贵'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    expect(decodePolicyBytes(bytes).problems).toMatchObject([{ code: 'INVALID_UTF8', line: 2, column: 9 }]);
  });

  it('accepts valid UTF-8 with a byte-order mark and strips the mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kind: 客户\n')]);
    expect(decodePolicyBytes(bytes)).toEqual({ text: 'kind: 客户\n', problems: [] });
  });

  it('rejects overlong encodings and surrogates', () => {
    expect(decodePolicyBytes(Buffer.from([0x61, 0xc0, 0xaf])).problems[0]?.code).toBe('INVALID_UTF8');
    expect(decodePolicyBytes(Buffer.from([0xed, 0xa0, 0x80])).problems[0]?.code).toBe('INVALID_UTF8');
  });
});
