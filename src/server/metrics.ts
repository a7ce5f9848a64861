// Prometheus metrics, one registry per app (tests build many): decisions by kind and headline
// outcome (class, verdict, tier…), request latency by route, the revision in force, and the
// decision recorder's group commits. Labels hold policy ids only, never client data.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { headlineOf } from '../engine/simulate.ts';
import type { Store } from '../store/index.ts';
import type { PolicyCache } from './policy-cache.ts';

/** client-profile's headline joins several outcomes: too many combinations for a label. */
const NO_OUTCOME_LABEL = new Set(['client-profile']);

export class Metrics {
  readonly registry = new Registry();
  private readonly decisions: Counter<'decision' | 'outcome'>;
  private readonly refusals: Counter<'decision' | 'code'>;
  private readonly decisionSeconds: Histogram<'decision'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly batchLines: Counter<'decision'>;

  constructor(store: Store, cache: PolicyCache, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.decisions = new Counter({ name: 'zhidu_decisions_total', help: 'Decisions answered, by decision and headline outcome (class, verdict, tier…).', labelNames: ['decision', 'outcome'], registers });
    this.refusals = new Counter({ name: 'zhidu_decision_refusals_total', help: 'Decisions refused, by decision and error code.', labelNames: ['decision', 'code'], registers });
    this.decisionSeconds = new Histogram({
      name: 'zhidu_decision_duration_seconds', help: 'Time to evaluate one decision (engine only).', labelNames: ['decision'], registers,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    });
    this.requestSeconds = new Histogram({
      name: 'zhidu_http_request_duration_seconds', help: 'HTTP request latency, by route template and status.', labelNames: ['method', 'route', 'status'], registers,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    });
    this.batchLines = new Counter({ name: 'zhidu_batch_lines_total', help: 'NDJSON batch lines answered.', labelNames: ['decision'], registers });
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
    const outcome = NO_OUTCOME_LABEL.has(decision) ? '-' : headlineOf(decision, output).slice(0, 64);
    this.decisions.inc({ decision, outcome });
    this.decisionSeconds.observe({ decision }, seconds);
  }

  refused(decision: string, code: string): void {
    this.refusals.inc({ decision, code });
  }

  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      this.requestSeconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  }
}
