// Policy revisions: list and read (every role), publish (head office). Kinds not sent carry
// over from the revision in force; an invalid set is 422 POLICY_INVALID and nothing is stored.
// A publish with effects (scheduled revisions it lands before, overrides it suspends, proposals
// it makes stale) needs them acknowledged; one that changes nothing needs `force`.
import type { FastifyInstance } from 'fastify';
import { actorOf, type Revision } from '../../store/index.ts';
import { HEAD_OFFICE, READERS, principalOf } from '../auth.ts';
import { instantOf, notFound, type ServerContext } from '../context.ts';
import { ref, withErrors } from '../schemas.ts';

const documentsSchema = {
  description: '按类别给出的 YAML 文本。YAML text by kind.',
  type: 'object',
  additionalProperties: { type: 'string' },
};

interface PublishBody {
  documents: Record<string, string>; effectiveFrom?: string; note?: string;
  baseRevision?: number; scheduled?: 'keep' | 'replace'; acknowledge?: true | string; force?: boolean;
}

/** The publish options shared by POST /v1/revisions and POST /v1/validate (a preview of the same publish). */
export const publishOptions = {
  baseRevision: { description: '编辑所依据的版本;此后他人修改了同一类别则 409 REVISION_CONFLICT。The revision the documents were edited from; a kind changed since by another publish is 409 REVISION_CONFLICT.', type: 'integer', minimum: 1 },
  scheduled: {
    description: '本次发布插入到预定版本之前时:keep(默认)在其生效时重新发布该预定版本(变基到本次发布之上);replace 取代之。Scheduled revisions this publish lands before: keep (default) publishes each again at its instant, rebased onto this one; replace supersedes them.',
    type: 'string', enum: ['keep', 'replace'],
  },
} as const;

/** A revision as one YAML stream: what it is in comments, then each document, verbatim, after its own `---`. */
export function revisionBundle(revision: Revision): string {
  const comment = (text: string): string => text.split(/\r?\n/).map((l) => `# ${l}`.trimEnd()).join('\n');
  const effective = revision.effectiveFrom.getTime() === 0 ? 'the beginning (自始)' : revision.effectiveFrom.toISOString();
  const head = [
    `zhidu 制度 · revision ${revision.id} · ${revision.hash}`,
    `effective from ${effective} · published ${revision.publishedAt.toISOString()} by ${revision.publishedBy}`,
    ...(revision.note ? [`note: ${revision.note}`] : []),
    `documents: ${Object.keys(revision.documents).sort().join(', ')}`,
  ];
  const docs = Object.keys(revision.documents).sort().map((kind) => {
    const text = revision.documents[kind]!;
    return `---\n${text}${text.endsWith('\n') ? '' : '\n'}`;
  });
  return `${comment(head.join('\n'))}\n${docs.join('')}`;
}

const publishedSchema = {
  allOf: [ref('api/revision-summary.json'), {
    type: 'object', required: ['rescheduled', 'effects'],
    properties: {
      rescheduled: {
        description: '在本版本之后按原生效时间重新发布的预定版本。Scheduled revisions published again after this one, at their own instants.',
        type: 'array', items: { type: 'object', required: ['replaces', 'id'], properties: { replaces: { type: 'integer' }, id: { type: 'integer' } } },
      },
      effects: { type: 'array', items: ref('api/publish-effect.json') },
    },
  }],
};

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

  app.get<{ Params: { id: number } }>('/v1/revisions/:id/bundle', {
    config: { access: READERS },
    schema: {
      tags: ['revisions'], summary: 'One revision as a YAML bundle to download: every document exactly as published', security: [{ bearer: [] }],
      description: '一个 YAML 文件:开头的注释说明版本、哈希、生效时间、发布人和说明,其后每个文档以 --- 分隔,与发布时逐字节相同。One YAML stream: a header comment (revision, hash, effective from, publisher, note), then each document after a `---` line, byte for byte as published (`zhidu revisions export` writes them as files).',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      produces: ['application/yaml'],
      response: withErrors({ 200: { description: 'YAML', content: { 'application/yaml': { schema: { type: 'string' } } } } }, 404),
    },
  }, async (request, reply) => {
    const revision = await ctx.store.revisions.get(request.params.id);
    if (!revision) throw notFound(`revision ${request.params.id}`);
    return reply.type('application/yaml; charset=utf-8')
      .header('content-disposition', `attachment; filename="zhidu-revision-${revision.id}.yaml"`)
      .send(revisionBundle(revision));
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
          ...publishOptions,
          acknowledge: {
            description: '确认发布的影响:POST /v1/validate 或 409 EFFECTS_UNACKNOWLEDGED 给出的 effectsId(影响变化则再次 409),或 true(接受任何影响)。Acknowledges the effects: the effectsId from POST /v1/validate or the 409 (refused again if they changed), or true for whatever they are.',
            oneOf: [{ type: 'string', pattern: '^sha256:[0-9a-f]{64}$' }, { const: true }],
          },
          force: { description: '即使与现行版本决策完全相同也发布。Publish even when the set decides exactly as the revision in force.', type: 'boolean' },
        },
      },
      response: withErrors({ 201: publishedSchema }, 404, 409, 413, 422),
    },
  }, async (request, reply) => {
    const effectiveFrom = instantOf(request.body.effectiveFrom, 'effectiveFrom');
    const { documents, note, baseRevision, scheduled, acknowledge, force } = request.body;
    const summary = await ctx.store.revisions.publish({
      documents,
      ...(effectiveFrom ? { effectiveFrom } : {}),
      ...(baseRevision !== undefined ? { baseRevision } : {}),
      ...(scheduled ? { scheduled } : {}),
      ...(acknowledge !== undefined ? { acknowledge } : {}),
      ...(force ? { force } : {}),
      note: note ?? '',
      actor: actorOf(principalOf(request)),
    });
    await ctx.cache.refresh();
    return reply.code(201).send(summary);
  });
}
