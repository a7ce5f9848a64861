// The schemas feed the server's validation and the editors' completion and hover docs, so every
// property must say what it is in Chinese and in English; and every rule file names its schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchemaFiles, SCHEMAS_DIR } from '../src/policy/schema.ts';
import { ROOT, shippedPolicySets } from './helpers/policy-sets.ts';

type Node = Record<string, unknown>;

/** Every property schema under `properties`, `additionalProperties`, `$defs`, `items`, combinators. */
function undescribed(node: unknown, path: string, out: string[]): string[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Node;
  for (const [key, child] of Object.entries((n.properties ?? {}) as Node)) {
    // `true` marks a property a oneOf/anyOf branch requires; its definition stands elsewhere.
    if (child === true) continue;
    const c = child as Node;
    const described = typeof c.description === 'string' || typeof c.$ref === 'string' || typeof c.title === 'string';
    if (!described) out.push(`${path}/properties/${key}`);
    else if (typeof c.description === 'string' && !(/[\u4e00-\u9fff]/.test(c.description) && /[A-Za-z]{3}/.test(c.description))) {
      out.push(`${path}/properties/${key} (needs Chinese and English)`);
    }
    undescribed(child, `${path}/properties/${key}`, out);
  }
  for (const key of ['additionalProperties', 'items', 'not']) if (n[key] && typeof n[key] === 'object') undescribed(n[key], `${path}/${key}`, out);
  for (const key of ['$defs', 'patternProperties']) for (const [k, child] of Object.entries((n[key] ?? {}) as Node)) undescribed(child, `${path}/${key}/${k}`, out);
  for (const key of ['oneOf', 'anyOf', 'allOf']) ((n[key] ?? []) as unknown[]).forEach((child, i) => undescribed(child, `${path}/${key}/${i}`, out));
  return out;
}

describe('schemas', () => {
  const schemas = loadSchemaFiles();

  it('has a schema per kind, per decision input, for overrides and common definitions', () => {
    expect([...schemas.keys()]).toEqual(expect.arrayContaining(['common.schema.json', 'override.schema.json', 'classification.schema.json', 'decisions/client-profile.input.schema.json']));
    expect(schemas.size).toBeGreaterThanOrEqual(25);
  });

  it.each([...loadSchemaFiles().keys()])('%s describes every property in Chinese and English', (id) => {
    const schema = schemas.get(id)!;
    expect(typeof schema.description === 'string' || typeof schema.title === 'string').toBe(true);
    expect(undescribed(schema, '', [])).toEqual([]);
  });

  it('every rule file starts with the yaml-language-server line naming its own kind\'s schema', () => {
    for (const dir of shippedPolicySets()) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        const text = readFileSync(join(dir, file), 'utf8');
        const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
        expect(m, `${relative(ROOT, join(dir, file))} names its schema`).not.toBeNull();
        const target = resolve(dir, m![1]!);
        const kind = /^kind: (\S+)$/m.exec(text)![1];
        expect(relative(SCHEMAS_DIR, target)).toBe(`${kind}.schema.json`);
      }
    }
  });
});
