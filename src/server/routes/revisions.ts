// Policy revisions: list and read (every role), publish (head office). Kinds not sent carry
// over from the revision in force; an invalid set is 422 POLICY_INVALID and nothing is stored.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../store/index.ts';
import { HEAD_OFFICE, READERS, principalOf } from '../auth.ts';
import { instantOf, notFound, type ServerContext } from '../context.ts';
import { ref, withErrors } from '../schemas.ts';

const documentsSchema = {
  description: '按类别给出的 YAML 文本。YAML text by kind.',
  type: 'object',
  additionalProperties: { type: 'string' },
};

interface PublishBody { documents: Record<string, string>; effectiveFrom?: string; note?: string }

export async function revisionRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/revisions', {
    config: { access: READERS },
    schema: {
      tags: ['revisions'], summary: 'List policy revisions', security: [{ bearer: [] }],
      response: withErrors({ 200: { type: 'array', items: ref('api/revision-summary.json') } }),
    },
  }, async () => ctx.store.revisions.list());

  app.get<{ Params: { id: number } }>('/v1/revisions/:id', {
    config: { access: READERS },
    schema: {
      tags: ['revisions'], summary: 'One revision with its documents', security: [{ bearer: [] }],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      response: withErrors({
        200: { allOf: [ref('api/revision-summary.json'), { type: 'object', required: ['documents'], properties: { documents: documentsSchema } }] },
      }, 404),
    },
  }, async (request) => {
    const revision = await ctx.store.revisions.get(request.params.id);
    if (!revision) throw notFound(`revision ${request.params.id}`);
    return revision;
  });

  app.post<{ Body: PublishBody }>('/v1/revisions', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['revisions'], summary: 'Publish a revision (head office)', security: [{ bearer: [] }],
      description: 'Kinds not sent carry over from the revision in force at `effectiveFrom` (default: now; never in the past).',
      body: {
        type: 'object', required: ['documents'], additionalProperties: false,
        properties: {
          documents: documentsSchema,
          effectiveFrom: { type: 'string', format: 'date-time' },
          note: { type: 'string', maxLength: 2000 },
        },
      },
      response: withErrors({ 201: ref('api/revision-summary.json') }, 409, 413, 422),
    },
  }, async (request, reply) => {
    const effectiveFrom = instantOf(request.body.effectiveFrom, 'effectiveFrom');
    const summary = await ctx.store.revisions.publish({
      documents: request.body.documents,
      ...(effectiveFrom ? { effectiveFrom } : {}),
      note: request.body.note ?? '',
      actor: actorOf(principalOf(request)),
    });
    await ctx.cache.refresh();
    return reply.code(201).send(summary);
  });
}
