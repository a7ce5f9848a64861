// The schema the override editor completes and checks against as you type: the project's
// override schema, with every kind it leaves open narrowed to what head office's bounds let a
// branch change (each bound path, `*` expanded to the keys head office's document has), using
// the kind's own schema for each value so hover shows the same Chinese documentation.
// Whether a value is *within* its bound is the server's answer, shown as markers beside these.
import { splitDescription, splitTitle, type Lang } from './labels.ts';
import { deref, type JsonSchema } from './schema-ref.ts';

type Schemas = Readonly<Record<string, JsonSchema>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The schema of the child `key` of an object schema, resolved. */
function childSchema(schemas: Schemas, parent: JsonSchema, base: string, key: string): { schema: JsonSchema; base: string } | undefined {
  const props = isRecord(parent.properties) ? parent.properties : {};
  const raw = props[key] ?? (isRecord(parent.additionalProperties) ? parent.additionalProperties : undefined);
  return isRecord(raw) ? deref(schemas, { schema: raw as JsonSchema, base }) : undefined;
}

interface Node { schema: JsonSchema; base: string; value: unknown }

/** Adds one bound path under `out` (an object schema being built). */
function addPath(schemas: Schemas, out: JsonSchema, at: Node, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const keys = head === '*' ? (isRecord(at.value) ? Object.keys(at.value) : []) : [head];
  const props = (out.properties ??= {}) as Record<string, JsonSchema>;
  out.type = 'object';
  out.additionalProperties = false;
  for (const key of keys) {
    const child = childSchema(schemas, at.schema, at.base, key);
    if (!child) continue;
    const value = isRecord(at.value) ? at.value[key] : undefined;
    if (rest.length === 0) {
      props[key] = stripForLeaf(child.schema, child.base, schemas);
      continue;
    }
    const next = (props[key] ??= { ...(typeof child.schema.description === 'string' ? { description: child.schema.description } : {}) });
    addPath(schemas, next, { ...child, value }, rest);
  }
}

/** A leaf keeps its type, limits and description; its refs are resolved so the leaf stands alone. */
function stripForLeaf(schema: JsonSchema, base: string, schemas: Schemas): JsonSchema {
  return inline(schemas, schema, base, 0);
}

function inline(schemas: Schemas, schema: unknown, base: string, depth: number): JsonSchema {
  if (!isRecord(schema) || depth > 6) return {};
  const { schema: s, base: b } = deref(schemas, { schema: schema as JsonSchema, base });
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$id' || k === '$schema' || k === '$defs') continue;
    if (k === 'properties' && isRecord(v)) out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, inline(schemas, pv, b, depth + 1)]));
    else if ((k === 'items' || k === 'additionalProperties' || k === 'propertyNames') && isRecord(v)) out[k] = inline(schemas, v, b, depth + 1);
    else out[k] = v;
  }
  return out;
}

/** Kinds' base documents (parsed) and their schemas by kind → the override editor's schema. */
export function overrideSchemaFor(schemas: Schemas, baseDocs: Readonly<Record<string, unknown>>): JsonSchema {
  const root = schemas['override.schema.json'];
  if (!root) throw new Error('override.schema.json is not bundled');
  const properties: Record<string, JsonSchema> = { ...((root.properties ?? {}) as Record<string, JsonSchema>) };
  for (const [kind, doc] of Object.entries(baseDocs)) {
    if (properties[kind]) continue;
    const kindSchema = schemas[`${kind}.schema.json`];
    const bounds = isRecord(doc) && Array.isArray(doc.overrides) ? doc.overrides : [];
    if (!kindSchema || bounds.length === 0) continue;
    const out: JsonSchema = { description: typeof kindSchema.description === 'string' ? kindSchema.description : kind, type: 'object', minProperties: 1 };
    for (const b of bounds) {
      if (isRecord(b) && typeof b.path === 'string') addPath(schemas, out, { schema: kindSchema, base: `${kind}.schema.json`, value: doc }, b.path.split('/').slice(1));
    }
    properties[kind] = out;
  }
  const { $id: _id, ...rest } = root;
  return { ...rest, properties };
}

/**
 * Keeps one language of every "中文。English." description and "中文 — English" title, so that
 * hover speaks the reader's language.
 */
export function localiseDescriptions<T>(schema: T, lang: Lang): T {
  if (Array.isArray(schema)) return schema.map((s) => localiseDescriptions(s, lang)) as T;
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [
    k,
    k === 'description' && typeof v === 'string' ? splitDescription(v)[lang]
      : k === 'title' && typeof v === 'string' ? splitTitle(v)[lang]
        : localiseDescriptions(v, lang),
  ])) as T;
}

export interface BoundEntry {
  kind: string;
  path: string;
  label?: { zh: string; en: string };
  /** The bound in words' raw material: relative, min, max, direction, subset, notBelow. */
  rule: Record<string, unknown>;
}

/** Every bound head office declares, kind by kind, in document order. */
export function boundsOf(baseDocs: Readonly<Record<string, unknown>>): BoundEntry[] {
  return Object.entries(baseDocs).flatMap(([kind, doc]) => {
    const bounds = isRecord(doc) && Array.isArray(doc.overrides) ? doc.overrides : [];
    return bounds.flatMap((b): BoundEntry[] => {
      if (!isRecord(b) || typeof b.path !== 'string') return [];
      const { path, label, ...rule } = b;
      const l = isRecord(label) && typeof label.zh === 'string' && typeof label.en === 'string' ? { zh: label.zh, en: label.en } : undefined;
      return [{ kind, path, ...(l ? { label: l } : {}), rule }];
    });
  });
}

/**
 * A commented example for an empty draft, built from the first bound whose path names a
 * concrete value: `# classification:\n#   turnoverThreshold: 3`.
 */
export function exampleOverride(baseDocs: Readonly<Record<string, unknown>>): string {
  for (const b of boundsOf(baseDocs)) {
    const segments = b.path.split('/').slice(1);
    if (segments.includes('*')) continue;
    let value: unknown = baseDocs[b.kind];
    for (const s of segments) value = isRecord(value) ? value[s] : undefined;
    if (typeof value !== 'number' && typeof value !== 'string') continue;
    const lines = [`${b.kind}:`, ...segments.map((s, i) => `${'  '.repeat(i + 1)}${s}:${i === segments.length - 1 ? ` ${value}` : ''}`)];
    return lines.map((l) => `# ${l}`).join('\n') + '\n';
  }
  return '';
}
