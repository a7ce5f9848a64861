// POST /v1/validate: would these documents publish (as the full set they would make with the
// kinds carried over), or would this override apply to head office's revision in force? Always
// 200 with every problem; nothing is stored. Any role; a branch checks its own overrides only.
import type { FastifyInstance } from 'fastify';
import { ZhiduError } from '../../errors.ts';
import { applyOverride } from '../../policy/override.ts';
import { ANY_ROLE, actFor, principalOf } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { problemOf, problemsOf } from '../error-handler.ts';
import { branchCode, ref, withErrors } from '../schemas.ts';

interface ValidateBody { documents?: Record<string, string>; branch?: string; override?: string }

export async function validateRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post<{ Body: ValidateBody }>('/v1/validate', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['revisions'], summary: 'Check documents or a branch override without storing anything', security: [{ bearer: [] }],
      description: 'Send `{documents: {kind: yamlText}}` or `{branch, override: yamlText}`.',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          documents: { type: 'object', additionalProperties: { type: 'string' } },
          branch: branchCode,
          override: { description: '营业部调整方案 YAML。Override YAML.', type: 'string' },
        },
      },
      response: withErrors({
        200: {
          type: 'object', required: ['valid', 'problems'],
          properties: {
            valid: { type: 'boolean' },
            problems: { type: 'array', items: ref('api/problem.json') },
            changes: { description: '调整方案改动的路径。What the override changes.', type: 'array', items: { type: 'object' } },
          },
        },
      }, 404),
    },
  }, async (request) => {
    const { documents, override } = request.body;
    if ((documents === undefined) === (override === undefined)) {
      throw new ZhiduError('BAD_INPUT', 'Send either documents or an override (with its branch).', [{ field: documents ? '/override' : '/documents', message: 'send exactly one of documents and override' }]);
    }
    if (documents !== undefined) {
      try {
        await ctx.store.revisions.candidate(documents);
        return { valid: true, problems: [] };
      } catch (err) {
        if (err instanceof ZhiduError && err.code === 'POLICY_INVALID') return { valid: false, problems: problemsOf(err.details) ?? [] };
        throw err;
      }
    }
    if (request.body.branch === undefined && principalOf(request).role !== 'branch') {
      throw new ZhiduError('BAD_INPUT', '/branch: is required with an override', [{ field: '/branch', message: 'is required with an override' }]);
    }
    actFor(principalOf(request), request.body.branch);
    const revision = await ctx.store.revisions.at(ctx.now());
    if (!revision) throw new ZhiduError('NOT_FOUND', 'No policy revision is in force to apply the override to.');
    const result = applyOverride(await ctx.store.revisions.policySet(revision.id), override!, 'override');
    const changes = [...result.changes].flatMap(([kind, list]) => list.map((c) => ({ kind, ...c })));
    return { valid: result.valid, problems: result.diagnostics.map(problemOf), changes };
  });
}
