// How fastify validates and serialises: bodies through the repo's ajv registry (JSON Schema
// 2020-12, strict, the same compiled schemas the engine uses); query strings and path
// parameters through a coercing twin (they arrive as text). Validation failures become
// BAD_INPUT naming each field as a JSON Pointer into what was sent.
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ZhiduError } from '../errors.ts';
import { fieldProblems, schemaRegistry, type FieldProblem as SchemaFieldProblem } from '../policy/schema.ts';

function coercingAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, coerceTypes: true, allowUnionTypes: true });
  const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv2020) => void }).default ?? (addFormatsModule as unknown as (a: Ajv2020) => void);
  addFormats(ajv);
  return ajv;
}

let textAjv: Ajv2020 | undefined;

export interface FieldProblem extends SchemaFieldProblem {
  in?: string;
}

/** A fastify validation failure as BAD_INPUT; query and path fields are named, body fields pointed at. */
export function validationError(errors: readonly FastifySchemaValidationError[], context: string): ZhiduError {
  const list = fieldProblems(errors as readonly ErrorObject[]).map((problem): FieldProblem => {
    if (context === 'body') return problem;
    return { ...problem, field: problem.field.replace(/^\//, ''), in: context === 'querystring' ? 'query' : context };
  });
  const unique = [...new Map(list.map((p) => [`${p.in ?? ''}|${p.field}|${p.message}`, p])).values()];
  const first = unique[0] ?? { field: '', message: 'is not valid' };
  const where = context === 'body' ? first.field || 'body' : `${context === 'querystring' ? 'query' : context} ${first.field}`;
  return new ZhiduError('BAD_INPUT', `${where}: ${first.message}`, unique);
}

const DECISION_INPUT = /^decisions\/[^/]+\.input\.schema\.json$/;

/**
 * A decide body as fastify checks it: a decision's input (a `$ref` to its input schema, which the
 * OpenAPI document shows) only as an object, because the engine checks it against that same
 * schema before deciding and names its fields under /input (routes/decide.ts). Checking it twice
 * cost a tenth of a single decision's request.
 */
function envelopeOf(schema: unknown): object {
  const s = schema as { properties?: Record<string, { $ref?: unknown }> };
  const ref = s.properties?.input?.$ref;
  if (typeof ref !== 'string' || !DECISION_INPUT.test(ref)) return schema as object;
  return { ...s, properties: { ...s.properties, input: { type: 'object' } } };
}

/** Bodies against the shared registry; text parts (query, params, headers) with coercion. */
export function compileValidator({ schema, httpPart }: { schema: unknown; httpPart?: string }): ValidateFunction {
  if (httpPart === 'body') return schemaRegistry().compile(envelopeOf(schema));
  textAjv ??= coercingAjv();
  return textAjv.compile(schema as object);
}

export function installValidation(app: FastifyInstance, options: { validateResponses: boolean }): void {
  app.setValidatorCompiler(compileValidator);
  app.setSchemaErrorFormatter((errors, context) => validationError(errors, context));
  app.setSerializerCompiler(({ schema }) => serializerFor(schema, options.validateResponses));
}

/**
 * A response's serializer: `write` (JSON.stringify unless a route has a faster one of the same
 * output), checked against the response schema when the server validates its responses (tests).
 */
export function serializerFor(schema: unknown, validateResponses: boolean, write: (data: never) => string | Buffer = JSON.stringify): (data: unknown) => string {
  // fastify sends a Buffer as it is (its types say a serializer gives a string).
  const serialize = write as (data: unknown) => string;
  if (!validateResponses) return serialize;
  const validate: ValidateFunction = schemaRegistry().compile(schema as object);
  return (data: unknown) => {
    // What the client will read (dates as strings, say).
    const json = serialize(data);
    if (!validate(JSON.parse(json.toString()))) {
      throw new Error(`response does not match its schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    return json;
  };
}
