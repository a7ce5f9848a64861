// The decision console's form, generated from a decision's input schema: one field per
// property (numbers, dates, choices, yes/no, lists, nested groups), anything richer as a JSON
// field. Values are kept as the strings typed; `buildInput` turns them into the input object
// and names every field that is missing or malformed, in the schema's order.
import { splitDescription, type Label } from './labels.ts';
import { deref, type JsonSchema } from './schema-ref.ts';

interface FieldBase {
  key: string;
  /** Property names from the input's root. */
  path: string[];
  label: Label;
  required: boolean;
}

export type Field =
  | (FieldBase & { type: 'number' | 'integer'; minimum?: number })
  | (FieldBase & { type: 'string'; format?: string; options?: string[] })
  | (FieldBase & { type: 'boolean' })
  | (FieldBase & { type: 'list' })
  | (FieldBase & { type: 'json' })
  | (FieldBase & { type: 'group'; children: Field[] });

export type FormValues = Record<string, string | boolean>;

export interface FieldProblem {
  /** JSON Pointer of the field. */
  path: string;
  problem: 'required' | 'number' | 'integer' | 'minimum' | 'json' | 'boolean';
}

type Schemas = Readonly<Record<string, JsonSchema>>;

const MAX_DEPTH = 4;

export const valueKey = (path: readonly string[]): string => path.join('.');
const pointer = (path: readonly string[]): string => '/' + path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Where a label ends: the first colon right after a word, outside any {…} example. */
function labelEnd(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if ((c === ':' || c === '\uff1a') && depth === 0 && i > 0 && /\p{L}/u.test(s[i - 1]!)) return i;
  }
  return s.length;
}

/**
 * A description as a field label, in each language: up to its colon when it explains itself
 * after one ("产品:给出产品类型…" → "产品"), without its full stop.
 */
export function fieldLabel(description: string): Label {
  const { zh, en } = splitDescription(description);
  const trim = (s: string): string => s.slice(0, labelEnd(s)).trim().replace(/[\u3002.]$/, '');
  return { zh: trim(zh), en: trim(en) };
}

function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : typeof t === 'string' ? [t] : [];
}

function fieldFor(schemas: Schemas, key: string, path: string[], raw: JsonSchema, base: string, required: boolean, depth: number): Field {
  const { schema, base: at } = deref(schemas, { schema: raw, base });
  const label = typeof schema.description === 'string' ? fieldLabel(schema.description) : { zh: key, en: key };
  const common = { key, path, label, required };
  const types = typesOf(schema);
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return { ...common, type: 'string', options: schema.enum as string[] };
  if (types.length === 1) {
    const [type] = types;
    if (type === 'number' || type === 'integer') return { ...common, type, ...(typeof schema.minimum === 'number' ? { minimum: schema.minimum } : {}) };
    if (type === 'boolean') return { ...common, type: 'boolean' };
    if (type === 'string') return { ...common, type: 'string', ...(typeof schema.format === 'string' ? { format: schema.format } : {}) };
    if (type === 'array') {
      const items = schema.items && typeof schema.items === 'object' ? deref(schemas, { schema: schema.items as JsonSchema, base: at }).schema : {};
      if (typesOf(items).join() === 'string') return { ...common, type: 'list' };
    }
    if (type === 'object' && depth < MAX_DEPTH && schema.properties && typeof schema.properties === 'object' && !schema.additionalProperties) {
      return { ...common, type: 'group', children: fieldsOf(schemas, schema, at, path, depth + 1) };
    }
  }
  return { ...common, type: 'json' };
}

function fieldsOf(schemas: Schemas, schema: JsonSchema, base: string, path: string[], depth: number): Field[] {
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(([, s]) => s && typeof s === 'object')
    .map(([key, s]) => fieldFor(schemas, key, [...path, key], s, base, required.has(key), depth));
}

/** The form for an input schema known by `$id`. */
export function formFields(schemas: Schemas, id: string): Field[] {
  const schema = schemas[id];
  if (!schema) throw new Error(`No schema ${id}`);
  return fieldsOf(schemas, deref(schemas, { schema, base: id }).schema, id, [], 0);
}

const isBlank = (v: string | boolean | undefined): boolean => v === undefined || (typeof v === 'string' && v.trim() === '');

function valueOf(field: Exclude<Field, { type: 'group' }>, raw: string | boolean, problems: FieldProblem[]): unknown {
  const at = pointer(field.path);
  if (field.type === 'boolean') return raw === true || raw === 'true';
  const text = String(raw).trim();
  switch (field.type) {
    case 'number':
    case 'integer': {
      const n = Number(text.replace(/[,_\s]/g, ''));
      if (!Number.isFinite(n)) { problems.push({ path: at, problem: 'number' }); return undefined; }
      if (field.type === 'integer' && !Number.isInteger(n)) { problems.push({ path: at, problem: 'integer' }); return undefined; }
      if (field.minimum !== undefined && n < field.minimum) { problems.push({ path: at, problem: 'minimum' }); return undefined; }
      return n;
    }
    case 'list':
      return text.split(/[,,\n]/).map((s) => s.trim()).filter((s) => s.length > 0);
    case 'json':
      try { return JSON.parse(text) as unknown; } catch { problems.push({ path: at, problem: 'json' }); return undefined; }
    default:
      return text;
  }
}

function build(fields: readonly Field[], values: FormValues, problems: FieldProblem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.type === 'group') {
      const inner = build(field.children, values, problems);
      if (Object.keys(inner).length > 0) out[field.key] = inner;
      else if (field.required) problems.push({ path: pointer(field.path), problem: 'required' });
      continue;
    }
    const raw = values[valueKey(field.path)];
    // An unticked optional box is "not given", not "false".
    if (isBlank(raw) || (field.type === 'boolean' && raw === false && !field.required)) {
      if (field.required && field.type !== 'boolean') problems.push({ path: pointer(field.path), problem: 'required' });
      if (field.required && field.type === 'boolean') out[field.key] = false;
      continue;
    }
    const value = valueOf(field, raw!, problems);
    if (value !== undefined) out[field.key] = value;
  }
  return out;
}

export function buildInput(fields: readonly Field[], values: FormValues): { input: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const input = build(fields, values, problems);
  return { input, problems };
}

/** The form values that show an input object (switching from JSON to the form keeps the data). */
export function valuesFromInput(fields: readonly Field[], input: unknown): FormValues {
  const out: FormValues = {};
  const walk = (list: readonly Field[], node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const field of list) {
      const value = (node as Record<string, unknown>)[field.key];
      if (value === undefined) continue;
      if (field.type === 'group') walk(field.children, value);
      else if (field.type === 'boolean') out[valueKey(field.path)] = value === true;
      else if (field.type === 'list' && Array.isArray(value)) out[valueKey(field.path)] = value.join(', ');
      else if (field.type === 'json') out[valueKey(field.path)] = JSON.stringify(value);
      else out[valueKey(field.path)] = String(value);
    }
  };
  walk(fields, input);
  return out;
}
