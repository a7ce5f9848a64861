// When one input schema provably implies another, a decision composed of others (client-profile)
// need not validate the same record twice. The proof is deliberately narrow: the inner schema is
// a plain object schema (type, properties, required; nothing else that constrains), and each of
// its properties is, in the outer schema, a `$ref` whose target validates exactly like the inner
// property (the same JSON once annotations are dropped). Then a record the outer schema accepted,
// carrying the inner schema's required fields, is accepted by the inner schema too. Anything the
// proof cannot see through (if/then, patternProperties, additionalProperties, a property the
// outer schema leaves open) makes it answer false, and the decision validates as before.
import { schemaRegistry } from '../policy/schema.ts';

type Schema = Record<string, unknown>;
type Lookup = (id: string) => Schema | undefined;

/** Keywords that say what a schema is, not what it accepts. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const PLAIN_OBJECT = new Set(['type', 'properties', 'required']);

function registered(id: string): Schema | undefined {
  return schemaRegistry().getSchema(id)?.schema as Schema | undefined;
}

/** `decisions/a.json` + `b.json#/properties/x` → the node it names, or undefined. */
function resolveRef(schemaOf: Lookup, fromId: string, ref: string): unknown {
  const [file, fragment = ''] = ref.split('#');
  const base = fromId.slice(0, fromId.lastIndexOf('/') + 1);
  let node: unknown = schemaOf(file ? base + file : fromId);
  for (const token of fragment.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Schema)[key];
  }
  return node;
}

/** The schema's validating content as canonical JSON; undefined if it holds a `$ref` (whose base would matter). */
function constraints(node: unknown): string | undefined {
  let refFound = false;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    const out: Schema = {};
    for (const key of Object.keys(v).sort()) {
      if (key === '$ref' || key === '$dynamicRef') refFound = true;
      if (!ANNOTATIONS.has(key)) out[key] = strip((v as Schema)[key]);
    }
    return out;
  };
  const text = JSON.stringify(strip(node));
  return refFound ? undefined : text;
}

/** True when every object valid under `outerId`, having `innerId`'s required properties, is valid under `innerId`. */
export function schemaImplies(outerId: string, innerId: string, schemaOf: Lookup = registered): boolean {
  const outer = schemaOf(outerId);
  const inner = schemaOf(innerId);
  if (!outer || !inner || outer.type !== 'object' || inner.type !== 'object') return false;
  if (!Object.keys(inner).every((k) => ANNOTATIONS.has(k) || PLAIN_OBJECT.has(k))) return false;
  const innerProperties = (inner.properties ?? {}) as Record<string, unknown>;
  const outerProperties = (outer.properties ?? {}) as Record<string, unknown>;
  for (const [name, expected] of Object.entries(innerProperties)) {
    const declared = outerProperties[name] as Schema | undefined;
    if (!declared || typeof declared.$ref !== 'string' || !Object.keys(declared).every((k) => k === '$ref' || ANNOTATIONS.has(k))) return false;
    const target = constraints(resolveRef(schemaOf, outerId, declared.$ref));
    if (target === undefined || target !== constraints(expected)) return false;
  }
  return true;
}
