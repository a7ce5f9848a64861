// Head office's bounds on branch overrides, written in each policy document under `overrides`.
// A change a branch makes is allowed only where a bound names its path, and only within it;
// everything else is fixed. Nothing about bounds is known to the code beyond these shapes.
import type { Problem } from './diagnostics.ts';
import type { Change } from './diff.ts';
import { childPointer, expandPattern, getAt, matchesPattern, splitPointer } from './pointer.ts';

export interface Bound {
  /** JSON Pointer into the kind's document; `*` matches any one key. */
  path: string;
  /** The value stays within base × (1 ± relative). */
  relative?: number;
  /** Absolute limits. */
  min?: number;
  max?: number;
  /** Numbers may only move this way from head office's value. */
  direction?: 'up' | 'down';
  /** A list may only lose entries (stricter only). */
  subset?: boolean;
  /** The value names a key of the ordered map at this pointer and may only move to a later (stricter) key. */
  notBelow?: string;
}

const RESERVED_ROOTS = new Set(['kind', 'schemaVersion', 'overrides', 'tests']);

export function boundsOf(doc: unknown): Bound[] {
  const list = (doc as { overrides?: unknown })?.overrides;
  return Array.isArray(list) ? (list as Bound[]) : [];
}

/** Problems with the bounds themselves (checked when head office's document is validated). */
export function boundProblems(doc: unknown): Problem[] {
  return boundsOf(doc).flatMap((bound, i): Problem[] => {
    const at = childPointer('/overrides', i);
    let root: string | undefined;
    try { root = splitPointer(bound.path)[0]; } catch { root = undefined; }
    if (root === undefined || RESERVED_ROOTS.has(root)) {
      return [{ path: `${at}/path`, code: 'BOUND_INVALID', message: `"${bound.path}" cannot be made adjustable.` }];
    }
    const targets = expandPattern(doc, bound.path);
    if (targets.length === 0) {
      return [{ path: `${at}/path`, code: 'BOUND_PATH_UNKNOWN', message: `No value at "${bound.path}" in this document.` }];
    }
    const problems: Problem[] = [];
    const numeric = bound.relative !== undefined || bound.min !== undefined || bound.max !== undefined || bound.direction !== undefined;
    if (numeric) {
      const bad = targets.find((t) => typeof getAt(doc, t) !== 'number');
      if (bad) problems.push({ path: `${at}/path`, code: 'BOUND_INVALID', message: `A numeric bound governs "${bad}", which is not a number.` });
    }
    if (bound.subset) {
      const bad = targets.find((t) => !Array.isArray(getAt(doc, t)));
      if (bad) problems.push({ path: `${at}/subset`, code: 'BOUND_INVALID', message: `"subset" governs "${bad}", which is not a list.` });
    }
    if (bound.notBelow !== undefined) {
      const order = safeGet(doc, bound.notBelow);
      if (order === null || typeof order !== 'object') {
        problems.push({ path: `${at}/notBelow`, code: 'BOUND_PATH_UNKNOWN', message: `No ordered list or map at "${bound.notBelow}".` });
      } else {
        const keys = orderKeys(order);
        const bad = targets.find((t) => !keys.includes(String(getAt(doc, t))));
        if (bad) problems.push({ path: `${at}/path`, code: 'BOUND_INVALID', message: `"${bad}" is not one of the keys of "${bound.notBelow}".` });
      }
    }
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      problems.push({ path: `${at}/min`, code: 'BOUND_INVALID', message: `min ${bound.min} is above max ${bound.max}.` });
    }
    return problems;
  });
}

function safeGet(doc: unknown, pointer: string): unknown {
  try { return getAt(doc, pointer); } catch { return undefined; }
}

function orderKeys(order: object): string[] {
  return Array.isArray(order) ? order.map(String) : Object.keys(order);
}

function describeBound(b: Bound): string {
  const parts: string[] = [];
  if (b.relative !== undefined) parts.push(`within ±${Math.round(b.relative * 1000) / 10}% of head office's value`);
  if (b.min !== undefined) parts.push(`at least ${b.min}`);
  if (b.max !== undefined) parts.push(`at most ${b.max}`);
  if (b.direction) parts.push(b.direction === 'up' ? 'only raised' : 'only lowered');
  if (b.subset) parts.push('only entries removed (stricter only)');
  if (b.notBelow !== undefined) parts.push(`only moved later in ${b.notBelow} (stricter only)`);
  return parts.join(', ') || 'no change';
}

/** Is one change of an override within head office's bounds? Returns why not, or undefined. */
function violation(change: Change, bound: Bound, base: unknown): string | undefined {
  const { before, after } = change;
  if (change.op !== 'change') return `${change.op === 'add' ? 'adds' : 'removes'} a value; only changing it is allowed`;
  if (bound.relative !== undefined || bound.min !== undefined || bound.max !== undefined || bound.direction !== undefined) {
    if (typeof before !== 'number' || typeof after !== 'number') return 'must stay a number';
    if (bound.relative !== undefined) {
      const lo = before - Math.abs(before) * bound.relative;
      const hi = before + Math.abs(before) * bound.relative;
      if (after < lo || after > hi) return `${after} is outside [${lo}, ${hi}] (${describeBound(bound)})`;
    }
    if (bound.min !== undefined && after < bound.min) return `${after} is below ${bound.min}`;
    if (bound.max !== undefined && after > bound.max) return `${after} is above ${bound.max}`;
    if (bound.direction === 'up' && after < before) return `${after} is lower than head office's ${before}; it may only be raised`;
    if (bound.direction === 'down' && after > before) return `${after} is higher than head office's ${before}; it may only be lowered`;
  }
  if (bound.subset) {
    if (!Array.isArray(before) || !Array.isArray(after)) return 'must stay a list';
    const extra = after.filter((v) => !before.some((b) => JSON.stringify(b) === JSON.stringify(v)));
    if (extra.length > 0) return `adds ${extra.map((v) => JSON.stringify(v)).join(', ')}; a branch may only remove entries`;
  }
  if (bound.notBelow !== undefined) {
    const order = getAt(base, bound.notBelow);
    const keys = order && typeof order === 'object' ? orderKeys(order) : [];
    const from = keys.indexOf(String(before));
    const to = keys.indexOf(String(after));
    if (to < 0) return `"${String(after)}" is not one of ${keys.join(', ')}`;
    if (to < from) return `"${String(after)}" is less strict than head office's "${String(before)}"`;
  }
  return undefined;
}

/**
 * Check every change between head office's document and the branch's effective one.
 * Problem paths point into the override (`/<kind>/…`), so they land on the branch's own lines.
 */
export function checkOverrideBounds(kind: string, base: unknown, changes: readonly Change[]): Problem[] {
  const bounds = boundsOf(base);
  return changes.flatMap((change): Problem[] => {
    const path = `/${kind}${change.path}`;
    const governing = bounds.filter((b) => matchesPattern(b.path, change.path));
    if (governing.length === 0) {
      const adjustable = bounds.map((b) => b.path).join(', ') || 'nothing';
      return [{ path, code: 'OVERRIDE_OUT_OF_BOUNDS', message: `${kind}${change.path} is fixed by head office; a branch may adjust: ${adjustable}.` }];
    }
    return governing.flatMap((b): Problem[] => {
      const why = violation(change, b, base);
      return why ? [{ path, code: 'OVERRIDE_OUT_OF_BOUNDS', message: `${kind}${change.path}: ${why} (bound at ${b.path}: ${describeBound(b)}).` }] : [];
    });
  });
}
