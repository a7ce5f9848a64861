// Head office's bounds on branch overrides, written in each policy document under `overrides`.
// A change a branch makes is allowed only where a bound names its path, and only within it;
// everything else is fixed. Nothing about bounds is known to the code beyond these shapes.
import type { DiagnosticParams, ParamValue, Problem } from './diagnostics.ts';
import type { Change } from './diff.ts';
import { childPointer, expandPattern, getAt, matchesPattern, splitPointer } from './pointer.ts';

export interface Bound {
  /** JSON Pointer into the kind's document; `*` matches any one key. */
  path: string;
  /** Head office's name for what the bound governs. */
  label?: { zh: string; en: string };
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
      return [{ path: `${at}/path`, code: 'BOUND_INVALID', message: `"${bound.path}" cannot be made adjustable.`, params: { reason: 'reserved', bound: bound.path } }];
    }
    const targets = expandPattern(doc, bound.path);
    if (targets.length === 0) {
      return [{ path: `${at}/path`, code: 'BOUND_PATH_UNKNOWN', message: `No value at "${bound.path}" in this document.`, params: { reason: 'noValue', bound: bound.path } }];
    }
    const problems: Problem[] = [];
    const numeric = bound.relative !== undefined || bound.min !== undefined || bound.max !== undefined || bound.direction !== undefined;
    if (numeric) {
      const bad = targets.find((t) => typeof getAt(doc, t) !== 'number');
      if (bad) problems.push({ path: `${at}/path`, code: 'BOUND_INVALID', message: `A numeric bound governs "${bad}", which is not a number.`, params: { reason: 'notNumber', bound: bound.path, target: bad } });
    }
    if (bound.subset) {
      const bad = targets.find((t) => !Array.isArray(getAt(doc, t)));
      if (bad) problems.push({ path: `${at}/subset`, code: 'BOUND_INVALID', message: `"subset" governs "${bad}", which is not a list.`, params: { reason: 'notList', bound: bound.path, target: bad } });
    }
    if (bound.notBelow !== undefined) {
      const order = safeGet(doc, bound.notBelow);
      if (order === null || typeof order !== 'object') {
        problems.push({ path: `${at}/notBelow`, code: 'BOUND_PATH_UNKNOWN', message: `No ordered list or map at "${bound.notBelow}".`, params: { reason: 'noOrder', bound: bound.path, order: bound.notBelow } });
      } else {
        const keys = orderKeys(order);
        const bad = targets.find((t) => !keys.includes(String(getAt(doc, t))));
        if (bad) problems.push({ path: `${at}/path`, code: 'BOUND_INVALID', message: `"${bad}" is not one of the keys of "${bound.notBelow}".`, params: { reason: 'notAKey', bound: bound.path, target: bad, order: bound.notBelow, known: keys } });
      }
    }
    if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
      problems.push({ path: `${at}/min`, code: 'BOUND_INVALID', message: `min ${bound.min} is above max ${bound.max}.`, params: { reason: 'minAboveMax', bound: bound.path, min: bound.min, max: bound.max } });
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

/**
 * Digits after the decimal point in the shortest text of `x` (2.8 → 1, 1e-7 → 7), so that
 * arithmetic on policy values can be rounded back to the precision they were written in.
 */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x)) return 0;
  const [mantissa = '', exponent = '0'] = String(x).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** `x` rounded to `places` decimals (at most 15, beyond which doubles hold no more digits). */
export function roundTo(x: number, places: number): number {
  return Number(x.toFixed(Math.min(15, places)));
}

/**
 * The range base × (1 ± relative), rounded to the precision of the two numbers: relative 0.5 of
 * 2.8 is [1.4, 4.2], not [1.4, 4.199999999999999], so 4.2 itself is within it.
 */
export function relativeRange(base: number, relative: number): { low: number; high: number } {
  const places = decimalsOf(base) + decimalsOf(relative);
  const spread = Math.abs(base) * relative;
  return { low: roundTo(base - spread, places), high: roundTo(base + spread, places) };
}

function describeBound(b: Bound): string {
  const parts: string[] = [];
  if (b.relative !== undefined) parts.push(`within ±${roundTo(b.relative * 100, Math.max(0, decimalsOf(b.relative) - 2))}% of head office's value`);
  if (b.min !== undefined) parts.push(`at least ${b.min}`);
  if (b.max !== undefined) parts.push(`at most ${b.max}`);
  if (b.direction) parts.push(b.direction === 'up' ? 'only raised' : 'only lowered');
  if (b.subset) parts.push('only entries removed (stricter only)');
  if (b.notBelow !== undefined) parts.push(`only moved later in ${b.notBelow} (stricter only)`);
  return parts.join(', ') || 'no change';
}

/** Why a change is not allowed: the English words, and the same as data (`reason` and its numbers). */
interface Violation {
  message: string;
  params: DiagnosticParams;
}

const json = (v: unknown): ParamValue => (v === undefined ? null : JSON.parse(JSON.stringify(v)) as ParamValue);

/** Is one change of an override within head office's bounds? Returns why not, or undefined. */
function violation(change: Change, bound: Bound, base: unknown): Violation | undefined {
  const { before, after } = change;
  const no = (reason: string, message: string, facts: DiagnosticParams = {}): Violation => ({ message, params: { reason, ...facts } });
  if (change.op !== 'change') return change.op === 'add' ? no('added', 'adds a value; only changing it is allowed') : no('removed', 'removes a value; only changing it is allowed');
  if (bound.relative !== undefined || bound.min !== undefined || bound.max !== undefined || bound.direction !== undefined) {
    if (typeof before !== 'number' || typeof after !== 'number') return no('notNumber', 'must stay a number', { value: json(after) });
    if (bound.relative !== undefined) {
      const { low, high } = relativeRange(before, bound.relative);
      if (after < low || after > high) {
        return no('relative', `${after} is outside [${low}, ${high}] (${describeBound(bound)})`, { value: after, base: before, relative: bound.relative, low, high });
      }
    }
    if (bound.min !== undefined && after < bound.min) return no('min', `${after} is below ${bound.min}`, { value: after, limit: bound.min });
    if (bound.max !== undefined && after > bound.max) return no('max', `${after} is above ${bound.max}`, { value: after, limit: bound.max });
    if (bound.direction === 'up' && after < before) return no('up', `${after} is lower than head office's ${before}; it may only be raised`, { value: after, base: before });
    if (bound.direction === 'down' && after > before) return no('down', `${after} is higher than head office's ${before}; it may only be lowered`, { value: after, base: before });
  }
  if (bound.subset) {
    if (!Array.isArray(before) || !Array.isArray(after)) return no('notList', 'must stay a list', { value: json(after) });
    const extra = after.filter((v) => !before.some((b) => JSON.stringify(b) === JSON.stringify(v)));
    if (extra.length > 0) return no('subset', `adds ${extra.map((v) => JSON.stringify(v)).join(', ')}; a branch may only remove entries`, { added: json(extra) });
  }
  if (bound.notBelow !== undefined) {
    const order = getAt(base, bound.notBelow);
    const keys = order && typeof order === 'object' ? orderKeys(order) : [];
    const from = keys.indexOf(String(before));
    const to = keys.indexOf(String(after));
    if (to < 0) return no('notAKey', `"${String(after)}" is not one of ${keys.join(', ')}`, { value: String(after), known: keys });
    if (to < from) return no('lessStrict', `"${String(after)}" is less strict than head office's "${String(before)}"`, { value: String(after), base: String(before), known: keys });
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
      return [{
        path, code: 'OVERRIDE_OUT_OF_BOUNDS', message: `${kind}${change.path} is fixed by head office; a branch may adjust: ${adjustable}.`,
        params: { reason: 'fixed', adjustable: bounds.map((b) => ({ path: b.path, ...(b.label ? { label: b.label } : {}) })) },
      }];
    }
    return governing.flatMap((b): Problem[] => {
      const why = violation(change, b, base);
      return why ? [{ path, code: 'OVERRIDE_OUT_OF_BOUNDS', message: `${kind}${change.path}: ${why.message} (bound at ${b.path}: ${describeBound(b)}).`, params: { ...why.params, bound: json(b) } }] : [];
    });
  });
}
