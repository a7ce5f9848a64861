// The HTTP client for the API.md contract. Every failure becomes an ApiError carrying the
// server's stable code and details (positions of policy problems included), or NETWORK when
// the server could not be reached.
import { problemsFrom, type PolicyProblem } from './lib/markers.ts';
import { searchOf, type AuditQuery } from './lib/audit.ts';
import { filenameFrom } from './lib/download.ts';
import { principalFrom, type Principal, type Role } from './lib/roles.ts';

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
  /** The scheduled revision this one published again, rebased, after an earlier publish landed before it. */
  replaces?: number;
  /** The revision that published this scheduled one again. */
  replacedBy?: number;
}

export interface Revision extends RevisionSummary {
  documents: Record<string, string>;
}

export interface ProposalStep { action: string; actor: string; at: string; comment: string; detail?: Record<string, unknown> }

/** Why an override or a proposal no longer applies (OVERRIDE_BASE_CHANGED: head office changed a path it sets). */
export interface SuspensionReason { path: string; code: string; message: string }

export interface Proposal {
  id: number;
  branch: string;
  baseRevision: number;
  override: string;
  reason: string;
  submittedBy: string;
  submittedAt: string;
  status: 'submitted' | 'approved' | 'rejected' | 'withdrawn' | 'superseded';
  steps?: ProposalStep[];
  diff?: unknown;
  overrideId?: number;
  /** The proposal this one rebased (and superseded). */
  replaces?: number;
  /** The proposal that rebased this one. */
  replacedBy?: number;
  /** Pending, and head office has since changed what it touches: it cannot be approved until rebased. */
  stale?: { revision: number; reasons: SuspensionReason[] };
  [more: string]: unknown;
}

export interface Validation { valid: boolean; problems: unknown[] }

/** What a publish would do (POST /v1/validate and 409 EFFECTS_UNACKNOWLEDGED). */
export type PublishEffect =
  | { type: 'revision-rescheduled'; revision: number; effectiveFrom: string; kinds: string[]; overrides: string[] }
  | { type: 'revision-superseded'; revision: number; effectiveFrom: string; reason: 'replaced' | 'contained' }
  | { type: 'override-suspended'; branch: string; override: number; from: string; reasons: SuspensionReason[] }
  | { type: 'proposal-stale'; branch: string; proposal: number; reasons: SuspensionReason[] };

export type ScheduledMode = 'keep' | 'replace';

export interface PublishOptions { effectiveFrom?: string; baseRevision?: number; scheduled?: ScheduledMode }

/** A publish previewed: its checks, and (when valid) what it would do. */
export interface PublishPreview extends Validation {
  /** The revision in force at effectiveFrom that the set builds on. */
  revision?: number;
  effectiveFrom?: string;
  /** The set decides exactly as the revision in force (publishing needs force). */
  unchanged?: boolean;
  effects?: PublishEffect[];
  /** Head office only: send as `acknowledge` to publish with exactly these effects. */
  effectsId?: string;
}

export interface Published extends RevisionSummary {
  rescheduled: { replaces: number; id: number }[];
  effects: PublishEffect[];
}

/** A branch override in force or approved for later, with whether it applies (GET /v1/overrides). */
export interface OverrideState {
  id: number;
  branch: string;
  proposalId: number;
  baseRevision: number;
  override: string;
  effectiveFrom: string;
  approvedAt: string;
  approvedBy: string;
  inForce: boolean;
  /** The head-office revision it applies to. */
  revision: number;
  status: 'applied' | 'suspended';
  problems: PolicyProblem[];
}

/** GET /v1/branches/{code}/policy. */
export interface BranchPolicy {
  branch: string;
  asOf: string;
  revision: RevisionSummary;
  override?: { id: number; proposalId?: number; baseRevision?: number; override?: string; effectiveFrom?: string; approvedAt?: string; approvedBy?: string };
  overrideStatus: 'none' | 'applied' | 'suspended';
  problems: PolicyProblem[];
  [more: string]: unknown;
}

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
  /** The branch override in force: applied, or suspended (head office's documents decided). */
  override?: { id: number; status?: 'applied' | 'suspended' };
  decisionId: string;
  trace?: unknown[];
}

export interface AuditEntry { seq: number; at: string; actor: string; action: string; subject: string; summary: Record<string, unknown> }

/** A token as GET /v1/tokens lists it: never the token itself. */
export interface TokenInfo {
  id: number;
  role: Role;
  branch?: string;
  /** The person or system holding it. */
  name: string;
  createdAt: string;
  /** Who issued it, as an actor string. */
  createdBy: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** A file the server sent to download (a CSV export, a revision's YAML bundle). */
export interface Download { blob: Blob; filename: string }

export type Candidate = { proposalId: number } | { documents: Record<string, string> } | { override: string };

const enc = encodeURIComponent;

export class Api {
  constructor(private readonly token: string, private readonly base = '') {}

  /** Sends a request; a failure becomes an ApiError with the server's code (NETWORK when unreachable). */
  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
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
    if (res.ok) return res;
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text === '' ? undefined : JSON.parse(text); } catch { parsed = undefined; }
    const e = (parsed as { error?: { code?: string; message?: string; details?: unknown[] } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? (text.slice(0, 200) || res.statusText), Array.isArray(e?.details) ? e.details : []);
  }

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const text = await (await this.send(method, path, body, signal)).text();
    try { return (text === '' ? undefined : JSON.parse(text)) as T; } catch { return undefined as T; }
  }

  /**
   * A download fetched with the bearer token (a plain link cannot carry it), whole, as a Blob to
   * save; named as the server names it.
   */
  async download(path: string, fallbackName: string): Promise<Download> {
    const res = await this.send('GET', path);
    return { blob: await res.blob(), filename: filenameFrom(res.headers.get('content-disposition'), fallbackName) };
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
  publish(body: { documents: Record<string, string>; note: string; acknowledge?: string | true; force?: boolean } & PublishOptions): Promise<Published> {
    return this.call('POST', '/v1/revisions', body);
  }
  /** Checks documents and previews what publishing them with these options would do. */
  validateDocuments(documents: Record<string, string>, signal?: AbortSignal, options: PublishOptions = {}): Promise<PublishPreview> {
    return this.call('POST', '/v1/validate', { documents, ...options }, signal);
  }
  validateOverride(branch: string, override: string, signal?: AbortSignal): Promise<Validation> {
    return this.call('POST', '/v1/validate', { branch, override }, signal);
  }
  branchPolicy(branch: string): Promise<BranchPolicy> { return this.call('GET', `/v1/branches/${enc(branch)}/policy`); }
  /** Branch overrides in force and approved for later, with their status; a branch token sees its own. */
  overrides(branch?: string): Promise<OverrideState[]> { return this.call('GET', `/v1/overrides${branch ? `?branch=${enc(branch)}` : ''}`); }
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
  /** The branch's one-step rebase onto the revision in force; the old proposal ends superseded. */
  rebase(id: number, body: { override?: string; reason?: string } = {}): Promise<Proposal> { return this.call('POST', `/v1/proposals/${id}/rebase`, body); }
  requestRebase(id: number, comment: string): Promise<Proposal> { return this.call('POST', `/v1/proposals/${id}/request-rebase`, { comment }); }
  simulate(body: { decision: string; branch?: string; candidate: Candidate; inputs: unknown[] }, signal?: AbortSignal): Promise<Simulation> {
    return this.call('POST', '/v1/simulate', body, signal);
  }
  decide(decision: string, body: { input: unknown; branch?: string; explain: boolean }): Promise<DecisionAnswer> {
    return this.call('POST', `/v1/decide/${enc(decision)}`, body);
  }
  /** One page of the audit trail, oldest first after `after` (the last seq seen). */
  audit(query: AuditQuery = {}, page: { after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    return this.call('GET', `/v1/audit${searchOf(query, page)}`);
  }
  /** Every entry the filters keep, as CSV (UTF-8 with a byte-order mark). */
  auditExport(query: AuditQuery = {}): Promise<Download> {
    return this.download(`/v1/audit/export${searchOf(query)}`, 'zhidu-audit.csv');
  }
  /** A revision as one YAML file: a header comment, then every document as published. */
  revisionBundle(id: number): Promise<Download> {
    return this.download(`/v1/revisions/${id}/bundle`, `zhidu-revision-${id}.yaml`);
  }
  tokens(): Promise<TokenInfo[]> { return this.call('GET', '/v1/tokens'); }
  /** Issues a token; the answer is the only time the token itself is seen. */
  createToken(body: { role: Role; branch?: string; name: string }): Promise<TokenInfo & { token: string }> { return this.call('POST', '/v1/tokens', body); }
  revokeToken(id: number): Promise<TokenInfo> { return this.call('POST', `/v1/tokens/${id}/revoke`, {}); }
}
