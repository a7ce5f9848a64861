// Resolving `$ref` between the bundled JSON Schemas, which name each other by relative `$id`
// ("common.schema.json#/$defs/label" from "decisions/…"), the way ajv does on the server.

export type JsonSchema = Record<string, unknown>;

export interface Resolved {
  schema: JsonSchema;
  /** The `$id` of the document the schema came from, for resolving refs inside it. */
  base: string;
}

const ORIGIN = 'https://schemas.zhidu.invalid/';

export function resolveId(base: string, ref: string): { id: string; pointer: string } {
  const url = new URL(ref, ORIGIN + base);
  return { id: url.pathname.slice(1), pointer: decodeURIComponent(url.hash.slice(1)) };
}

function at(schema: unknown, pointer: string): unknown {
  let node = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows `$ref` chains (at most 16) and merges the referring schema's own keywords over the target. */
export function deref(schemas: Readonly<Record<string, JsonSchema>>, resolved: Resolved): Resolved {
  let { schema, base } = resolved;
  for (let hops = 0; typeof schema.$ref === 'string' && hops < 16; hops++) {
    const { id, pointer } = resolveId(base, schema.$ref);
    const doc = id === base ? schemas[base] : schemas[id];
    const target = at(doc, pointer);
    if (!target || typeof target !== 'object') throw new Error(`Cannot resolve $ref ${schema.$ref} from ${base}`);
    const { $ref: _ref, ...own } = schema;
    schema = { ...(target as JsonSchema), ...own };
    base = id;
  }
  return { schema, base };
}

/** Every schema by `$id`, from a bundle keyed by file path ending in the `$id`. */
export function indexSchemas(files: Readonly<Record<string, unknown>>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const value of Object.values(files)) {
    const schema = (value as { default?: unknown }).default ?? value;
    if (schema && typeof schema === 'object' && typeof (schema as JsonSchema).$id === 'string') out[(schema as JsonSchema).$id as string] = schema as JsonSchema;
  }
  return out;
}
