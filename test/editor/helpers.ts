// Fixtures for the editor's pure modules: the real schemas and policy documents, read from
// disk the way the editor gets them bundled and from the server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { indexSchemas, type JsonSchema } from '../../editor/src/lib/schema-ref.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

/** Every schema under schemas/, by `$id`, as `import.meta.glob` gives them to the editor. */
export function bundledSchemas(): Record<string, JsonSchema> {
  return indexSchemas(Object.fromEntries(jsonFiles(join(ROOT, 'schemas')).map((f) => [f, JSON.parse(readFileSync(f, 'utf8')) as unknown])));
}

/** rules/<kind>.yaml texts by kind, as a revision's `documents`. */
export function ruleTexts(dir = join(ROOT, 'rules')): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((n) => n.endsWith('.yaml')).map((n) => [n.replace(/\.yaml$/, ''), readFileSync(join(dir, n), 'utf8')]));
}

export function ruleDocs(dir?: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ruleTexts(dir)).map(([k, t]) => [k, parse(t) as unknown]));
}
