// JSON Schema validation for policy documents, overrides and decision inputs. All schemas are
// the files in schemas/ (the same ones the server and the editor use), compiled once by ajv in
// strict mode with allErrors, and their errors come back as positioned problems.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { DiagnosticParams, Problem } from './diagnostics.ts';
import { childPointer } from './pointer.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listJson(join(dir, e.name)).map((f) => join(e.name, f)) : e.name.endsWith('.json') ? [e.name] : [],
  );
}

/** Every schema under schemas/, keyed by its `$id` (its path relative to schemas/). */
export function loadSchemaFiles(dir = SCHEMAS_DIR): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const rel of listJson(dir).sort()) {
    const schema = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as Record<string, unknown>;
    out.set(String(schema.$id ?? rel), schema);
  }
  return out;
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  const addFormats = (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default ?? addFormatsModule;
  (addFormats as (a: Ajv2020) => void)(ajv);
  for (const [id, schema] of loadSchemaFiles()) ajv.addSchema(schema, id);
  return ajv;
}

let shared: Ajv2020 | undefined;
export function schemaRegistry(): Ajv2020 {
  shared ??= createAjv();
  return shared;
}

const compiled = new Map<string, ValidateFunction>();
export function validatorFor(schemaId: string): ValidateFunction {
  let fn = compiled.get(schemaId);
  if (!fn) {
    fn = schemaRegistry().getSchema(schemaId);
    if (!fn) throw new Error(`No schema with $id ${schemaId} under schemas/`);
    compiled.set(schemaId, fn);
  }
  return fn;
}

function describe(err: ErrorObject): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required': return `missing required property "${String(p.missingProperty)}"`;
    case 'additionalProperties': return `unknown property "${String(p.additionalProperty)}"`;
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const': return `must be ${JSON.stringify(p.allowedValue)}`;
    default: return err.message ?? err.keyword;
  }
}

/** Keep the most useful errors: for oneOf/anyOf, ajv reports every branch; drop the umbrella entries. */
function prune(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const list = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.instancePath}|${describe(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What ajv knows about an error, as data: its keyword and its params (`{comparison, limit}` for
 * minimum, `{missingProperty}` for required, …), and the key at fault when a property name is.
 */
export function schemaParams(e: Pick<ErrorObject, 'keyword' | 'params' | 'propertyName'>): DiagnosticParams {
  return {
    ...(e.params as DiagnosticParams),
    keyword: e.keyword,
    ...(e.propertyName !== undefined ? { propertyName: e.propertyName } : {}),
  };
}

export function schemaProblems(errors: ErrorObject[] | null | undefined, basePath = ''): Problem[] {
  return prune(errors ?? []).map((e): Problem => {
    const p = e.params as Record<string, unknown>;
    const params = schemaParams(e);
    if (e.propertyName !== undefined) {
      return { path: basePath + childPointer(e.instancePath, e.propertyName), code: 'SCHEMA_VIOLATION', message: `key "${e.propertyName}" ${describe(e)}`, atKey: true, params };
    }
    if (e.keyword === 'additionalProperties') {
      return { path: basePath + childPointer(e.instancePath, String(p.additionalProperty)), code: 'SCHEMA_VIOLATION', message: describe(e), atKey: true, params };
    }
    return { path: basePath + e.instancePath, code: 'SCHEMA_VIOLATION', message: `${e.instancePath || '/'} ${describe(e)}`, atKey: e.keyword === 'required', params };
  });
}

/** One thing wrong with an input (a decision's, or a request body): the field, what is wrong, and ajv's facts. */
export interface FieldProblem {
  field: string;
  message: string;
  params: DiagnosticParams;
}

const UMBRELLA = new Set(['oneOf', 'anyOf', 'if']);

/** One ajv error as the field it is about (a JSON Pointer under `prefix`) and what is wrong with it. */
export function fieldProblem(e: Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message' | 'propertyName'>, prefix = ''): FieldProblem {
  const p = e.params as Record<string, unknown>;
  const params = schemaParams(e);
  if (e.keyword === 'required') return { field: prefix + childPointer(e.instancePath, String(p.missingProperty)), message: 'is required', params };
  if (e.keyword === 'additionalProperties') return { field: prefix + childPointer(e.instancePath, String(p.additionalProperty)), message: 'is not a known field', params };
  if (e.keyword === 'enum') return { field: prefix + e.instancePath, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, params };
  return { field: prefix + e.instancePath, message: e.message ?? e.keyword, params };
}

/** ajv's errors as field problems, umbrella entries (anyOf, oneOf, if) dropped when a specific one says more. */
export function fieldProblems<E extends Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message' | 'propertyName'>>(errors: readonly E[], prefix = ''): FieldProblem[] {
  const specific = errors.filter((e) => !UMBRELLA.has(e.keyword));
  return (specific.length > 0 ? specific : errors).map((e) => fieldProblem(e, prefix));
}

/** Validate `value` against the schema with `$id`; problems carry JSON Pointers into `value`. */
export function validateAgainst(schemaId: string, value: unknown): Problem[] {
  const fn = validatorFor(schemaId);
  return fn(value) ? [] : schemaProblems(fn.errors);
}
