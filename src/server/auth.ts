// Who may do what (API.md "Roles and tokens"). Every route declares its access in its config:
// `public`, or the roles allowed. A branch token is bound to one branch code: wherever a route
// acts for a branch, `actFor` lets it act only for its own. Tokens are looked up in the store
// (stored hashed) and remembered briefly, so the hot path does not query the store each time:
// a remembered token is answered in the same turn, without a Promise or a second hash. A
// revocation anywhere on the store (another server process included) makes every server forget
// what it remembers as soon as the store's change notification arrives. While the store cannot
// be asked (down, saturated), a token it confirmed within the last `outageMs` keeps working, so
// decisions go on from the compiled policies in memory; a revocation made meanwhile cannot be
// heard of until the store is back (README "Restarts and outages").
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ZhiduError } from '../errors.ts';
import { StoreUnavailableError, type Principal, type Role, type Store } from '../store/index.ts';

export type Access = 'public' | { readonly roles: readonly Role[] };

export const ANY_ROLE: Access = { roles: ['head-office', 'branch', 'system', 'auditor'] };
export const READERS: Access = ANY_ROLE;
export const HEAD_OFFICE: Access = { roles: ['head-office'] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** false: no request timeout (streamed batches). */
    timeout?: false;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const CACHE_LIMIT = 10_000;
/** Failed authentications an address may make a minute (rate limits key on the token, and a guesser sends a new one each time). */
const FAILURES_PER_MINUTE = 60;

/** The last Authorization header hashed and its key: the rate limit and authentication both ask, and callers mostly repeat themselves. */
let lastHeader: string | undefined;
let lastKey: string | undefined;

/** The key a token is remembered and rate-limited by (a hash: tokens are not kept in clear beyond the last one seen). */
export function tokenKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (header !== lastHeader) {
    const token = BEARER.exec(header)?.[1];
    lastKey = token && createHash('sha256').update(token).digest('base64url');
    lastHeader = header;
  }
  return lastKey;
}

export class Authenticator {
  /** `confirmed`: when the store last said yes, which bounds trusting it through an outage. */
  private readonly cache = new Map<string, { principal: Principal | undefined; until: number; confirmed: number }>();
  private readonly failures = new Map<string, { count: number; until: number }>();
  /** Counts forget()s: a lookup that began before one does not remember what it found. */
  private generation = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly store: Store, private readonly ttlMs: number, private readonly outageMs = 0) {}

  /** Listens for revocations (and reconnections, after which anything may have changed). */
  async start(): Promise<void> {
    this.unsubscribe = await this.store.onChange((change) => {
      if (change.type === 'token' || change.type === 'resync') this.forget();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The caller; in the same turn when the token is remembered, else a Promise. */
  authenticate(header: string | undefined, address = ''): Principal | Promise<Principal> {
    const key = tokenKey(header);
    if (!key) throw new ZhiduError('UNAUTHENTICATED', 'Send a token: Authorization: Bearer <token>.');
    const now = Date.now();
    const failed = this.failures.get(address);
    if (failed && failed.until > now && failed.count >= FAILURES_PER_MINUTE) {
      throw new ZhiduError('RATE_LIMITED', `Too many unknown tokens from this address; retry in ${Math.ceil((failed.until - now) / 1000)} s.`);
    }
    const hit = this.cache.get(key);
    if (hit && hit.until > now && hit.principal) return hit.principal;
    return this.lookUp(BEARER.exec(header!)![1]!, key, address, now);
  }

  private async lookUp(token: string, key: string, address: string, now: number): Promise<Principal> {
    const generation = this.generation;
    let principal: Principal | undefined;
    try {
      principal = await this.store.tokens.authenticate(token);
    } catch (err) {
      const remembered = err instanceof StoreUnavailableError ? this.throughOutage(key, now) : undefined;
      if (remembered) return remembered;
      throw err;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    // Unknown tokens are not remembered: a token created elsewhere works at once. Nor is one
    // read before a revocation that was heard of meanwhile.
    if (principal && generation === this.generation) this.cache.set(key, { principal, until: now + this.ttlMs, confirmed: now });
    if (!principal) {
      this.countFailure(address, now);
      throw new ZhiduError('UNAUTHENTICATED', 'The token is unknown or has been revoked.');
    }
    return principal;
  }

  private countFailure(address: string, now: number): void {
    const f = this.failures.get(address);
    if (!f || f.until <= now) {
      if (this.failures.size >= CACHE_LIMIT) this.failures.clear();
      this.failures.set(address, { count: 1, until: now + 60_000 });
    } else f.count++;
  }

  /**
   * The store cannot be asked: a token it confirmed less than `outageMs` ago stands, and is not
   * asked about again for another TTL (each asking waits for the store to refuse).
   */
  private throughOutage(key: string, now: number): Principal | undefined {
    const hit = this.cache.get(key);
    if (!hit?.principal || now - hit.confirmed >= this.outageMs) return undefined;
    hit.until = Math.min(now + this.ttlMs, hit.confirmed + this.outageMs);
    return hit.principal;
  }

  /** After a revocation: forget every remembered token (cheap, and revocations are rare). */
  forget(): void {
    this.generation++;
    this.cache.clear();
  }
}

/** The authenticated caller (routes that are not public always have one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ZhiduError('UNAUTHENTICATED');
  return request.principal;
}

/**
 * The branch a request acts for. A branch token acts for its own branch: naming another is
 * FORBIDDEN, naming none means its own. Other roles act for the branch named, if any.
 */
export function actFor(principal: Principal, branch: string | undefined): string | undefined {
  if (principal.role !== 'branch') return branch;
  if (branch !== undefined && branch !== principal.branch) {
    throw new ZhiduError('FORBIDDEN', `This token is bound to branch ${principal.branch}; it may not act for branch ${branch}.`);
  }
  return principal.branch;
}
