// POST /v1/decide/{decision}: one route per decision, so the OpenAPI document shows each
// decision's own input and output schemas (the files under schemas/decisions/). Any authenticated role; a
// branch token decides for its own branch.
import type { FastifyInstance } from 'fastify';
import { DECISION_NAMES } from '../../policy/kinds.ts';
import { ANY_ROLE, actFor, principalOf } from '../auth.ts';
import { instantOf, type ServerContext } from '../context.ts';
import { answerBytes, decideNow, underPointer, type DecisionAnswer, type DecisionAsked } from '../deciding.ts';
import { branchCode, decisionAnswer, errorResponse, inputSchemaRef, withErrors } from '../schemas.ts';
import { serializerFor } from '../validation.ts';
import { ZhiduError } from '../../errors.ts';

interface DecideBody {
  input: Record<string, unknown>;
  branch?: string;
  asOf?: string;
  explain?: boolean;
}

function bodySchema(decision: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['input'],
    additionalProperties: false,
    properties: {
      input: inputSchemaRef(decision),
      branch: { ...branchCode, description: '按该营业部生效的调整决策。Decide under this branch\'s override in force.' },
      asOf: { description: '按该时刻生效的制度决策(缺省:现在)。Decide under the policy in force at this instant (default now).', type: 'string', format: 'date-time' },
      explain: { description: '附上依据(规则及其 YAML 位置)。Include the trace: rules and their YAML positions.', type: 'boolean' },
    },
  };
}

/** Engine errors name fields inside the input; the client sent them under /input. */
function onInput(err: unknown): never {
  throw underPointer(err, '/input');
}

export async function decideRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  for (const decision of DECISION_NAMES) {
    app.post<{ Body: DecideBody }>(`/v1/decide/${decision}`, {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['decisions'],
        summary: `Decide ${decision}`,
        description: 'Any role. A branch token decides for its own branch (naming another is 403). `asOf` picks the revision and override in force then. ' +
          'Whether the decision is kept on record is the policy\'s `recordDecisions`, except for an auditor: an auditor\'s decisions are answered and never recorded (`recorded: false`). ' +
          'A decision to be recorded is answered only once its record is stored: a record larger than the server keeps (ZHIDU_RECORD_MAX_BYTES of JSON: input, output and trace) is 413 PAYLOAD_TOO_LARGE, ' +
          'and a token past its recorded decisions for the minute (ZHIDU_RECORD_RATE, by role) is 429 RATE_LIMITED with Retry-After; neither is answered nor stored. ' +
          'Errors name the field as a JSON Pointer into the body sent (`/input/assets`).',
        security: [{ bearer: [] }],
        body: bodySchema(decision),
        response: withErrors({ 200: decisionAnswer(decision) }, 404, 413, 422),
      },
      // Answers are written as bytes (deciding.ts); errors as every route writes them.
      serializerCompiler: ({ schema, httpStatus }) => serializerFor(schema, ctx.config.validateResponses, httpStatus === '200' ? (a: DecisionAnswer) => answerBytes(a) : JSON.stringify),
    }, (request) => {
      // Not async: the fast path answers in the same turn (see deciding.ts).
      const principal = principalOf(request);
      const branch = actFor(principal, request.body.branch);
      const at = instantOf(request.body.asOf, 'asOf') ?? ctx.now();
      const asked: DecisionAsked = {
        decision, input: request.body.input, branch, at, explain: request.body.explain === true, principal, requestId: request.id,
      };
      const entry = ctx.cache.resolveNow(branch, at);
      if (entry === undefined) return ctx.cache.resolve(branch, at).then((e) => decideNow(ctx, e, asked)).catch(onInput);
      let answer;
      try {
        answer = decideNow(ctx, entry, asked);
      } catch (err) {
        onInput(err);
      }
      return answer instanceof Promise ? answer.catch(onInput) : answer;
    });
  }

  // Any other name: say which decisions there are.
  app.post<{ Params: { decision: string } }>('/v1/decide/:decision', {
    config: { access: ANY_ROLE },
    schema: { hide: true, response: { 404: errorResponse } },
  }, async (request) => {
    throw new ZhiduError('NOT_FOUND', `There is no decision "${request.params.decision}"; decisions: ${DECISION_NAMES.join(', ')}.`);
  });
}
