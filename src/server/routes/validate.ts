// POST /v1/validate: would these documents publish (as the full set they would make with the
// kinds carried over), and what would the publish do (scheduled revisions it lands before,
// branch overrides it suspends, proposals it makes stale, or nothing at all)? Or would this
// override apply to head office's revision in force? Always 200 with every problem; nothing is
// stored. Any role; a branch checks its own overrides only and sees only its own branch's effects.
import type { FastifyInstance } from 'fastify';
import { ZhiduError } from '../../errors.ts';
import { applyOverride } from '../../policy/override.ts';
import type { Principal, PublishEffect } from '../../store/index.ts';
import { ANY_ROLE, actFor, principalOf } from '../auth.ts';
import { instantOf, type ServerContext } from '../context.ts';
import { publishOptions } from './revisions.ts';
import { problemOf, problemsOf } from '../error-handler.ts';
import { branchCode, ref, withErrors } from '../schemas.ts';

interface ValidateBody {
  documents?: Record<string, string>; branch?: string; override?: string;
  effectiveFrom?: string; baseRevision?: number; scheduled?: 'keep' | 'replace';
}

/** Head office and auditors see every effect; a branch its own branch's and the schedule's; a system the schedule's. */
function visibleEffects(principal: Principal, effects: readonly PublishEffect[]): PublishEffect[] {
  if (principal.role === 'head-office' || principal.role === 'auditor') return [...effects];
  return effects.filter((e) => !('branch' in e) || (principal.role === 'branch' && e.branch === principal.branch));
}

export async function validateRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post<{ Body: ValidateBody }>('/v1/validate', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['revisions'], summary: 'Check documents or a branch override without storing anything', security: [{ bearer: [] }],
      description: 'Send `{documents: {kind: yamlText}}` (optionally with the publish options: `effectiveFrom`, `baseRevision`, `scheduled`) or `{branch, override: yamlText}`. For documents, the answer also says what publishing them would do: `effects` (acknowledge them with `effectsId`) and `unchanged` (the set decides exactly as the revision in force).',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          documents: { type: 'object', additionalProperties: { type: 'string' } },
          branch: branchCode,
          override: { description: '营业部调整方案 YAML。Override YAML.', type: 'string' },
          effectiveFrom: { type: 'string', format: 'date-time' },
          ...publishOptions,
        },
      },
      response: withErrors({
        200: {
          type: 'object', required: ['valid', 'problems'],
          properties: {
            valid: { type: 'boolean' },
            problems: { type: 'array', items: ref('api/problem.json') },
            changes: { description: '调整方案改动的路径。What the override changes.', type: 'array', items: { type: 'object' } },
            revision: { description: '发布所依据的现行版本。The revision in force at effectiveFrom the documents build on.', type: 'integer' },
            effectiveFrom: { type: 'string', format: 'date-time' },
            unchanged: { description: '与现行版本决策完全相同(发布须 force)。Decides exactly as the revision in force (publishing needs force).', type: 'boolean' },
            effects: { type: 'array', items: ref('api/publish-effect.json') },
            effectsId: { description: '发布时作为 acknowledge 发送。Send as acknowledge when publishing.', type: 'string' },
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
      const effectiveFrom = instantOf(request.body.effectiveFrom, 'effectiveFrom');
      const { baseRevision, scheduled } = request.body;
      try {
        const plan = await ctx.store.revisions.plan({
          documents, ...(effectiveFrom ? { effectiveFrom } : {}), ...(baseRevision !== undefined ? { baseRevision } : {}), ...(scheduled ? { scheduled } : {}),
        });
        const principal = principalOf(request);
        return {
          valid: true, problems: [], ...(plan.source !== undefined ? { revision: plan.source } : {}), effectiveFrom: plan.effectiveFrom,
          unchanged: plan.unchanged, effects: visibleEffects(principal, plan.effects), ...(principal.role === 'head-office' ? { effectsId: plan.effectsId } : {}),
        };
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
