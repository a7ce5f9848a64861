// Shaping differences for people: a proposal's path-by-path changes named by head office's own
// bound labels and the labels of the ids along the path ("资产档次上限 · 100万—500万"), and which
// kinds differ between two revisions.
import { idLabels, localise, type Label, type Lang } from './labels.ts';

export interface ChangeRow {
  kind: string;
  /** JSON Pointer inside the kind's document. */
  path: string;
  op: 'add' | 'remove' | 'change';
  before?: unknown;
  after?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const OPS = new Set(['add', 'remove', 'change', 'replace']);

function row(kind: string | undefined, c: Record<string, unknown>): ChangeRow[] {
  if (typeof c.path !== 'string') return [];
  let path = c.path;
  let k = typeof c.kind === 'string' ? c.kind : kind;
  if (k === undefined) {
    // "/classification/turnoverThreshold": the kind is the first segment.
    const [, first, ...rest] = path.split('/');
    if (!first) return [];
    k = first;
    path = rest.length > 0 ? '/' + rest.join('/') : '';
  }
  const op = typeof c.op === 'string' && OPS.has(c.op) ? (c.op === 'replace' ? 'change' : c.op) as ChangeRow['op'] : 'change';
  return [{
    kind: k, path, op,
    ...(c.before !== undefined && c.before !== null ? { before: c.before } : {}),
    ...(c.after !== undefined && c.after !== null ? { after: c.after } : {}),
  }];
}

/**
 * Reads a proposal's diff in either shape the server may give: a list of changes whose paths
 * start with the kind, or a map kind → list of changes (or `{changes: …}` around either).
 */
export function changeRows(diff: unknown): ChangeRow[] {
  if (isRecord(diff) && 'changes' in diff) return changeRows(diff.changes);
  if (Array.isArray(diff)) return diff.flatMap((c) => (isRecord(c) ? row(undefined, c) : []));
  if (isRecord(diff)) {
    return Object.entries(diff).flatMap(([kind, list]) => (Array.isArray(list) ? list.flatMap((c) => (isRecord(c) ? row(kind, c) : [])) : []));
  }
  return [];
}

/** An override's own values as change rows (the "after" side only), leaves in document order. */
export function patchRows(patch: Readonly<Record<string, unknown>>): ChangeRow[] {
  const flat = (node: unknown, path: string): { path: string; after: unknown }[] =>
    isRecord(node) && Object.keys(node).length > 0 ? Object.entries(node).flatMap(([k, v]) => flat(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)) : [{ path, after: node }];
  return Object.entries(patch).flatMap(([kind, part]) => flat(part, '').map((c) => ({
    kind, path: c.path, op: c.after === null ? 'remove' as const : 'change' as const, ...(c.after !== null ? { after: c.after } : {}),
  })));
}

/** Does a bound's path pattern (with `*` for any one key) match a concrete pointer? */
export function boundMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const q = path.split('/');
  return p.length === q.length && p.every((seg, i) => seg === '*' || seg === q[i]);
}

/** Head office's label for the bound governing a path, and the labels of the ids in it. */
export function describePath(kindDoc: unknown, path: string, lang: Lang): string {
  const bounds = isRecord(kindDoc) && Array.isArray(kindDoc.overrides) ? kindDoc.overrides : [];
  const bound = bounds.find((b): b is { path: string; label?: Label } => isRecord(b) && typeof b.path === 'string' && boundMatches(b.path, path));
  const ids = idLabels(kindDoc);
  const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const named = segments.filter((s, i) => bound?.path.split('/')[i + 1] === '*' && ids.has(s)).map((s) => localise(ids.get(s), lang, s));
  const head = bound?.label ? localise(bound.label, lang) : path;
  return named.length > 0 ? `${head} · ${named.join(' · ')}` : head;
}

/** The value at a JSON Pointer inside a document, undefined where there is none. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = /^\d+$/.test(key) ? node[Number(key)] : undefined;
    else if (isRecord(node)) node = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    else return undefined;
  }
  return node;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return value.toLocaleString('zh-CN', { maximumFractionDigits: 6 });
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Kinds whose text differs between two revisions, in the order of the first. */
export function changedKinds(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  const kinds = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
  return kinds.filter((k) => a[k] !== b[k]);
}

/** Relative change of a number, for "−16.7%" beside a threshold move. */
export function relativeChange(before: unknown, after: unknown): number | undefined {
  if (typeof before !== 'number' || typeof after !== 'number' || before === 0) return undefined;
  return (after - before) / Math.abs(before);
}
