// One decision as the server answers it: evaluate on the compiled policy in force, count it,
// and — when the policy says to keep records of this decision — store the record durably
// before the answer leaves (a failed record fails the request; nothing unrecorded is answered).
import { randomUUID } from 'node:crypto';
import type { TraceStep } from '../engine/rules.ts';
import { ZhiduError } from '../errors.ts';
import { actorOf, type Principal } from '../store/index.ts';
import type { ServerContext } from './context.ts';
import type { PolicyEntry } from './policy-cache.ts';

export interface DecisionAsked {
  decision: string;
  input: unknown;
  branch?: string;
  at: Date;
  explain: boolean;
  principal: Principal;
  requestId: string;
}

export interface DecisionAnswer {
  decision: string;
  output: Record<string, unknown>;
  revision: { id: number; hash: string };
  branch?: string;
  override?: { id: number; status: 'applied' | 'suspended' };
  decisionId: string;
  recorded: boolean;
  trace?: TraceStep[];
}

export async function decideOne(ctx: ServerContext, entry: PolicyEntry, asked: DecisionAsked): Promise<DecisionAnswer> {
  const started = process.hrtime.bigint();
  let result;
  try {
    result = await entry.policy.decide(asked.decision, asked.input, { at: asked.at, explain: asked.explain });
  } catch (err) {
    ctx.metrics.refused(asked.decision, err instanceof ZhiduError ? err.code : 'INTERNAL');
    throw err;
  }
  ctx.metrics.decided(asked.decision, result.output, Number(process.hrtime.bigint() - started) / 1e9);
  const decisionId = randomUUID();
  const recorded = entry.recorded.has(asked.decision);
  const applied = entry.override?.status === 'applied' ? entry.override : undefined;
  if (recorded) {
    await ctx.store.decisions.record({
      decisionId,
      revisionId: entry.revision.id,
      revisionHash: entry.revision.hash,
      ...(applied ? { overrideId: applied.id } : {}),
      ...(asked.branch !== undefined ? { branch: asked.branch } : {}),
      decision: asked.decision,
      input: asked.input,
      output: result.output,
      ...(result.trace ? { trace: result.trace } : {}),
      caller: actorOf(asked.principal),
      requestId: asked.requestId,
    });
  }
  return {
    decision: result.decision,
    output: result.output,
    revision: entry.revision,
    ...(asked.branch !== undefined ? { branch: asked.branch } : {}),
    ...(entry.override ? { override: entry.override } : {}),
    decisionId,
    recorded,
    ...(result.trace ? { trace: result.trace } : {}),
  };
}

/** Engine BAD_INPUT names fields inside the input; over HTTP they are named inside the body sent. */
export function underPointer(err: unknown, prefix: string): unknown {
  if (!(err instanceof ZhiduError) || err.code !== 'BAD_INPUT' || !err.details) return err;
  const details = err.details.map((d) => {
    const o = d as { field?: unknown };
    return typeof o.field === 'string' ? { ...o, field: prefix + o.field } : d;
  });
  const original = (err.details[0] as { field?: unknown } | undefined)?.field;
  const named = typeof original === 'string' ? `${original || 'input'}:` : undefined;
  const message = named && err.message.includes(named) ? err.message.replace(named, `${prefix}${original}:`) : err.message;
  return new ZhiduError('BAD_INPUT', message, details);
}
