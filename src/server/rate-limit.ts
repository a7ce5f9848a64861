// Requests a minute per caller (a token, or an address for public routes): a fixed window per key,
// as @fastify/rate-limit's local store counts, kept in toad-cache's LRU map so that memory is
// bounded however many callers come. It answers in the same turn: the plugin's hook awaited four
// Promises a request, and with its headers cost about 6 µs of a decision's ~60 µs (measured in
// docs/performance.md), so the gate (gate.ts) counts here instead.
import type { FastifyReply } from 'fastify';
import { LruMap } from 'toad-cache';
import { ZhiduError } from '../errors.ts';

interface Window { count: number; startedAt: number }

export class RateLimiter {
  private readonly windows: LruMap<Window>;

  constructor(readonly max: number, readonly windowMs = 60_000, keys = 10_000) {
    this.windows = new LruMap<Window>(keys);
  }

  /**
   * Counts one request under `key` and puts the allowance left in the answer's headers (and
   * Retry-After once refused); the refusal, if over the limit.
   */
  admit(reply: FastifyReply, key: string, now = Date.now()): ZhiduError | undefined {
    let w = this.windows.get(key);
    if (w === undefined || w.startedAt + this.windowMs <= now) {
      w = { count: 0, startedAt: now };
      this.windows.set(key, w);
    }
    w.count++;
    const resetSeconds = Math.ceil((w.startedAt + this.windowMs - now) / 1000);
    void reply.header('x-ratelimit-limit', this.max).header('x-ratelimit-remaining', Math.max(0, this.max - w.count)).header('x-ratelimit-reset', resetSeconds);
    if (w.count <= this.max) return undefined;
    void reply.header('retry-after', resetSeconds);
    return new ZhiduError('RATE_LIMITED', `More than ${this.max} requests a minute for this token; retry in ${resetSeconds} s.`);
  }
}
