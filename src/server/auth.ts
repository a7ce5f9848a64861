// Who may do what (API.md "Roles and tokens"). Every route declares its access in its config:
// `public`, or the roles allowed. A branch token is bound to one branch code: wherever a route
// acts for a branch, `actFor` lets it act only for its own. Tokens are looked up in the store
// (stored hashed) and remembered briefly, so the hot path does not query the store each time:
// a remembered token is answered in the same turn, without a Promise or a second hash. A
// revocation anywhere on the store (another server process included) makes every server forget
// what it remembers as soon as the store's change notification arrives. Failed authentications
// are throttled per token and per address, never so that a valid token in use is locked out.
// While the store cannot be asked (down, saturated), a token it confirmed within the last
// `outageMs` keeps working, so decisions go on from the compiled policies in memory; a revocation
// made meanwhile cannot be heard of until the store is back (README "Restarts and outages").
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LruMap } from 'toad-cache';
import { ZhiduError } from '../errors.ts';
import { StoreUnavailableError, type Principal, type Role, type Store } from '../store/index.ts';
import { RateLimiter, RetryLater } from './rate-limit.ts';

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
/** Times one token may be refused a minute before it is refused without asking the store (a client stuck on a revoked or mistyped token). */
const FAILURES_PER_TOKEN = 10;
/**
 * Different unknown tokens an address may send a minute (a guesser sends a new one each time)
 * before its tokens are refused without asking the store — except tokens this server has
 * already accepted: behind a proxy or NAT, everyone shares the address with the guesser.
 */
const UNKNOWN_TOKENS_PER_ADDRESS = 60;

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
  /** Failed authentications, per token (key) and per address; see FAILURES_PER_TOKEN and UNKNOWN_TOKENS_PER_ADDRESS. */
  private readonly failedTokens = new RateLimiter(FAILURES_PER_TOKEN, 60_000, CACHE_LIMIT);
  private readonly guessingAddresses = new RateLimiter(UNKNOWN_TOKENS_PER_ADDRESS, 60_000, CACHE_LIMIT);
  /** Keys of tokens the store has accepted here: still asked of the store (revocations hold) from an address throttled for guessing. */
  private readonly accepted = new LruMap<true>(CACHE_LIMIT);
  /** Counts forget()s: a lookup that began before one does not remember what it found. */
  private generation = 0;
  private unsubscribe: (() => void) | undefined;
  /** Tokens the store confirmed since the last flush, and when: their "last used" for the tokens screen. */
  private used = new Map<number, Date>();
  private flushing: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store, private readonly ttlMs: number, private readonly outageMs = 0, private readonly useFlushMs = 60_000) {}

  /** Listens for revocations (and reconnections, after which anything may have changed). */
  /** `onFlushError`: told when last-used times could not be written for another reason than an outage. */
  async start(onFlushError: (err: unknown) => void = () => undefined): Promise<void> {
    this.unsubscribe = await this.store.onChange((change) => {
      if (change.type === 'token' || change.type === 'resync') this.forget();
    });
    this.flushing = setInterval(() => void this.flushUse().catch(onFlushError), this.useFlushMs).unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.flushing);
    await this.flushUse();
  }

  /**
   * Writes when tokens were last used. A remembered token is confirmed again each TTL, so "last
   * used" is exact to a TTL plus the flush interval, at no cost to a request. What cannot be
   * written now (the store is down) is kept for the next flush, where a later use replaces it.
   */
  async flushUse(): Promise<void> {
    if (this.used.size === 0) return;
    const uses = this.used;
    this.used = new Map();
    try {
      await this.store.tokens.noteUse(uses);
    } catch (err) {
      for (const [id, at] of uses) if (!this.used.has(id)) this.used.set(id, at);
      if (!(err instanceof StoreUnavailableError)) throw err;
    }
  }

  /** The caller; in the same turn when the token is remembered, else a Promise. */
  authenticate(header: string | undefined, address = ''): Principal | Promise<Principal> {
    const key = tokenKey(header);
    if (!key) throw new ZhiduError('UNAUTHENTICATED', 'Send a token: Authorization: Bearer <token>.');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now && hit.principal) return hit.principal;
    this.throttle(key, address, now);
    return this.lookUp(BEARER.exec(header!)![1]!, key, address, now);
  }

  /** Refuses, without asking the store, a token refused too often, or an unknown one from an address that keeps sending new ones. */
  private throttle(key: string, address: string, now: number): void {
    const token = this.failedTokens.full(key, now);
    if (token > 0) throw new RetryLater(`This token has been refused ${FAILURES_PER_TOKEN} times this minute; retry in ${token} s.`, token);
    if (this.accepted.get(key) !== undefined) return;
    const guessing = this.guessingAddresses.full(address, now);
    if (guessing > 0) throw new RetryLater(`Too many unknown tokens from this address; retry in ${guessing} s.`, guessing);
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
      this.accepted.delete(key);
      // A token refused again is one client retrying, not a guess: the address counts each token once.
      if (this.failedTokens.count(key, now) === 1) this.guessingAddresses.count(address, now);
      throw new ZhiduError('UNAUTHENTICATED', 'The token is unknown or has been revoked.');
    }
    this.accepted.set(key, true);
    this.used.set(principal.tokenId, new Date(now));
    return principal;
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
