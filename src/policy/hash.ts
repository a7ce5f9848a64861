// The identity of a policy set: sha256 over its documents in canonical JSON (keys sorted,
// no whitespace), so that the same policy has the same hash whatever its YAML formatting.
import { createHash } from 'node:crypto';
import type { PolicySet } from './policy-set.ts';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function policySetHash(set: PolicySet): string {
  const docs = Object.fromEntries([...set.documents].map(([kind, d]) => [kind, d.value]));
  return 'sha256:' + createHash('sha256').update(canonicalJson(docs)).digest('hex');
}
