// The policy sets the project ships: rules/ and every rules/examples/* set.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_DIR = join(ROOT, 'rules');

export function shippedPolicySets(): string[] {
  const examples = join(RULES_DIR, 'examples');
  const sets = readdirSync(examples, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(examples, e.name));
  return [RULES_DIR, ...sets];
}

/** The frozen clock policy test cases run at, unless a case gives its own `at`. */
export const FROZEN_NOW = new Date('2026-06-30T02:00:00Z');
