// The HTTP service (API.md) as a fastify instance: schemas from schemas/, one error handler,
// authentication and roles, per-token rate limits, body and time limits, the policy cache, and
// the OpenAPI document at /docs/json with a browsable page at /docs. `buildApp` does not listen;
// `zhidu serve` does, and tests use `inject()`.
import { randomBytes } from 'node:crypto';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { ZhiduError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { Authenticator, installAuth, tokenKey } from './auth.ts';
import type { ServerConfig } from './config.ts';
import type { ServerContext } from './context.ts';
import { installErrorHandler } from './error-handler.ts';
import { createLogger, pathOf } from './logging.ts';
import { Metrics } from './metrics.ts';
import { PolicyCache } from './policy-cache.ts';
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
import { installValidation } from './validation.ts';

export interface AppOptions {
  store: Store;
  config: ServerConfig;
  logger?: Logger;
  /** The clock decisions use when no asOf is sent (tests freeze it). */
  now?: () => Date;
  /** Node process metrics (GC, heap) in /metrics: once per process, so off in tests. */
  processMetrics?: boolean;
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
    bodyLimit: config.bodyLimit,
    // A connection silent this long is dropped (a stalled batch client included).
    connectionTimeout: config.requestTimeoutMs,
    requestIdHeader: false,
    genReqId: () => `req-${instance}-${(++requests).toString(36)}`,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });

  const cache = new PolicyCache(store, now);
  const auth = new Authenticator(store, config.tokenCacheMs);
  const metrics = new Metrics(store, cache, { processMetrics: options.processMetrics ?? false });
  const ctx: ServerContext = { store, config, cache, metrics, auth, now };

  installValidation(app, { validateResponses: config.validateResponses });
  installErrorHandler(app);
  registerSchemas(app);

  // One line per request, whitelisted fields only (see logging.ts), with the caller once known.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method, path: pathOf(request.url), route: request.routeOptions.url, status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100, ...(request.principal ? { caller: request.principal.tokenId, role: request.principal.role } : {}),
      ...(request.errorCode ? { code: request.errorCode } : {}),
    }, 'request');
  });
  metrics.install(app);
  app.addHook('onSend', async (request, reply) => { void reply.header('x-request-id', request.id); });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => tokenKey(request.headers.authorization) ?? `ip:${request.ip}`,
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(pathOf(request.url)),
    errorResponseBuilder: (_request, context) => new ZhiduError('RATE_LIMITED', `More than ${context.max} requests a minute for this token; retry in ${context.after}.`),
  });
  installAuth(app, auth);

  // Cut off a request that takes too long (streamed batches run as long as they stream).
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.timeout === false) return;
    const timer = setTimeout(() => {
      if (!reply.sent) void reply.send(new ZhiduError('TIMEOUT', `No answer within ${config.requestTimeoutMs} ms.`));
    }, config.requestTimeoutMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  });
  // Bodiless POSTs (withdraw, revoke) validate as an empty object.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method === 'POST') request.body = {};
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '制度 zhidu — policy decisions API',
        description: 'Client-service policy decisions, revisions and branch overrides. Errors: `{"error": {"code", "message", "details"?}}`; codes in docs/errors.md.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `zhidu token create` or POST /v1/tokens.' } } },
      tags: ['decisions', 'revisions', 'overrides', 'records', 'tokens', 'health'].map((name) => ({ name })),
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => componentName(json as { $id?: string }, i) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' }, validatorUrl: false, staticCSP: true });

  for (const routes of [healthRoutes, decideRoutes, batchRoutes, revisionRoutes, validateRoutes, proposalRoutes, simulateRoutes, recordRoutes, tokenRoutes]) {
    await app.register(async (scope: FastifyInstance) => routes(scope, ctx));
  }
  // The browser editor at `/` (built when stale; see editor-static.ts).
  await app.register(editorStatic);

  // Closing: once an in-flight request has its answer, its keep-alive connection goes too, so
  // shutdown does not wait out the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => { closing = true; });
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
  });

  await cache.start();
  app.addHook('onClose', async () => {
    cache.stop();
    // Answers already given were recorded first; this waits for any record still being written.
    await store.decisions.flush();
  });
  return app;
}
