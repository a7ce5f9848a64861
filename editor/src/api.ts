// The HTTP client for the API.md contract. Every failure becomes an ApiError carrying the
// server's stable code and details (positions of policy problems included), or NETWORK when
// the server could not be reached.
import { problemsFrom, type PolicyProblem } from './lib/markers.ts';
import { principalFrom, type Principal } from './lib/roles.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: unknown[] = []) {
    super(message);
  }
}

export interface RevisionSummary {
  id: number;
  hash: string;
  status: 'active' | 'scheduled' | 'superseded';
  effectiveFrom: string;
  publishedAt: string;
  publishedBy: string;
  note: string;
}

export interface Revision extends RevisionSummary {
  documents: Record<string, string>;
}

export interface ProposalStep { action: string; actor: string; at: string; comment: string }

export interface Proposal {
  id: number;
  branch: string;
  baseRevision: number;
  override: string;
  reason: string;
  submittedBy: string;
  submittedAt: string;
  status: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
  steps?: ProposalStep[];
  diff?: unknown;
  [more: string]: unknown;
}

export interface Validation { valid: boolean; problems: unknown[] }

/**
 * A validation's verdict and positioned problems, whichever way the server gives them: 200 with
 * `problems`, or 422 with them as the error's details. Other failures are thrown.
 */
export async function validationOutcome(validation: Promise<Validation>): Promise<{ valid: boolean; problems: PolicyProblem[] }> {
  try {
    const res = await validation;
    const problems = problemsFrom(res.problems);
    return { valid: res.valid && problems.length === 0, problems };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 422) throw err;
    return { valid: false, problems: problemsFrom(err.details) };
  }
}

export interface Simulation {
  total: number;
  changed: number;
  matrix: Record<string, Record<string, number>>;
  errors?: { index: number; code: string; message: string }[];
  samples: { index: number; input: unknown; from: string; to: string }[];
}

export interface DecisionAnswer {
  decision: string;
  output: Record<string, unknown>;
  revision: { id: number; hash: string };
  branch?: string;
  override?: { id: number };
  decisionId: string;
  trace?: unknown[];
}

export interface AuditEntry { seq: number; at: string; actor: string; action: string; subject: string; summary: Record<string, unknown> }

export type Candidate = { proposalId: number } | { documents: Record<string, string> } | { override: string };

const enc = encodeURIComponent;

export class Api {
  constructor(private readonly token: string, private readonly base = '') {}

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err));
    }
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text === '' ? undefined : JSON.parse(text); } catch { parsed = undefined; }
    if (!res.ok) {
      const e = (parsed as { error?: { code?: string; message?: string; details?: unknown[] } } | undefined)?.error;
      throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? (text.slice(0, 200) || res.statusText), Array.isArray(e?.details) ? e.details : []);
    }
    return parsed as T;
  }

  /** Who the token belongs to; undefined when the server has no such endpoint. */
  async me(): Promise<Principal | undefined> {
    for (const path of ['/v1/me', '/v1/whoami', '/v1/tokens/me']) {
      try {
        const p = principalFrom(await this.call<unknown>('GET', path));
        if (p) return p;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) continue;
        throw err;
      }
    }
    return undefined;
  }

  revisions(): Promise<RevisionSummary[]> { return this.call('GET', '/v1/revisions'); }
  revision(id: number): Promise<Revision> { return this.call('GET', `/v1/revisions/${id}`); }
  publish(body: { documents: Record<string, string>; effectiveFrom?: string; note: string; baseRevision?: number; acknowledge?: string; force?: boolean }): Promise<RevisionSummary> {
    return this.call('POST', '/v1/revisions', body);
  }
  validateDocuments(documents: Record<string, string>, signal?: AbortSignal): Promise<Validation> {
    return this.call('POST', '/v1/validate', { documents }, signal);
  }
  validateOverride(branch: string, override: string, signal?: AbortSignal): Promise<Validation> {
    return this.call('POST', '/v1/validate', { branch, override }, signal);
  }
  branchPolicy(branch: string): Promise<Record<string, unknown>> { return this.call('GET', `/v1/branches/${enc(branch)}/policy`); }
  propose(branch: string, body: { baseRevision: number; override: string; reason: string }): Promise<{ id: number; status: string }> {
    return this.call('POST', `/v1/branches/${enc(branch)}/proposals`, body);
  }
  proposals(filter: { branch?: string; status?: string } = {}): Promise<Proposal[]> {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return this.call<Proposal[] | { proposals: Proposal[] }>('GET', `/v1/proposals${q ? `?${q}` : ''}`).then((r) => (Array.isArray(r) ? r : r.proposals));
  }
  proposal(id: number): Promise<Proposal> { return this.call('GET', `/v1/proposals/${id}`); }
  approve(id: number, body: { comment: string; effectiveFrom?: string }): Promise<unknown> { return this.call('POST', `/v1/proposals/${id}/approve`, body); }
  reject(id: number, comment: string): Promise<unknown> { return this.call('POST', `/v1/proposals/${id}/reject`, { comment }); }
  withdraw(id: number): Promise<unknown> { return this.call('POST', `/v1/proposals/${id}/withdraw`, {}); }
  simulate(body: { decision: string; branch?: string; candidate: Candidate; inputs: unknown[] }, signal?: AbortSignal): Promise<Simulation> {
    return this.call('POST', '/v1/simulate', body, signal);
  }
  decide(decision: string, body: { input: unknown; branch?: string; explain: boolean }): Promise<DecisionAnswer> {
    return this.call('POST', `/v1/decide/${enc(decision)}`, body);
  }
  audit(filter: { branch?: string; action?: string } = {}): Promise<AuditEntry[]> {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return this.call<AuditEntry[] | { entries: AuditEntry[] }>('GET', `/v1/audit${q ? `?${q}` : ''}`).then((r) => (Array.isArray(r) ? r : r.entries));
  }
}
