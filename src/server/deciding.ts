// One decision as the server answers it: evaluate on the compiled policy in force, count it,
// and — when the policy says to keep records of this decision — store the record durably
// before the answer leaves (a failed record fails the request; nothing unrecorded is answered).
// Records are bounded per caller: an auditor's decisions are answered and never recorded (the
// auditor changes nothing); a record larger than the server keeps is refused with 413, a caller
// past its recorded decisions for the minute with 429 — in both cases nothing is answered.
// The fast path answers without a Promise: at HTTP rates the Promise layers cost more than the rules.
import { randomUUID } from 'node:crypto';
import type { DecisionResult } from '../engine/compile.ts';
import { ByteSink, writeJson } from '../engine/json-bytes.ts';
import { WouldWaitError } from '../engine/fast-steps.ts';
import type { TraceStep } from '../engine/rules.ts';
import { inputMessage, ZhiduError, type InputProblem } from '../errors.ts';
import { RecordTooLarge } from '../store/decisions.ts';
import { actorOf, type Principal } from '../store/index.ts';
import type { RecordingRole } from './config.ts';
import type { ServerContext } from './context.ts';
import type { PolicyEntry } from './policy-cache.ts';
import { RateLimiter, RetryLater } from './rate-limit.ts';

export interface DecisionAsked {
  decision: string;
  input: unknown;
  branch: string | undefined;
  at: Date;
  explain: boolean;
  principal: Principal;
  requestId: string;
}

export interface DecisionAnswer {
  decision: string;
  output: Record<string, unknown>;
  revision: { readonly id: number; readonly hash: string };
  branch: string | undefined;
  override: { readonly id: number; readonly status: 'applied' | 'suspended' } | undefined;
  decisionId: string;
  recorded: boolean;
  trace: TraceStep[] | undefined;
}

/** Recorded decisions a minute per token, by role (config recordsPerMinute). */
export class RecordLimits {
  private readonly limiters: Readonly<Record<RecordingRole, RateLimiter>>;

  constructor(perMinute: Readonly<Record<RecordingRole, number>>) {
    this.limiters = { system: new RateLimiter(perMinute.system), 'head-office': new RateLimiter(perMinute['head-office']), branch: new RateLimiter(perMinute.branch) };
  }

  /** Counts one recorded decision for the caller; the refusal, once past its allowance for the minute. */
  take(principal: Principal & { role: RecordingRole }, now = Date.now()): RetryLater | undefined {
    const limiter = this.limiters[principal.role];
    if (limiter.count(principal.tokenId, now) <= limiter.max) return undefined;
    const wait = limiter.full(principal.tokenId, now);
    return new RetryLater(`More than ${limiter.max} recorded decisions a minute for a ${principal.role} token; retry in ${wait} s.`, wait);
  }
}

/** Whether this caller's `decision` under `entry` is recorded: the policy says so, and the caller is not an auditor. */
export function recordable(entry: PolicyEntry, decision: string, principal: Principal): principal is Principal & { role: RecordingRole } {
  return principal.role !== 'auditor' && entry.recorded.has(decision);
}

/** Whether the decision asked is to be recorded, taking it from the caller's allowance (or refusing, before anything is decided). */
function recording(ctx: ServerContext, entry: PolicyEntry, asked: DecisionAsked): boolean {
  const { principal } = asked;
  if (!recordable(entry, asked.decision, principal)) return false;
  const refused = ctx.records.take(principal);
  if (refused) throw refused;
  return true;
}

/**
 * One decision, answered synchronously whenever nothing has to wait: no explain, no record to
 * store, and every rule set on the fast path (decideSync). Otherwise a Promise, as decideOne.
 */
export function decideNow(ctx: ServerContext, entry: PolicyEntry, asked: DecisionAsked): DecisionAnswer | Promise<DecisionAnswer> {
  const recorded = recording(ctx, entry, asked);
  if (asked.explain) return decideOne(ctx, entry, asked, recorded);
  const result = decideFast(ctx, entry, asked.decision, asked.input, asked.at);
  return result === undefined ? decideOne(ctx, entry, asked, recorded) : answered(ctx, entry, asked, result, recorded);
}

/**
 * The fast path alone, for a batch line: the result, or undefined when it would have to wait
 * (a rule set off the fast path: use decideOne). The caller checks that nothing is to be
 * recorded or explained; refusals are counted and thrown.
 */
export function decideFast(ctx: ServerContext, entry: PolicyEntry, decision: string, input: unknown, at: Date): DecisionResult | undefined {
  const started = performance.now();
  let result: DecisionResult;
  try {
    result = entry.policy.decideSync(decision, input, { at });
  } catch (err) {
    if (err instanceof WouldWaitError) return undefined;
    ctx.metrics.refused(decision, err instanceof ZhiduError ? err.code : 'INTERNAL');
    throw err;
  }
  ctx.metrics.decided(decision, result.output, (performance.now() - started) / 1000);
  return result;
}

/** One decision through the engine's async decide() (explain, or rules off the fast path). */
export async function decideOne(ctx: ServerContext, entry: PolicyEntry, asked: DecisionAsked, recorded = recording(ctx, entry, asked)): Promise<DecisionAnswer> {
  const started = performance.now();
  let result;
  try {
    result = await entry.policy.decide(asked.decision, asked.input, { at: asked.at, explain: asked.explain });
  } catch (err) {
    ctx.metrics.refused(asked.decision, err instanceof ZhiduError ? err.code : 'INTERNAL');
    throw err;
  }
  ctx.metrics.decided(asked.decision, result.output, (performance.now() - started) / 1000);
  return answered(ctx, entry, asked, result, recorded);
}

/** A record too large to keep, as the caller is told: the sizes, the limit, and that nothing was answered. */
function tooLarge(err: unknown): never {
  if (!(err instanceof RecordTooLarge)) throw err;
  const n = (x: number): string => x.toLocaleString('en-US');
  const { size } = err;
  throw new ZhiduError('PAYLOAD_TOO_LARGE', `The decision record would hold ${n(size.total)} bytes of JSON (input ${n(size.input)}, output ${n(size.output)}, trace ${n(size.trace)}); ` +
    `this server keeps records of at most ${n(err.limit)} bytes, and this decision must be recorded before it is answered. Send a smaller input.`);
}

/** The answer (fixed shape: JSON leaves out the fields that are undefined), once recorded if it is to be. */
function answered(ctx: ServerContext, entry: PolicyEntry, asked: DecisionAsked, result: DecisionResult, recorded: boolean): DecisionAnswer | Promise<DecisionAnswer> {
  const answer: DecisionAnswer = {
    decision: result.decision,
    output: result.output,
    revision: entry.revision,
    branch: asked.branch,
    override: entry.override,
    decisionId: randomUUID(),
    recorded,
    trace: result.trace,
  };
  if (!recorded) return answer;
  const applied = entry.override?.status === 'applied' ? entry.override : undefined;
  return ctx.store.decisions.record({
    decisionId: answer.decisionId,
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
  }, ctx.config.recordMaxBytes).then(() => answer, tooLarge);
}

function isInputList(details: readonly unknown[]): details is InputProblem[] {
  return details.every((d) => typeof (d as InputProblem).field === 'string' && typeof (d as InputProblem).message === 'string');
}

/** Engine BAD_INPUT names fields inside the input; over HTTP they are named inside the body sent. */
export function underPointer(err: unknown, prefix: string): unknown {
  if (!(err instanceof ZhiduError) || err.code !== 'BAD_INPUT' || !err.details) return err;
  const details = err.details.map((d) => {
    const o = d as { field?: unknown };
    return typeof o.field === 'string' ? { ...o, field: prefix + o.field } : d;
  });
  // A message that lists the details (badInputs), perhaps after a prefix such as the decision's name, lists them again.
  if (isInputList(err.details) && isInputList(details) && err.message.endsWith(inputMessage(err.details))) {
    return new ZhiduError('BAD_INPUT', err.message.slice(0, err.message.length - inputMessage(err.details).length) + inputMessage(details), details);
  }
  const original = (err.details[0] as { field?: unknown } | undefined)?.field;
  const named = typeof original === 'string' ? `${original || 'input'}:` : undefined;
  const message = named && err.message.includes(named) ? err.message.replace(named, `${prefix}${original}:`) : err.message;
  return new ZhiduError('BAD_INPUT', message, details);
}

/** Answers are written one after another into this buffer and handed out as slices (a slice is never written over). */
const sink = new ByteSink(64 * 1024);
const DECISION = Buffer.from('{"decision":');
const OUTPUT = Buffer.from(',"output":');
const REVISION = Buffer.from(',"revision":');
const BRANCH = Buffer.from(',"branch":');
const OVERRIDE = Buffer.from(',"override":');
const DECISION_ID = Buffer.from(',"decisionId":"');
const RECORDED = Buffer.from('","recorded":true');
const UNRECORDED = Buffer.from('","recorded":false');
const TRACE = Buffer.from(',"trace":');

/**
 * An answer as JSON.stringify would write it, as UTF-8 bytes: keys, labels and the revision are
 * copied from memory (json-bytes.ts) instead of stringified and then encoded again for the socket
 * (about 3 µs of a request's ~50).
 */
export function answerBytes(a: DecisionAnswer): Buffer {
  try {
    sink.bytes(DECISION);
    writeJson(sink, a.decision);
    sink.bytes(OUTPUT);
    writeJson(sink, a.output);
    sink.bytes(REVISION);
    writeJson(sink, a.revision);
    if (a.branch !== undefined) {
      sink.bytes(BRANCH);
      writeJson(sink, a.branch);
    }
    if (a.override !== undefined) {
      sink.bytes(OVERRIDE);
      writeJson(sink, a.override);
    }
    sink.bytes(DECISION_ID);
    sink.ascii(a.decisionId);
    sink.bytes(a.recorded ? RECORDED : UNRECORDED);
    if (a.trace !== undefined) {
      sink.bytes(TRACE);
      sink.text(JSON.stringify(a.trace));
    }
    sink.byte(0x7d);
    return sink.take()!;
  } catch (err) {
    sink.drop();
    throw err;
  }
}
