// Tokens over HTTP (the embedded store serves one process, so while the server runs this is how
// head office issues and revokes them), and `GET /v1/me`: who this token is.
import type { FastifyInstance } from 'fastify';
import { actorOf, type Role } from '../../store/index.ts';
import { ANY_ROLE, HEAD_OFFICE, principalOf } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { branchCode, ref, withErrors } from '../schemas.ts';

export async function tokenRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/me', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['tokens'], summary: 'The caller: role, branch, name', security: [{ bearer: [] }],
      response: withErrors({ 200: { type: 'object', required: ['tokenId', 'role', 'name'], properties: { tokenId: { type: 'integer' }, role: { type: 'string' }, branch: branchCode, name: { type: 'string' } } } }),
    },
  }, async (request) => principalOf(request));

  app.post<{ Body: { role: Role; branch?: string; name?: string } }>('/v1/tokens', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['tokens'], summary: 'Issue a token (head office); the token is shown in this answer only', security: [{ bearer: [] }],
      body: {
        type: 'object', required: ['role'], additionalProperties: false,
        properties: { role: { type: 'string', enum: ['head-office', 'branch', 'system', 'auditor'] }, branch: branchCode, name: { type: 'string', maxLength: 200 } },
      },
      response: withErrors({ 201: { allOf: [ref('api/token.json'), { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }] } }),
    },
  }, async (request, reply) => {
    const { token, info } = await ctx.store.tokens.create({ ...request.body, actor: actorOf(principalOf(request)) });
    return reply.code(201).send({ ...info, token });
  });

  app.get('/v1/tokens', {
    config: { access: { roles: ['head-office', 'auditor'] } },
    schema: { tags: ['tokens'], summary: 'List tokens (never the tokens themselves)', security: [{ bearer: [] }], response: withErrors({ 200: { type: 'array', items: ref('api/token.json') } }) },
  }, async () => ctx.store.tokens.list());

  app.post<{ Params: { id: number } }>('/v1/tokens/:id/revoke', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['tokens'], summary: 'Revoke a token (head office); final', security: [{ bearer: [] }],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      response: withErrors({ 200: ref('api/token.json') }, 404),
    },
  }, async (request) => {
    const info = await ctx.store.tokens.revoke(request.params.id, actorOf(principalOf(request)));
    ctx.auth.forget();
    return info;
  });
}
