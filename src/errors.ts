// The one catalogue of runtime error codes (API.md): each with its HTTP status and a message.
// A code, once published, keeps its meaning; a retired code is never reused.
import type { DiagnosticParams } from './policy/diagnostics.ts';

export const ERROR_CODES = {
  BAD_INPUT: { status: 400, message: 'The request or decision input is malformed.' },
  UNAUTHENTICATED: { status: 401, message: 'No token, or an unknown or revoked token.' },
  FORBIDDEN: { status: 403, message: 'The role or branch of this token may not do this.' },
  NOT_FOUND: { status: 404, message: 'No such resource.' },
  PROPOSAL_STALE: { status: 409, message: 'Head office changed what this override touches since it was proposed.' },
  CONFLICT: { status: 409, message: 'The resource changed under this request (for example, a double approval).' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than allowed.' },
  POLICY_INVALID: { status: 422, message: 'The policy documents have problems (YAML, schema or semantic).' },
  OVERRIDE_OUT_OF_BOUNDS: { status: 422, message: 'The override changes something head office does not allow, or beyond its bound.' },
  INTERNAL: { status: 500, message: 'An unexpected error; the request id in the logs says more.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body has a content type this endpoint does not read.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests for this token; wait and try again.' },
  UNAVAILABLE: { status: 503, message: 'The service is starting, shutting down or cannot reach its store.' },
  TIMEOUT: { status: 503, message: 'The request took longer than the server allows.' },
  REVISION_CONFLICT: { status: 409, message: 'Another revision changed the same kinds since the revision these documents were edited from.' },
  REVISION_UNCHANGED: { status: 409, message: 'The documents decide exactly as the revision in force; send force to publish them anyway.' },
  EFFECTS_UNACKNOWLEDGED: { status: 409, message: 'The publish suspends branch overrides, moves scheduled revisions or makes proposals stale; review the effects and send them back as acknowledged.' },
  PROPOSAL_DUPLICATE: { status: 409, message: 'The branch already has a pending proposal with the same content.' },
  STORE_INTEGRITY: { status: 500, message: 'Stored content failed its integrity check (changed outside zhidu, or sealed with another key) and is not served; `zhidu audit verify` names every mismatch.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ZhiduError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message?: string, readonly details?: readonly unknown[]) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'ZhiduError';
    this.status = ERROR_CODES[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: readonly unknown[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/**
 * One thing wrong with a decision input: the field (a JSON Pointer into the input), what is wrong
 * in English, and the same as data for saying it in another language (docs/messages.md).
 */
export interface InputProblem {
  field: string;
  message: string;
  params?: DiagnosticParams;
}

/** The message of a BAD_INPUT that lists `problems`: every field named, in order. */
export function inputMessage(problems: readonly InputProblem[]): string {
  return problems.map((p) => `${p.field || 'input'}: ${p.message}`).join('; ');
}

/** Every problem of a decision input at once, as one BAD_INPUT. */
export function badInputs(problems: readonly InputProblem[]): ZhiduError {
  return new ZhiduError('BAD_INPUT', inputMessage(problems), problems);
}

/** A decision input problem: names the field (JSON Pointer into the input) that is wrong. */
export function badInput(field: string, message: string, params?: DiagnosticParams): ZhiduError {
  return badInputs([{ field, message, ...(params ? { params } : {}) }]);
}
