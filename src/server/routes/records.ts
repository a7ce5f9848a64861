// Records: one decision record by id, and the audit trail filtered by branch and action.
// Head office, auditors and systems read every decision record; a branch reads those that
// named it. The audit trail is for head office and auditors; a branch sees its own entries.
import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS } from '../../store/audit.ts';
import { actFor, principalOf } from '../auth.ts';
import { notFound, type ServerContext } from '../context.ts';
import { branchCode, instant, ref, withErrors } from '../schemas.ts';

/** The most entries one request gets. */
const PAGE = 1000;

interface AuditQuery { branch?: string; action?: string; after?: number; limit?: number }

export async function recordRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/v1/decisions/:id', {
    config: { access: { roles: ['head-office', 'auditor', 'system', 'branch'] } },
    schema: {
      tags: ['records'], summary: 'One recorded decision', security: [{ bearer: [] }],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: withErrors({
        200: {
          type: 'object', required: ['decisionId', 'decision', 'input', 'output', 'revision', 'at', 'caller'],
          properties: {
            decisionId: { type: 'string' }, decision: { type: 'string' }, input: {}, output: { type: 'object' }, trace: { type: 'array' },
            revision: { type: 'object', properties: { id: { type: 'integer' }, hash: { type: 'string' } } },
            override: { type: 'object', properties: { id: { type: 'integer' } } },
            branch: branchCode, at: instant, caller: { type: 'string' }, requestId: { type: 'string' },
          },
        },
      }, 404),
    },
  }, async (request) => {
    const r = await ctx.store.decisions.get(request.params.id);
    const principal = principalOf(request);
    // A branch learns nothing about other branches' records, not even that they exist.
    if (!r || (principal.role === 'branch' && r.branch !== principal.branch)) throw notFound(`recorded decision ${request.params.id}`);
    return {
      decisionId: r.decisionId, decision: r.decision, input: r.input, output: r.output, ...(r.trace !== undefined ? { trace: r.trace } : {}),
      revision: { id: r.revisionId, hash: r.revisionHash }, ...(r.overrideId !== undefined ? { override: { id: r.overrideId } } : {}),
      ...(r.branch !== undefined ? { branch: r.branch } : {}), at: r.at, caller: r.caller, ...(r.requestId !== undefined ? { requestId: r.requestId } : {}),
    };
  });

  app.get<{ Querystring: AuditQuery }>('/v1/audit', {
    config: { access: { roles: ['head-office', 'auditor', 'branch'] } },
    schema: {
      tags: ['records'], summary: 'The audit trail: every publish, proposal step, approval and token change', security: [{ bearer: [] }],
      description: 'Oldest first. Page with `after` (the last `seq` seen). `branch` keeps the entries about that branch (proposals, its tokens).',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          branch: branchCode,
          action: { type: 'string', enum: [...AUDIT_ACTIONS] },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: PAGE },
        },
      },
      response: withErrors({ 200: { type: 'array', items: ref('api/audit-entry.json') } }),
    },
  }, async (request) => {
    const branch = actFor(principalOf(request), request.query.branch);
    const { action } = request.query;
    const limit = request.query.limit ?? 100;
    // Filtered in the store (indexed by action and by branch).
    return ctx.store.audit.list({ afterSeq: request.query.after ?? 0, limit, ...(action !== undefined ? { action } : {}), ...(branch !== undefined ? { branch } : {}) });
  });
}
