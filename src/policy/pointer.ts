// JSON Pointer (RFC 6901) helpers: the one way paths travel between ajv, checks, overrides and positions.

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON Pointer: ${pointer}`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function childPointer(parent: string, ...segments: (string | number)[]): string {
  return parent + joinPointer(segments);
}

/** The value at `pointer`, or undefined when any step is missing. */
export function getAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const seg of splitPointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/**
 * Does a concrete pointer match a pattern whose segments may be `*` (any one segment)?
 * `/tiers/*\/min` matches `/tiers/t1/min`.
 */
export function matchesPattern(pattern: string, pointer: string): boolean {
  const p = splitPointer(pattern);
  const c = splitPointer(pointer);
  if (p.length !== c.length) return false;
  return p.every((seg, i) => seg === '*' || seg === c[i]);
}

/** Every concrete pointer in `doc` that a pattern with `*` wildcards matches. */
export function expandPattern(doc: unknown, pattern: string): string[] {
  let frontier: { ptr: string; node: unknown }[] = [{ ptr: '', node: doc }];
  for (const seg of splitPointer(pattern)) {
    const next: typeof frontier = [];
    for (const { ptr, node } of frontier) {
      if (node === null || typeof node !== 'object') continue;
      const keys = seg === '*' ? Object.keys(node) : Object.prototype.hasOwnProperty.call(node, seg) ? [seg] : [];
      for (const k of keys) next.push({ ptr: childPointer(ptr, k), node: (node as Record<string, unknown>)[k] });
    }
    frontier = next;
  }
  return frontier.map((f) => f.ptr);
}
