// Prometheus metrics, one registry per app (tests build many): decisions by kind and headline
// outcome (class, verdict, tier…), request latency by route, the revision in force, and the
// decision recorder's group commits. Labels hold policy ids only, never client data. Per-decision
// counts go through tally.ts, cheap enough for every line of a batch.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HEADLINE, headlineOf } from '../engine/simulate.ts';
import type { Store } from '../store/index.ts';
import type { PolicyCache } from './policy-cache.ts';
import { TallyHistogram, TallyCounter } from './tally.ts';

/** client-profile's headline joins several outcomes: too many combinations for a label. */
const NO_OUTCOME_LABEL = new Set(['client-profile']);
/** Headlines that are a top-level field of the output, read without parsing the pointer each time. */
const TOP_FIELD = new Map(Object.entries(HEADLINE).filter(([, p]) => /^\/[^/~]+$/.test(p)).map(([d, p]) => [d, p.slice(1)]));

/** headlineOf(), cut to a label's length; a string field is taken as it is, as headlineOf does. */
function outcomeOf(decision: string, output: Record<string, unknown>): string {
  if (NO_OUTCOME_LABEL.has(decision)) return '-';
  const field = TOP_FIELD.get(decision);
  const value = field === undefined ? undefined : output[field];
  return (typeof value === 'string' ? value : headlineOf(decision, output)).slice(0, 64);
}

export class Metrics {
  readonly registry = new Registry();
  private readonly decisions: TallyCounter<'decision' | 'outcome'>;
  private readonly refusals: Counter<'decision' | 'code'>;
  private readonly decisionSeconds: TallyHistogram;
  private readonly requestSeconds: TallyHistogram;
  private readonly lines: TallyCounter<'decision'>;

  constructor(store: Store, cache: PolicyCache, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.decisions = new TallyCounter({ name: 'zhidu_decisions_total', help: 'Decisions answered, by decision and headline outcome (class, verdict, tier…).', labelNames: ['decision', 'outcome'], registers });
    this.refusals = new Counter({ name: 'zhidu_decision_refusals_total', help: 'Decisions refused, by decision and error code.', labelNames: ['decision', 'code'], registers });
    this.decisionSeconds = new TallyHistogram(
      'zhidu_decision_duration_seconds', 'Time to evaluate one decision (engine only).',
      [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05], registers,
    );
    this.requestSeconds = new TallyHistogram(
      'zhidu_http_request_duration_seconds', 'HTTP request latency, by route template and status.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers,
    );
    this.lines = new TallyCounter({ name: 'zhidu_batch_lines_total', help: 'NDJSON batch lines answered.', labelNames: ['decision'], registers });
    new Gauge({
      name: 'zhidu_revision_in_force', help: 'Id of the policy revision in force now (head office; branch overrides apply on top).', registers,
      collect() { this.set(cache.revisionInForce()?.id ?? 0); },
    });
    new Gauge({
      name: 'zhidu_revision_in_force_info', help: 'The revision in force now, with its hash, as labels.', labelNames: ['revision', 'hash'], registers,
      collect() {
        this.reset();
        const r = cache.revisionInForce();
        if (r) this.set({ revision: String(r.id), hash: r.hash }, 1);
      },
    });
    new Gauge({
      name: 'zhidu_decision_records_total', help: 'Decision records committed by this process.', registers,
      collect() { this.set(store.decisions.stats.records); },
    });
    new Gauge({
      name: 'zhidu_decision_record_batches_total', help: 'Group commits of decision records by this process.', registers,
      collect() { this.set(store.decisions.stats.batches); },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'zhidu_' });
  }

  decided(decision: string, output: Record<string, unknown>, seconds: number): void {
    const outcome = outcomeOf(decision, output);
    this.decisions.add(decision, outcome, () => ({ decision, outcome }));
    this.decisionSeconds.observe(decision, () => ({ decision }), seconds);
  }

  /** NDJSON batch lines answered (counted a chunk at a time). */
  batchLines(decision: string, n: number): void {
    if (n > 0) this.lines.add(decision, '', () => ({ decision }), n);
  }

  refused(decision: string, code: string): void {
    this.refusals.inc({ decision, code });
  }

  /** One HTTP request answered (app.ts calls it when the request ends). */
  requestEnded(request: FastifyRequest, reply: FastifyReply): void {
    const method = request.method;
    const route = request.route ?? 'unmatched';
    const status = reply.statusCode;
    this.requestSeconds.observe(`${method} ${status} ${route}`, () => ({ method, route, status: String(status) }), reply.elapsedTime / 1000);
  }
}
