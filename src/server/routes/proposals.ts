// Branch overrides: proposals (submit, list, read with the diff against the base, approve,
// reject, withdraw) and the effective policy of a branch at an instant. A branch token reads
// and proposes for its own code only; head office approves and rejects, never its own
// proposal (the store refuses a submitter's approval); withdrawing is for the submitting branch.
import type { FastifyInstance } from 'fastify';
import { ZhiduError } from '../../errors.ts';
import { actorOf, PROPOSAL_STATUSES, type Principal, type Proposal, type ProposalStatus } from '../../store/index.ts';
import { ANY_ROLE, HEAD_OFFICE, READERS, actFor, principalOf } from '../auth.ts';
import { instantOf, notFound, type ServerContext } from '../context.ts';
import { problemOf } from '../error-handler.ts';
import { branchCode, instant, ref, withErrors } from '../schemas.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };
const codeParams = { type: 'object', required: ['code'], properties: { code: branchCode } };
const commentBody = { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 2000 } } };

/** A proposal the caller may see; another branch's reads as one that does not exist (a 403 would say whose it is). */
export async function visibleProposal(ctx: ServerContext, principal: Principal, id: number): Promise<Proposal> {
  const p = await ctx.store.proposals.get(id);
  if (!p || (principal.role === 'branch' && p.branch !== principal.branch)) throw notFound(`proposal ${id}`);
  return p;
}

export async function proposalRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post<{ Params: { code: string }; Body: { baseRevision: number; override: string; reason: string } }>('/v1/branches/:code/proposals', {
    config: { access: { roles: ['head-office', 'branch'] } },
    schema: {
      tags: ['overrides'], summary: 'Propose an override for a branch (that branch, or head office)', security: [{ bearer: [] }],
      params: codeParams,
      body: {
        type: 'object', required: ['baseRevision', 'override', 'reason'], additionalProperties: false,
        properties: {
          baseRevision: { description: '调整所依据的总部制度版本。The revision the override is written against.', type: 'integer', minimum: 1 },
          override: { description: '按类别的部分文档(YAML)。Partial documents by kind (YAML).', type: 'string' },
          reason: { type: 'string', maxLength: 2000 },
        },
      },
      response: withErrors({ 201: ref('api/proposal.json') }, 404, 422),
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const branch = actFor(principal, request.params.code)!;
    const p = await ctx.store.proposals.submit({ branch, ...request.body, actor: actorOf(principal) });
    return reply.code(201).send(p);
  });

  app.get<{ Querystring: { branch?: string; status?: ProposalStatus } }>('/v1/proposals', {
    config: { access: READERS },
    schema: {
      tags: ['overrides'], summary: 'List proposals (a branch token sees its own)', security: [{ bearer: [] }],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { branch: branchCode, status: { type: 'string', enum: [...PROPOSAL_STATUSES] } },
      },
      response: withErrors({ 200: { type: 'array', items: ref('api/proposal.json') } }),
    },
  }, async (request) => {
    const branch = actFor(principalOf(request), request.query.branch);
    return ctx.store.proposals.list({ ...(branch !== undefined ? { branch } : {}), ...(request.query.status ? { status: request.query.status } : {}) });
  });

  app.get<{ Params: { id: number } }>('/v1/proposals/:id', {
    config: { access: READERS },
    schema: {
      tags: ['overrides'], summary: 'One proposal with its diff against its base revision', security: [{ bearer: [] }],
      params: idParams,
      response: withErrors({
        200: {
          allOf: [ref('api/proposal.json'), {
            type: 'object', required: ['diff', 'problems'],
            properties: {
              diff: {
                type: 'array',
                items: { type: 'object', required: ['kind', 'path', 'op'], properties: { kind: { type: 'string' }, path: { type: 'string' }, op: { type: 'string', enum: ['add', 'remove', 'change'] }, before: {}, after: {} } },
              },
              problems: { description: '相对其基准版本的问题(一般为空)。Problems against its base (normally none).', type: 'array', items: ref('api/problem.json') },
            },
          }],
        },
      }, 404),
    },
  }, async (request) => {
    const p = await visibleProposal(ctx, principalOf(request), request.params.id);
    const { changes, diagnostics } = await ctx.store.proposals.diff(p.id);
    const diff = [...changes].flatMap(([kind, list]) => list.map((c) => ({ kind, ...c })));
    return { ...p, diff, problems: diagnostics.map(problemOf) };
  });

  app.post<{ Params: { id: number }; Body: { comment?: string; effectiveFrom?: string } }>('/v1/proposals/:id/approve', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['overrides'], summary: 'Approve (head office; never the submitter)', security: [{ bearer: [] }],
      description: 'The override applies to decisions naming the branch from `effectiveFrom` (default: at once). A base that moved under the override\'s paths is 409 PROPOSAL_STALE.',
      params: idParams,
      body: { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 2000 }, effectiveFrom: instant } },
      response: withErrors({
        200: { allOf: [ref('api/proposal.json'), { type: 'object', required: ['effective'], properties: { effective: { type: 'object', properties: { overrideId: { type: 'integer' }, baseRevision: { type: 'integer' }, effectiveFrom: instant } } } }] },
      }, 404, 409, 422),
    },
  }, async (request) => {
    const effectiveFrom = instantOf(request.body.effectiveFrom, 'effectiveFrom');
    const { proposal, override } = await ctx.store.proposals.approve({
      id: request.params.id, actor: actorOf(principalOf(request)),
      ...(request.body.comment !== undefined ? { comment: request.body.comment } : {}), ...(effectiveFrom ? { effectiveFrom } : {}),
    });
    await ctx.cache.refresh();
    return { ...proposal, effective: { overrideId: override.id, baseRevision: override.baseRevision, effectiveFrom: override.effectiveFrom } };
  });

  app.post<{ Params: { id: number }; Body: { comment?: string } }>('/v1/proposals/:id/reject', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['overrides'], summary: 'Reject (head office)', security: [{ bearer: [] }],
      params: idParams, body: commentBody, response: withErrors({ 200: ref('api/proposal.json') }, 404, 409),
    },
  }, async (request) => ctx.store.proposals.reject({ id: request.params.id, actor: actorOf(principalOf(request)), ...(request.body.comment !== undefined ? { comment: request.body.comment } : {}) }));

  app.post<{ Params: { id: number }; Body: { comment?: string } }>('/v1/proposals/:id/withdraw', {
    config: { access: { roles: ['branch', 'head-office'] } },
    schema: {
      tags: ['overrides'], summary: 'Withdraw (the submitting branch, or whoever submitted it)', security: [{ bearer: [] }],
      params: idParams, body: commentBody, response: withErrors({ 200: ref('api/proposal.json') }, 404, 409),
    },
  }, async (request) => {
    const principal = principalOf(request);
    const p = await visibleProposal(ctx, principal, request.params.id);
    if (principal.role !== 'branch' && p.submittedBy !== actorOf(principal)) {
      throw new ZhiduError('FORBIDDEN', `Proposal ${p.id} is branch ${p.branch}'s to withdraw; head office rejects it instead.`);
    }
    return ctx.store.proposals.withdraw({ id: p.id, actor: actorOf(principal), ...(request.body.comment !== undefined ? { comment: request.body.comment } : {}) });
  });

  app.get<{ Params: { code: string }; Querystring: { asOf?: string } }>('/v1/branches/:code/policy', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['overrides'], summary: 'The effective policy of a branch at an instant', security: [{ bearer: [] }],
      params: codeParams,
      querystring: { type: 'object', additionalProperties: false, properties: { asOf: instant } },
      response: withErrors({
        200: {
          type: 'object', required: ['branch', 'asOf', 'revision', 'overrideStatus', 'hash', 'documents', 'problems'],
          properties: {
            branch: branchCode, asOf: instant, revision: ref('api/revision-summary.json'),
            override: { type: 'object', properties: { id: { type: 'integer' }, proposalId: { type: 'integer' }, baseRevision: { type: 'integer' }, override: { type: 'string' }, effectiveFrom: instant, approvedAt: instant, approvedBy: { type: 'string' } } },
            overrideStatus: { type: 'string', enum: ['none', 'applied', 'suspended'] },
            hash: { description: '生效文档的哈希。Hash of the effective documents.', type: 'string' },
            documents: { description: '生效文档(JSON)。The effective documents as JSON, by kind.', type: 'object' },
            problems: { type: 'array', items: ref('api/problem.json') },
          },
        },
      }, 404),
    },
  }, async (request) => {
    const branch = actFor(principalOf(request), request.params.code)!;
    const asOf = instantOf(request.query.asOf, 'asOf') ?? ctx.now();
    const e = await ctx.store.overrides.effectivePolicy(branch, asOf);
    return {
      branch, asOf, revision: e.revision, ...(e.override ? { override: e.override } : {}), overrideStatus: e.overrideStatus,
      hash: e.hash, documents: Object.fromEntries([...e.set.documents].map(([kind, d]) => [kind, d.value])), problems: e.problems.map(problemOf),
    };
  });

  app.post<{ Params: { id: number }; Body: { override?: string; reason?: string } }>('/v1/proposals/:id/rebase', {
    config: { access: { roles: ['branch', 'head-office'] } },
    schema: {
      tags: ['overrides'], summary: 'Rebase a pending proposal onto the revision in force (the submitting branch, or whoever submitted it)', security: [{ bearer: [] }],
      description: '一步变基:以现行版本为基准提交同一(或修改后的)调整,并取代原申请。One step: the same override (or the one sent) proposed against the revision in force; the old proposal ends as superseded.',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          override: { description: '修改后的调整(缺省为原调整)。The override, edited (default: the same).', type: 'string' },
          reason: { type: 'string', maxLength: 2000 },
        },
      },
      response: withErrors({ 201: ref('api/proposal.json') }, 404, 409, 422),
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const p = await visibleProposal(ctx, principal, request.params.id);
    if (principal.role !== 'branch' && p.submittedBy !== actorOf(principal)) {
      throw new ZhiduError('FORBIDDEN', `Proposal ${p.id} is branch ${p.branch}'s to rebase; head office asks the branch to (request-rebase).`);
    }
    const { override, reason } = request.body;
    const rebased = await ctx.store.proposals.rebase({ id: p.id, actor: actorOf(principal), ...(override !== undefined ? { override } : {}), ...(reason !== undefined ? { reason } : {}) });
    return reply.code(201).send(rebased);
  });

  app.post<{ Params: { id: number }; Body: { comment?: string } }>('/v1/proposals/:id/request-rebase', {
    config: { access: HEAD_OFFICE },
    schema: {
      tags: ['overrides'], summary: 'Ask the branch to rebase a pending proposal (head office)', security: [{ bearer: [] }],
      description: '总部请营业部按现行版本重新确认(通常因申请已过时);申请保持待审批。The proposal stays pending; the branch sees the request and the comment.',
      params: idParams, body: commentBody, response: withErrors({ 200: ref('api/proposal.json') }, 404, 409),
    },
  }, async (request) => ctx.store.proposals.requestRebase({ id: request.params.id, actor: actorOf(principalOf(request)), ...(request.body.comment !== undefined ? { comment: request.body.comment } : {}) }));

  app.get<{ Querystring: { branch?: string } }>('/v1/overrides', {
    config: { access: READERS },
    schema: {
      tags: ['overrides'], summary: 'Branch overrides in force and approved for later, with their status (a branch token sees its own)', security: [{ bearer: [] }],
      description: '总部据此查看各营业部被暂停的调整及原因。Head office sees each branch\'s suspended overrides and why.',
      querystring: { type: 'object', additionalProperties: false, properties: { branch: branchCode } },
      response: withErrors({
        200: {
          type: 'array',
          items: {
            type: 'object', required: ['id', 'branch', 'proposalId', 'baseRevision', 'override', 'effectiveFrom', 'approvedAt', 'approvedBy', 'inForce', 'revision', 'status', 'problems'],
            properties: {
              id: { type: 'integer' }, branch: branchCode, proposalId: { type: 'integer' }, baseRevision: { type: 'integer' }, override: { type: 'string' },
              effectiveFrom: instant, approvedAt: instant, approvedBy: { type: 'string' },
              inForce: { description: '现行(否则为预定生效)。In force now (else it takes force at effectiveFrom).', type: 'boolean' },
              revision: { description: '其适用的总部版本。The head-office revision it applies to.', type: 'integer' },
              status: { type: 'string', enum: ['applied', 'suspended'] },
              problems: { type: 'array', items: ref('api/problem.json') },
            },
          },
        },
      }),
    },
  }, async (request) => {
    const branch = actFor(principalOf(request), request.query.branch);
    const states = await ctx.store.overrides.states(branch);
    return states.map((s) => ({ ...s.override, inForce: s.inForce, revision: s.revision, status: s.status, problems: s.problems.map(problemOf) }));
  });
}
