// POST /v1/simulate: the same inputs decided under the policy in force (for the branch, if
// named) and under a candidate — a proposal, new head-office documents or an override — as a
// transition matrix of the headline outcome, with counts and samples. Nothing is stored.
import type { FastifyInstance } from 'fastify';
import { MAX_SIMULATION_INPUTS, simulate } from '../../engine/simulate.ts';
import { ZhiduError } from '../../errors.ts';
import { DECISION_NAMES } from '../../policy/kinds.ts';
import { applyOverride } from '../../policy/override.ts';
import type { PolicySet } from '../../policy/policy-set.ts';
import { ANY_ROLE, actFor, principalOf } from '../auth.ts';
import { instantOf, type ServerContext } from '../context.ts';
import { compilePolicy } from '../policy-cache.ts';
import { visibleProposal } from './proposals.ts';
import { overrideRefused } from '../../store/proposals.ts';
import { branchCode, instant, withErrors } from '../schemas.ts';

interface SimulateBody {
  decision: string;
  branch?: string;
  asOf?: string;
  candidate: { proposalId?: number; documents?: Record<string, string>; override?: string };
  inputs: unknown[];
}

export async function simulateRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post<{ Body: SimulateBody }>('/v1/simulate', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['decisions'], summary: 'Decide the same inputs under the policy in force and under a candidate', security: [{ bearer: [] }],
      description: `At most ${MAX_SIMULATION_INPUTS} inputs (413 PAYLOAD_TOO_LARGE past it; use the batch endpoint). ` +
        'A proposal is simulated for its own branch, applied to the revision in force; documents are a head-office candidate (with the branch\'s override in force on top when a branch is named).',
      body: {
        type: 'object', required: ['decision', 'candidate', 'inputs'], additionalProperties: false,
        properties: {
          decision: { type: 'string', enum: [...DECISION_NAMES] },
          branch: branchCode,
          asOf: instant,
          candidate: {
            type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
            properties: {
              proposalId: { type: 'integer', minimum: 1 },
              documents: { type: 'object', additionalProperties: { type: 'string' } },
              override: { type: 'string' },
            },
          },
          inputs: { type: 'array', items: {} },
        },
      },
      response: withErrors({
        200: {
          type: 'object', required: ['total', 'changed', 'matrix', 'samples', 'errors'],
          properties: {
            total: { type: 'integer' }, changed: { type: 'integer' },
            matrix: { description: 'matrix[现行][候选] = 数量。matrix[from][to] = count.', type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
            samples: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, input: {}, from: { type: 'string' }, to: { type: 'string' } } } },
            errors: { type: 'array', items: { type: 'object' } },
            current: { type: 'object' }, candidate: { type: 'object' },
          },
        },
      }, 404, 413, 422),
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { decision, candidate, inputs } = request.body;
    // Once the response is over (answered, cut off by the request timeout, or its client gone),
    // a simulation still running stops instead of deciding the rest for nobody.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort(new ZhiduError('TIMEOUT', 'The simulation was stopped: nobody waits for its answer.')));
    if (inputs.length > MAX_SIMULATION_INPUTS) {
      throw new ZhiduError('PAYLOAD_TOO_LARGE', `At most ${MAX_SIMULATION_INPUTS} inputs per simulation; got ${inputs.length}. Use the batch endpoint for more.`);
    }
    let branch = request.body.branch;
    let proposal;
    if (candidate.proposalId !== undefined) {
      proposal = await visibleProposal(ctx, principal, candidate.proposalId);
      if (branch !== undefined && branch !== proposal.branch) {
        throw new ZhiduError('BAD_INPUT', `/branch: proposal ${proposal.id} is for branch ${proposal.branch}, not ${branch}.`, [{ field: '/branch', message: 'not the proposal\'s branch' }]);
      }
      branch = proposal.branch;
    }
    branch = actFor(principal, branch);
    const at = instantOf(request.body.asOf, 'asOf') ?? ctx.now();
    const current = await ctx.cache.resolve(branch, at);

    let set: PolicySet;
    let described: Record<string, unknown>;
    const base = await ctx.store.revisions.policySet(current.revision.id);
    if (candidate.documents !== undefined) {
      const c = await ctx.store.revisions.candidate(candidate.documents, at);
      set = c.set;
      described = { documents: Object.keys(candidate.documents), hash: c.hash };
      const inForce = branch === undefined ? undefined : await ctx.store.overrides.at(branch, at);
      if (inForce) {
        const applied = applyOverride(c.set, inForce.override, 'override');
        if (applied.valid) {
          set = applied.effective;
          described = { ...described, override: { id: inForce.id } };
        } else described = { ...described, override: { id: inForce.id, status: 'suspended' } };
      }
    } else {
      const text = proposal ? proposal.override : candidate.override!;
      const applied = applyOverride(base, text, 'override');
      if (!applied.valid) throw overrideRefused(applied);
      set = applied.effective;
      described = proposal ? { proposalId: proposal.id, branch: proposal.branch } : { override: true };
    }
    let result;
    try {
      result = await simulate(current.policy, compilePolicy(set), decision, inputs, { at }, gone.signal);
    } catch (err) {
      // Stopped because the response is over: it was answered already (by the timeout), nothing more to say.
      if (gone.signal.aborted) return undefined;
      throw err;
    }
    return {
      ...result,
      current: { revision: current.revision, ...(branch !== undefined ? { branch } : {}), ...(current.override ? { override: current.override } : {}) },
      candidate: described,
    };
  });
}
