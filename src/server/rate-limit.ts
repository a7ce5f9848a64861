// Counting per caller in fixed windows of a minute: requests per token (or address, for public
// routes), failed authentications (auth.ts), recorded decisions per token (deciding.ts). A fixed
// window per key, as @fastify/rate-limit's local store counts, kept in toad-cache's LRU map so
// that memory is bounded however many callers come. It answers in the same turn: the plugin's
// hook awaited four Promises a request, and with its headers cost about 6 µs of a decision's
// ~60 µs (measured in docs/performance.md), so the gate (gate.ts) counts here instead.
import type { FastifyReply } from 'fastify';
import { LruMap } from 'toad-cache';
import { ZhiduError } from '../errors.ts';

interface Window { count: number; startedAt: number }

/** RATE_LIMITED with the seconds to wait, which the error handler sends as Retry-After (every 429 carries one). */
export class RetryLater extends ZhiduError {
  constructor(message: string, readonly retryAfter: number) {
    super('RATE_LIMITED', message);
  }
}

export class RateLimiter {
  private readonly windows: LruMap<Window>;

  constructor(readonly max: number, readonly windowMs = 60_000, keys = 10_000) {
    this.windows = new LruMap<Window>(keys);
  }

  /** key's window in force at `now`, started afresh when the last one is over. */
  private window(key: string | number, now: number): Window {
    let w = this.windows.get(key);
    if (w === undefined || w.startedAt + this.windowMs <= now) {
      w = { count: 0, startedAt: now };
      this.windows.set(key, w);
    }
    return w;
  }

  private secondsLeft(w: Window, now: number): number {
    return Math.max(1, Math.ceil((w.startedAt + this.windowMs - now) / 1000));
  }

  /**
   * Counts one request under `key` and puts the allowance left in the answer's headers; the
   * refusal, if over the limit.
   */
  admit(reply: FastifyReply, key: string | number, now = Date.now()): RetryLater | undefined {
    const w = this.window(key, now);
    w.count++;
    const resetSeconds = this.secondsLeft(w, now);
    void reply.header('x-ratelimit-limit', this.max).header('x-ratelimit-remaining', Math.max(0, this.max - w.count)).header('x-ratelimit-reset', resetSeconds);
    if (w.count <= this.max) return undefined;
    return new RetryLater(`More than ${this.max} requests a minute for this token; retry in ${resetSeconds} s.`, resetSeconds);
  }

  /** Counts one event under `key`: how many its window holds now, this one included. */
  count(key: string | number, now = Date.now()): number {
    return ++this.window(key, now).count;
  }

  /** Seconds until `key` may be counted again, when its window already holds `max` events; else 0. Counts nothing. */
  full(key: string | number, now = Date.now()): number {
    const w = this.windows.get(key);
    if (w === undefined || w.startedAt + this.windowMs <= now || w.count < this.max) return 0;
    return this.secondsLeft(w, now);
  }
}
