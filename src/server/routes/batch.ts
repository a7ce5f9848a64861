// POST /v1/decide/{decision}/batch: NDJSON in (one input a line), NDJSON out in the same
// order, streamed both ways. The policy is resolved once for the whole batch (its revision and
// override are in the response headers); a bad line is answered with its own error. Options
// that a single decision sends in its body go in the query string here.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { ZhiduError } from '../../errors.ts';
import { DECISION_NAMES } from '../../policy/kinds.ts';
import { ANY_ROLE, actFor, principalOf } from '../auth.ts';
import { answerStream } from '../batch-stream.ts';
import { instantOf, type ServerContext } from '../context.ts';
import { decideFast, decideNow, decideOne, recordable, type DecisionAnswer } from '../deciding.ts';
import { writeJson, type ByteSink } from '../../engine/json-bytes.ts';
import type { Line } from '../ndjson.ts';
import { branchCode, withErrors } from '../schemas.ts';
import { compileValidator } from '../validation.ts';

const NDJSON = 'application/x-ndjson';

interface BatchQuery { branch?: string; asOf?: string; explain?: boolean }

function errorLine(line: number, err: unknown): string {
  const z = err instanceof ZhiduError ? err : new ZhiduError('INTERNAL');
  return JSON.stringify({ line, ...z.toJSON() }) + '\n';
}

const LINE = Buffer.from('{"line":');
const ID = Buffer.from(',"decisionId":"');
const UNRECORDED = Buffer.from('","recorded":false}\n');

/** An unrecorded answer line without a trace, as bytes: answerLine's exact text. */
function writeAnswer(sink: ByteSink, line: number, head: Buffer, output: Record<string, unknown>): void {
  sink.bytes(LINE);
  sink.digits(line);
  sink.bytes(head);
  writeJson(sink, output);
  sink.bytes(ID);
  sink.uuid();
  sink.bytes(UNRECORDED);
}

/** An answer line, assembled around the output's JSON (the one part whose shape varies). */
function answerLine(line: number, a: Pick<DecisionAnswer, 'decision' | 'output' | 'decisionId' | 'recorded' | 'trace'>): string {
  const head = `{"line":${line},"decision":${JSON.stringify(a.decision)},"output":${JSON.stringify(a.output)},"decisionId":"${a.decisionId}","recorded":${a.recorded}`;
  return a.trace ? `${head},"trace":${JSON.stringify(a.trace)}}\n` : `${head}}\n`;
}

export async function batchRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Only this plugin reads NDJSON, and it reads it as a stream (no body limit: lines are bounded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

  app.post<{ Params: { decision: string }; Querystring: BatchQuery; Body: Readable }>('/v1/decide/:decision/batch', {
    config: { access: ANY_ROLE, timeout: false },
    validatorCompiler: (req) => (req.httpPart === 'body' ? () => true : compileValidator(req)),
    schema: {
      tags: ['decisions'],
      summary: 'Decide a stream of inputs (NDJSON in, NDJSON out)',
      description:
        'One decision input a line (`content-type: application/x-ndjson`). The answer streams back in the same order, one line per input line: ' +
        '`{"line", "decision", "output", "decisionId", "recorded", "trace"?}` or `{"line", "error": {code, message, details?}}` for that line alone. ' +
        'Error fields point into the line. Revision and override are in the `zhidu-revision`, `zhidu-revision-hash` and `zhidu-override` headers. ' +
        'Lines are recorded as single decisions are (never an auditor\'s); a line whose record would be too large, or past the token\'s recorded decisions for the minute, ' +
        'is answered with its own PAYLOAD_TOO_LARGE or RATE_LIMITED error and not stored. ' +
        'Read the answer while sending: both directions stream with backpressure.',
      security: [{ bearer: [] }],
      params: { type: 'object', required: ['decision'], properties: { decision: { type: 'string', enum: [...DECISION_NAMES] } } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          branch: branchCode,
          asOf: { description: '按该时刻生效的制度决策。Decide under the policy in force at this instant.', type: 'string', format: 'date-time' },
          explain: { type: 'boolean' },
        },
      },
      body: { content: { [NDJSON]: { schema: { description: 'NDJSON: one decision input object a line.', type: 'object' } } } },
      response: withErrors({ 200: { description: 'NDJSON: one answer a line, in input order.', content: { [NDJSON]: { schema: { type: 'object' } } } } }, 404, 415),
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (!request.body || typeof (request.body as Readable).pipe !== 'function') {
      throw new ZhiduError('UNSUPPORTED_MEDIA_TYPE', `Send the inputs as ${NDJSON}, one JSON object a line.`);
    }
    const { decision } = request.params;
    const branch = actFor(principal, request.query.branch);
    const at = instantOf(request.query.asOf, 'asOf') ?? ctx.now();
    const entry = await ctx.cache.resolve(branch, at);
    const explain = request.query.explain === true;
    let answered = 0;

    // Nothing to record or explain: lines are decided and written at once (no Promise, no answer object).
    const fast = !explain && !recordable(entry, decision, principal);
    const head = Buffer.from(`,"decision":${JSON.stringify(decision)},"output":`);

    const answer = (line: Line, sink: ByteSink | undefined): string | Promise<string> | undefined => {
      if ('tooLong' in line) {
        return errorLine(line.line, new ZhiduError('PAYLOAD_TOO_LARGE', `Line ${line.line} is longer than ${ctx.config.batchLineLimit} bytes.`));
      }
      let input: unknown;
      try {
        input = JSON.parse(line.text);
      } catch (err) {
        return errorLine(line.line, new ZhiduError('BAD_INPUT', `Line ${line.line} is not JSON: ${(err as Error).message}`, [{ field: '', message: 'not JSON' }]));
      }
      let a: DecisionAnswer | Promise<DecisionAnswer>;
      try {
        const result = fast ? decideFast(ctx, entry, decision, input, at) : undefined;
        if (result !== undefined) {
          answered++;
          if (sink === undefined) return answerLine(line.line, { decision, output: result.output, decisionId: randomUUID(), recorded: false, trace: undefined });
          writeAnswer(sink, line.line, head, result.output);
          return undefined;
        }
        a = fast ? decideOne(ctx, entry, { decision, input, branch, at, explain, principal, requestId: request.id })
          : decideNow(ctx, entry, { decision, input, branch, at, explain, principal, requestId: request.id });
      } catch (err) {
        return failed(line.line, err);
      }
      if (a instanceof Promise) {
        return a.then((d) => {
          ctx.metrics.batchLines(decision, 1);
          return answerLine(line.line, d);
        }, (err: unknown) => failed(line.line, err));
      }
      answered++;
      return answerLine(line.line, a);
    };
    const failed = (n: number, err: unknown): string => {
      if (!(err instanceof ZhiduError)) request.log.error({ err, line: n }, 'batch line failed');
      return errorLine(n, err);
    };
    // Lines answered at once are counted a chunk at a time.
    const onChunk = (): void => {
      ctx.metrics.batchLines(decision, answered);
      answered = 0;
    };

    void reply
      .header('content-type', `${NDJSON}; charset=utf-8`)
      .header('zhidu-revision', String(entry.revision.id))
      .header('zhidu-revision-hash', entry.revision.hash);
    if (entry.override) void reply.header('zhidu-override', `${entry.override.id}; ${entry.override.status}`);
    return reply.send(answerStream(request.body, { concurrency: ctx.config.batchConcurrency, lineLimit: ctx.config.batchLineLimit, answer, onChunk }));
  });
}
