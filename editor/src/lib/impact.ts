// What an impact preview's result says, and whether it still describes the draft on screen. A
// result belongs to the candidate, decision and clients it ran with; once any of them changes it
// is marked stale rather than left looking current. A run where no client could be decided says
// so, instead of "no client changes".
import type { Simulation } from '../api.ts';

/** What a run was made with; two runs with equal keys would give the same answer. */
export function runKey(parts: { candidate: unknown; decision: string; clients: string }): string {
  return JSON.stringify([parts.candidate, parts.decision, parts.clients]);
}

export type ImpactVerdict =
  /** The file had no readable client: nothing was (or could be) run. */
  | { kind: 'no-clients'; unreadable: number }
  /** Clients were sent, but not one could be decided (every row lacks what the decision needs). */
  | { kind: 'all-undecidable'; total: number }
  | { kind: 'none'; total: number; undecidable: number }
  | { kind: 'changed'; total: number; changed: number; undecidable: number };

/** Clients read from a file before running: none readable means nothing to run. */
export function clientsVerdict(readable: number, unreadable: number): ImpactVerdict | undefined {
  return readable === 0 ? { kind: 'no-clients', unreadable } : undefined;
}

export function impactVerdict(sim: Pick<Simulation, 'total' | 'changed' | 'errors'>): ImpactVerdict {
  const undecidable = sim.errors?.length ?? 0;
  if (sim.total === 0) return { kind: 'no-clients', unreadable: 0 };
  if (undecidable >= sim.total) return { kind: 'all-undecidable', total: sim.total };
  if (sim.changed === 0) return { kind: 'none', total: sim.total, undecidable };
  return { kind: 'changed', total: sim.total, changed: sim.changed, undecidable };
}
