// Whole numbers in a URL — ids in the path, `after` and `limit` in a query string — are decimal
// digits and nothing else. Text parts are validated with type coercion (validation.ts), and ajv
// coerces a string as JavaScript's Number() reads it: `0x10` is 16, `1e1` is 10, `+1`, ` 1` and
// `1.0` are 1, so /v1/revisions/0x10 answered as revision 16. Each route whose params or query
// string declare an integer reads those fields here first, strictly, before validation; other
// routes (the decisions) carry no extra hook.
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { ZhiduError } from '../errors.ts';

/** Ids are `integer` columns in both stores: a larger number names nothing and only upsets the query. */
const INT_MAX = 2_147_483_647;
const INT_MIN = -2_147_483_648;

interface Field { readonly name: string; readonly min: number; readonly max: number; readonly digits: RegExp; readonly message: string }
type Part = 'params' | 'query';

interface IntegerSchema { type?: unknown; minimum?: unknown; maximum?: unknown }

function integerFields(schema: unknown): Field[] {
  const properties = (schema as { properties?: Record<string, IntegerSchema> } | undefined)?.properties;
  if (!properties) return [];
  return Object.entries(properties).filter(([, p]) => p.type === 'integer').map(([name, p]) => {
    const min = typeof p.minimum === 'number' ? Math.max(p.minimum, INT_MIN) : INT_MIN;
    const max = typeof p.maximum === 'number' ? Math.min(p.maximum, INT_MAX) : INT_MAX;
    return { name, min, max, digits: min < 0 ? /^-?[0-9]+$/ : /^[0-9]+$/, message: `must be a whole number in decimal digits, from ${min} to ${max}` };
  });
}

/** The fields of one part that are not plain decimal whole numbers in range. */
function problems(values: unknown, fields: readonly Field[], part: Part): { field: string; message: string; in: Part }[] {
  const out: { field: string; message: string; in: Part }[] = [];
  for (const f of fields) {
    const v = (values as Record<string, unknown> | undefined)?.[f.name];
    // Absent, or repeated in a query string: the schema says what is wrong with that.
    if (typeof v !== 'string') continue;
    const n = Number(v);
    if (!f.digits.test(v) || n < f.min || n > f.max) out.push({ field: f.name, message: f.message, in: part });
  }
  return out;
}

/** Adds the strict reading to every route added after this, whose params or query string hold integers. */
export function installUrlIntegers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const params = integerFields(route.schema?.params);
    const query = integerFields(route.schema?.querystring);
    if (params.length === 0 && query.length === 0) return;
    const check: preValidationHookHandler = (request: FastifyRequest, _reply, done) => {
      const found = [...problems(request.params, params, 'params'), ...problems(request.query, query, 'query')];
      if (found.length === 0) return done();
      const first = found[0]!;
      done(new ZhiduError('BAD_INPUT', `${first.in} ${first.field}: ${first.message}`, found));
    };
    const own = route.preValidation;
    route.preValidation = own === undefined ? [check] : [check, ...(Array.isArray(own) ? own : [own])];
  });
}
