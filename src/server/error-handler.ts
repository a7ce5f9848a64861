// The one way errors leave the server: `{"error": {"code", "message", "details"?}}` with the
// catalogue's status. fastify's own errors (bad JSON, body too large, unknown route, schema
// validation, closing) are translated into catalogue codes; anything unexpected is INTERNAL,
// logged by request id without its message (which may quote client data). A store that cannot
// serve (down, restarting, saturated: src/store/db.ts StoreUnavailableError) is 503 UNAVAILABLE,
// and every 503 says when to try again (Retry-After).
import type { FastifyError, FastifyInstance } from 'fastify';
import { PolicyCompileError } from '../engine/decision.ts';
import { ZhiduError, type ErrorCode } from '../errors.ts';
import type { Diagnostic, DiagnosticParams } from '../policy/diagnostics.ts';
import { isPolicyKind } from '../policy/kinds.ts';
import { StoreUnavailableError } from '../store/index.ts';
import { RetryLater } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue code the request was refused with, for its log line. */
    errorCode?: string;
  }
}

export interface ProblemBody {
  kind: string;
  file: string;
  path: string;
  line: number;
  column: number;
  code: string;
  message: string;
  params?: DiagnosticParams;
}

function isDiagnostic(d: unknown): d is Diagnostic {
  const o = d as Partial<Diagnostic> | null;
  return o !== null && typeof o === 'object' && typeof o.line === 'number' && typeof o.column === 'number' && typeof o.code === 'string' && typeof o.file === 'string';
}

/** A policy diagnostic as API.md shows it: `{kind, path, line, column, code, message}` (+ the text it points into, and its params). */
export function problemOf(d: Diagnostic): ProblemBody {
  const carried = /^revisions\/\d+\/(.+)\.yaml$/.exec(d.file)?.[1];
  const kind = d.kind ?? (isPolicyKind(d.file) ? d.file : carried ?? d.file);
  return { kind, file: d.file, path: d.path, line: d.line, column: d.column, code: d.code, message: d.message, ...(d.params ? { params: d.params } : {}) };
}

export function problemsOf(details: readonly unknown[] | undefined): unknown[] | undefined {
  return details?.map((d) => (isDiagnostic(d) ? problemOf(d) : d));
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_INPUT',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_INPUT',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_INPUT',
  FST_ERR_CTP_EMPTY_TYPE: 'BAD_INPUT',
  FST_ERR_CTP_INVALID_TYPE: 'BAD_INPUT',
};

const MESSAGES: Partial<Record<string, string>> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty but its content type says JSON.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This endpoint reads application/json bodies (batches: application/x-ndjson).',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

function byStatus(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'BAD_INPUT';
  return 'INTERNAL';
}

/** Any thrown thing as a catalogue error. */
export function toZhiduError(err: unknown): ZhiduError {
  if (err instanceof ZhiduError) return err;
  if (err instanceof PolicyCompileError) return new ZhiduError('POLICY_INVALID', 'The policy does not compile.', err.diagnostics);
  const e = err as Partial<FastifyError> & Error;
  if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return new ZhiduError('BAD_INPUT', `The body is not valid JSON: ${e.message}`, [{ field: '', message: 'not valid JSON' }]);
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  const code: ErrorCode = (e?.code ? FASTIFY_CODES[e.code] : undefined) ?? byStatus(status);
  if (code === 'INTERNAL') return new ZhiduError('INTERNAL');
  if (e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new ZhiduError('BAD_INPUT', MESSAGES[e.code], [{ field: '', message: 'not valid JSON' }]);
  if (code === 'PAYLOAD_TOO_LARGE') return new ZhiduError(code, 'The request body is larger than this server accepts; send fewer items, or stream them to the batch endpoint.');
  return new ZhiduError(code, (e?.code && MESSAGES[e.code]) ?? e?.message ?? undefined);
}

export interface ErrorHandlerOptions {
  /** Seconds a 503 answer asks the client to wait (Retry-After). */
  retryAfterSeconds: number;
}

/** How often, at most, why the store cannot serve is logged: during an outage every request would say the same. */
const UNAVAILABLE_LOG_MS = 1000;

export function installErrorHandler(app: FastifyInstance, { retryAfterSeconds }: ErrorHandlerOptions): void {
  let unavailableLogged = 0;
  app.setErrorHandler((err, request, reply) => {
    const z = toZhiduError(err);
    // The code goes on the request's one log line (app.ts); unexpected errors get a line of their own.
    request.errorCode = z.code;
    if (z.code === 'INTERNAL') request.log.error({ err }, 'request failed');
    if (z instanceof StoreUnavailableError && Date.now() - unavailableLogged >= UNAVAILABLE_LOG_MS) {
      unavailableLogged = Date.now();
      // The reason is the driver's (an SQLSTATE, an errno code, "timeout exceeded when trying to connect"): never client data.
      request.log.warn({ reason: z.reason }, 'store unavailable');
    }
    // Kind, id and what differs: never a client's data (integrity.ts).
    if (z.code === 'STORE_INTEGRITY') request.log.error({ code: z.code, integrity: z.details }, 'stored content failed its integrity check');
    const body = { error: { code: z.code, message: z.message, ...(z.details ? { details: problemsOf(z.details) } : {}) } };
    // Every 429 says when to come back, whatever refused it; every 503 too.
    if (z.status === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', z instanceof RetryLater ? z.retryAfter : 60);
    if (z.status === 503) void reply.header('retry-after', String(retryAfterSeconds));
    // Refused before the gate set them (a malformed URL): the id and nosniff are on every answer.
    if (!reply.hasHeader('x-request-id')) void reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
    void reply.code(z.status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    void reply.code(404).header('x-request-id', request.id).header('x-content-type-options', 'nosniff').send({ error: { code: 'NOT_FOUND', message: `There is no ${request.method} ${path}.` } });
  });
}
