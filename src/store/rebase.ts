// Moving a branch override from the revision it was written against onto a newer one. It is
// safe only when head office changed none of the paths the override touches; otherwise the
// branch must look again (PROPOSAL_STALE).
import { diffDocuments } from '../policy/diff.ts';
import { childPointer } from '../policy/pointer.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import { parsePolicyYaml } from '../policy/yaml.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every leaf pointer an override writes (`/classification/turnoverThreshold`). */
export function touchedPaths(overrideYaml: string): string[] {
  const parsed = parsePolicyYaml(overrideYaml);
  const paths: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (isObject(node) && Object.keys(node).length > 0) {
      for (const [k, v] of Object.entries(node)) walk(v, childPointer(at, k));
    } else {
      paths.push(at);
    }
  };
  if (isObject(parsed.value)) walk(parsed.value, '');
  return paths;
}

/** Every pointer head office changed from one set to the other, prefixed with the kind. */
export function headOfficeChanges(from: PolicySet, to: PolicySet): string[] {
  const kinds = new Set([...from.documents.keys(), ...to.documents.keys()]);
  return [...kinds].flatMap((kind) =>
    diffDocuments(from.documents.get(kind)?.value, to.documents.get(kind)?.value).map((c) => `/${kind}${c.path}`));
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** The override's paths that head office changed between the two sets (empty = rebase is safe). */
export function conflictingPaths(overrideYaml: string, from: PolicySet, to: PolicySet): string[] {
  const changed = headOfficeChanges(from, to);
  return touchedPaths(overrideYaml).filter((p) => changed.some((c) => overlaps(p, c)));
}
