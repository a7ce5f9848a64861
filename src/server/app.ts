// The HTTP service (API.md) as a fastify instance: schemas from schemas/, one error handler,
// authentication and roles, per-token rate limits, body and time limits, the policy cache, and
// the OpenAPI document at /docs/json with a browsable page at /docs. `buildApp` does not listen;
// `zhidu serve` does, and tests use `inject()`.
import { randomBytes } from 'node:crypto';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { ZhiduError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { Authenticator } from './auth.ts';
import type { ServerConfig } from './config.ts';
import type { ServerContext } from './context.ts';
import { RecordLimits } from './deciding.ts';
import { installErrorHandler } from './error-handler.ts';
import { installGate } from './gate.ts';
import { createLogger, LazyChildLogger, pathOf } from './logging.ts';
import { Metrics } from './metrics.ts';
import { PolicyCache } from './policy-cache.ts';
import { RateLimiter } from './rate-limit.ts';
import { batchRoutes } from './routes/batch.ts';
import { decideRoutes } from './routes/decide.ts';
import { healthRoutes } from './routes/health.ts';
import { proposalRoutes } from './routes/proposals.ts';
import { recordRoutes } from './routes/records.ts';
import { revisionRoutes } from './routes/revisions.ts';
import { simulateRoutes } from './routes/simulate.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { validateRoutes } from './routes/validate.ts';
import { editorStatic } from './editor-static.ts';
import { registerSchemas } from './schemas.ts';
import { installUrlIntegers } from './url-integers.ts';
import { installValidation } from './validation.ts';

interface InFlight { readonly reply: FastifyReply; readonly until: number }

declare module 'fastify' {
  interface FastifyRequest {
    /** Its place among the requests the timeout watches (app.ts). */
    inFlight?: InFlight;
  }
}

export interface AppOptions {
  store: Store;
  config: ServerConfig;
  logger?: Logger;
  /** The clock decisions use when no asOf is sent (tests freeze it). */
  now?: () => Date;
  /** Node process metrics (GC, heap) in /metrics: once per process, so off in tests. */
  processMetrics?: boolean;
}

/** A URL the router cannot read, as a catalogue error naming what is wrong with it. */
function refusedUrl(err: { code?: string }, url: string): ZhiduError {
  const path = JSON.stringify(pathOf(url).slice(0, 200));
  if (err.code === 'FST_ERR_BAD_URL') return new ZhiduError('BAD_INPUT', `The URL is malformed: ${path} holds an invalid percent-encoding.`);
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new ZhiduError('BAD_INPUT', `The URL is malformed: a part of ${path} is longer than any id or name.`);
  return new ZhiduError('BAD_INPUT', `The URL ${path} cannot be routed.`);
}

function componentName(json: { $id?: string }, i: number): string {
  return json.$id ? json.$id.replace(/\.schema\.json$|\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '.') : `def-${i}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store, config } = options;
  const now = options.now ?? (() => new Date());
  // Unique across restarts and processes, since decision records keep them.
  const instance = randomBytes(3).toString('hex');
  let requests = 0;
  const app = fastify({
    loggerInstance: (options.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    // fastify's own request lines log the URL with its query string; ours (below) do not.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: LazyChildLogger.factory,
    bodyLimit: config.bodyLimit,
    // A connection silent this long is dropped (a stalled batch client included).
    connectionTimeout: config.requestTimeoutMs,
    requestIdHeader: false,
    genReqId: () => `req-${instance}-${(++requests).toString(36)}`,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // Refused before any route is found: answered in the API's error shape, with the headers every answer carries.
    frameworkErrors: (err, request, raw) => {
      const z = refusedUrl(err, request.url);
      const reply = raw as unknown as FastifyReply;
      void reply.code(z.status).header('x-request-id', request.id).header('x-content-type-options', 'nosniff').type('application/json; charset=utf-8').send(z.toJSON());
    },
  });

  const cache = new PolicyCache(store, now);
  const auth = new Authenticator(store, config.tokenCacheMs, config.tokenOutageMs, config.tokenUseFlushMs);
  const metrics = new Metrics(store, cache, { processMetrics: options.processMetrics ?? false });
  const ctx: ServerContext = { store, config, cache, metrics, auth, records: new RecordLimits(config.recordsPerMinute), now };

  installValidation(app, { validateResponses: config.validateResponses });
  installErrorHandler(app, { retryAfterSeconds: config.retryAfterSeconds });
  registerSchemas(app);

  // Hooks on every request are callbacks, not async functions: each Promise is a turn of the
  // microtask queue per request, which at these rates costs more than the hook's own work. Before
  // the route: the gate (gate.ts: id, timeout, caller, role, rate limit). When a request ends:
  // its metrics, its one log line (whitelisted fields only, see logging.ts, with the caller once
  // known), the timeout's bookkeeping, and on closing its keep-alive connection.
  let closing = false;
  const timeouts = installTimeout(app, config.requestTimeoutMs);
  installGate(app, { auth, limiter: new RateLimiter(config.rateLimitPerMinute), watch: timeouts.watch });
  installUrlIntegers(app);
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requestEnded(request, reply);
    timeouts.ended(request);
    if ((request.log as Logger).isLevelEnabled('info')) {
      request.log.info({
        method: request.method, path: pathOf(request.url), route: request.route, status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100, ...(request.principal ? { caller: request.principal.tokenId, role: request.principal.role } : {}),
        ...(request.errorCode ? { code: request.errorCode } : {}),
      }, 'request');
    }
    // Once an in-flight request has its answer, its connection goes too, so shutdown does not wait out the keep-alive timeout.
    if (closing) setImmediate(() => app.server.closeIdleConnections());
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '制度 zhidu — policy decisions API',
        description: 'Client-service policy decisions, revisions and branch overrides. Errors: `{"error": {"code", "message", "details"?}}`; codes in docs/errors.md. ' +
          'A 503 (`UNAVAILABLE`: the database cannot serve now; `TIMEOUT`) carries `Retry-After` in seconds.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `zhidu token create` or POST /v1/tokens.' } } },
      tags: ['decisions', 'revisions', 'overrides', 'records', 'tokens', 'health'].map((name) => ({ name })),
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => componentName(json as { $id?: string }, i) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' }, validatorUrl: false, staticCSP: true,
    // The package's policy lets the page be framed by its own origin; nothing needs to frame it.
    transformStaticCSP: (csp: string) => csp.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });

  for (const routes of [healthRoutes, decideRoutes, batchRoutes, revisionRoutes, validateRoutes, proposalRoutes, simulateRoutes, recordRoutes, tokenRoutes]) {
    await app.register(async (scope: FastifyInstance) => routes(scope, ctx));
  }
  // The browser editor at `/` (built when stale; see editor-static.ts).
  await app.register(editorStatic);

  app.addHook('preClose', async () => {
    closing = true;
    // While it drains, fastify answers new requests with a 503 of its own, before any hook runs:
    // those answers carry nosniff too (a listener added now costs the requests before nothing).
    app.server.prependListener('request', (_req, res) => { res.setHeader('x-content-type-options', 'nosniff'); });
  });

  await Promise.all([cache.start(), auth.start((err) => app.log.error({ err }, 'token last-use times not written'))]);
  app.addHook('onClose', async () => {
    cache.stop();
    await auth.stop().catch((err: unknown) => app.log.error({ err }, 'token last-use times not written'));
    // Answers already given were recorded first; this waits for any record still being written.
    await store.decisions.flush();
  });
  return app;
}

/**
 * Cuts off a request that takes too long (streamed batches run as long as they stream). One
 * sweep a tenth of the limit apart instead of a timer and a close listener per request; a
 * request is cut off between 1 and 1.1 times the limit after it came in.
 */
function installTimeout(app: FastifyInstance, limitMs: number): { watch(request: FastifyRequest, reply: FastifyReply): void; ended(request: FastifyRequest): void } {
  const inFlight = new Set<InFlight>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const t of inFlight) {
      // Gone without an answer (the client went away): nothing to cut off.
      if (t.reply.sent || t.reply.raw.destroyed) inFlight.delete(t);
      else if (t.until <= now) {
        inFlight.delete(t);
        void t.reply.send(new ZhiduError('TIMEOUT', `No answer within ${limitMs} ms.`));
      }
    }
  }, Math.max(1, Math.min(1000, Math.ceil(limitMs / 10))));
  sweep.unref();
  app.decorateRequest('inFlight', undefined);
  app.addHook('onClose', (_app, done) => {
    clearInterval(sweep);
    inFlight.clear();
    done();
  });
  return {
    // Called by the gate for every route but those that say `timeout: false`.
    watch(request, reply) {
      request.inFlight = { reply, until: Date.now() + limitMs };
      inFlight.add(request.inFlight);
    },
    // Answered requests leave at once: holding a second's worth of them costs the GC dearly.
    ended(request) {
      if (request.inFlight) inFlight.delete(request.inFlight);
    },
  };
}
