// Liveness and readiness: no token needed and no rate limit (probes). Metrics: for the roles
// that watch the service (or anyone, or nobody: ZHIDU_METRICS).
import type { FastifyInstance } from 'fastify';
import { ZhiduError } from '../../errors.ts';
import type { Access } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { errorResponse } from '../schemas.ts';

const METRICS_READERS: Access = { roles: ['head-office', 'auditor', 'system'] };

export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/healthz', {
    config: { access: 'public', rateLimit: false },
    schema: { tags: ['health'], summary: 'Liveness', response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: 'public', rateLimit: false },
    schema: {
      tags: ['health'], summary: 'Readiness: the store answers and the policy in force is compiled',
      response: {
        200: {
          type: 'object', required: ['status', 'revision'],
          properties: { status: { const: 'ready' }, revision: { type: 'object', properties: { id: { type: 'integer' }, hash: { type: 'string' } } } },
        },
        503: errorResponse,
      },
    },
  }, async (request) => {
    try {
      await ctx.store.ping();
    } catch {
      throw new ZhiduError('UNAVAILABLE', 'The store does not answer.');
    }
    if (!ctx.cache.ready) throw new ZhiduError('UNAVAILABLE', 'The policy has not been loaded yet.');
    const entry = await ctx.cache.resolve(undefined, ctx.now()).catch((err: unknown) => {
      // Stored content that fails its integrity check is not served; readiness says which, and so does the log.
      if (err instanceof ZhiduError && err.code === 'STORE_INTEGRITY') {
        request.log.error({ code: err.code, integrity: err.details }, 'the policy in force failed its integrity check');
        throw new ZhiduError('UNAVAILABLE', `The policy in force failed its integrity check: ${err.message}`, err.details);
      }
      return undefined;
    });
    if (!entry) throw new ZhiduError('UNAVAILABLE', 'No policy revision in force compiles.');
    return { status: 'ready' as const, revision: entry.revision };
  });

  // Counts of decision outcomes are the firm's business, and the answer is large: by default a
  // token's, rate-limited as any route (ZHIDU_METRICS, config.ts).
  if (ctx.config.metrics === 'off') return;
  const open = ctx.config.metrics === 'public';
  app.get('/metrics', {
    config: { access: open ? 'public' : METRICS_READERS },
    schema: {
      tags: ['health'], summary: 'Prometheus metrics (text exposition format)',
      description: open ? 'Served to anyone (ZHIDU_METRICS=public), rate-limited by address.' : 'A head-office, auditor or system token (ZHIDU_METRICS=token, the default); rate-limited per token.',
      ...(open ? {} : { security: [{ bearer: [] }] }),
    },
  }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
