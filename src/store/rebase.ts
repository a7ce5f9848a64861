// Moving a branch override from the revision it was written against onto a newer one. It is
// safe only when head office changed none of the paths the override touches; otherwise the
// branch must look again (PROPOSAL_STALE; an approved override is suspended meanwhile).
import type { Diagnostic } from '../policy/diagnostics.ts';
import { diffDocuments } from '../policy/diff.ts';
import { applyOverride } from '../policy/override.ts';
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

/** Whether an override written against one set applies to another, and why not. */
export type OverrideFit =
  | { readonly status: 'applied'; readonly set: PolicySet }
  | { readonly status: 'suspended'; readonly problems: readonly Diagnostic[] };

/**
 * An override (or proposal) written against `baseRevision` on `target`: suspended where head
 * office changed a path it sets (OVERRIDE_BASE_CHANGED, positioned in the override), or where
 * it no longer fits the bounds or leaves the set incoherent. `targetRevision` names the target
 * in messages; none means the revision about to be published.
 */
export function overrideFit(overrideYaml: string, baseRevision: number, base: PolicySet, target: PolicySet, targetRevision?: number): OverrideFit {
  if (target !== base) {
    const conflicts = conflictingPaths(overrideYaml, base, target);
    if (conflicts.length > 0) {
      const source = parsePolicyYaml(overrideYaml).source;
      const where = targetRevision === undefined ? 'in this publish' : `in revision ${targetRevision}`;
      return {
        status: 'suspended',
        problems: conflicts.map((path) => ({
          file: 'override', path, line: source.locate(path).line, column: source.locate(path).column, code: 'OVERRIDE_BASE_CHANGED' as const, severity: 'error' as const,
          message: `Head office changed ${path} ${where}; the override was written against revision ${baseRevision}.`,
          params: { baseRevision, ...(targetRevision === undefined ? {} : { revision: targetRevision }) },
        })),
      };
    }
  }
  const result = applyOverride(target, overrideYaml, 'override');
  return result.valid ? { status: 'applied', set: result.effective } : { status: 'suspended', problems: result.diagnostics };
}
