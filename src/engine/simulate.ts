// Simulation: the same inputs decided under the policy in force and under a candidate (a
// proposal, new documents or an override), summarised as a transition matrix of the decision's
// headline outcome (class → class), with counts and samples of inputs whose outcome moved.
import type { CompiledPolicy, DecideOptions } from './compile.ts';
import { ZhiduError } from '../errors.ts';

/** Where each decision's outcome is in its output (a JSON Pointer), for the transition matrix. */
export const HEADLINE: Readonly<Record<string, string>> = {
  classification: '/class',
  'risk-level': '/level',
  suitability: '/verdict',
  'trading-style': '/style',
  'value-segment': '/segment',
  vip: '/tier',
  satisfaction: '/grade',
  'service-package': '/package',
  complaint: '/severity',
  // The contact plan is the outcome; the request itself always proceeds.
  retention: '/contact/plan',
  // The callbacks due, by id (an empty list is an outcome too).
  callbacks: '/callbacks',
};

/** client-profile runs several decisions: its outcome is theirs, side by side. */
const COMPOSITE = 'client-profile';

function at(value: unknown, pointer: string): unknown {
  let node = value;
  for (const key of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const ids = value.map((v) => (v !== null && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : text(v)));
    return ids.length === 0 ? '(none)' : ids.join('+');
  }
  return JSON.stringify(value);
}

/** The headline outcome of one decision's output (`A`, `block`, `first-trade+annual`). */
export function headlineOf(decision: string, output: Record<string, unknown>): string {
  if (decision === COMPOSITE) {
    return Object.keys(HEADLINE).filter((d) => output[d] !== undefined)
      .map((d) => `${d}:${headlineOf(d, output[d] as Record<string, unknown>)}`).join(' ') || '(none)';
  }
  const pointer = HEADLINE[decision];
  const value = pointer ? at(output, pointer) : undefined;
  return value === undefined ? JSON.stringify(output) : text(value);
}

export interface SimulationSample {
  index: number;
  input: unknown;
  from: string;
  to: string;
}

export interface Simulation {
  total: number;
  changed: number;
  /** matrix[from][to] = how many inputs went from `from` under the policy in force to `to` under the candidate. */
  matrix: Record<string, Record<string, number>>;
  /** Inputs that could not be decided (same error under both), by index. */
  errors: { index: number; code: string; message: string }[];
  samples: SimulationSample[];
}

export const MAX_SIMULATION_INPUTS = 100_000;
const MAX_SAMPLES = 50;
const YIELD_EVERY = 256;

export async function simulate(
  current: CompiledPolicy,
  candidate: CompiledPolicy,
  decision: string,
  inputs: readonly unknown[],
  options: DecideOptions = {},
  /** Aborted when nobody waits for the answer any more (the request was cut off or its client left): deciding stops. */
  signal?: AbortSignal,
): Promise<Simulation> {
  if (inputs.length > MAX_SIMULATION_INPUTS) {
    throw new ZhiduError('PAYLOAD_TOO_LARGE', `At most ${MAX_SIMULATION_INPUTS} inputs per simulation; got ${inputs.length}. Use the batch endpoint for more.`);
  }
  const result: Simulation = { total: inputs.length, changed: 0, matrix: {}, errors: [], samples: [] };
  for (let index = 0; index < inputs.length; index++) {
    // Evaluation settles on microtasks only: yield now and then so timers and other requests run.
    if (index % YIELD_EVERY === YIELD_EVERY - 1) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    const input = inputs[index];
    let from: string;
    let to: string;
    try {
      from = headlineOf(decision, (await current.decide(decision, input, options)).output);
      to = headlineOf(decision, (await candidate.decide(decision, input, options)).output);
    } catch (err) {
      if (err instanceof ZhiduError && err.code === 'BAD_INPUT') {
        result.errors.push({ index, code: err.code, message: err.message });
        continue;
      }
      throw err;
    }
    const row = (result.matrix[from] ??= {});
    row[to] = (row[to] ?? 0) + 1;
    if (from !== to) {
      result.changed++;
      if (result.samples.length < MAX_SAMPLES) result.samples.push({ index, input, from, to });
    }
  }
  return result;
}
