// The one hook every request passes before its route runs, composed for each route when the
// route is added (its access, rate limit and timeout are known then, not looked up per request):
// the request's id and the headers every answer carries (nosniff; no-store on a token's), the
// timeout's watch, who the caller is and whether the route admits their role, and the caller's
// allowance of requests. Each fastify hook costs a request a few
// microseconds whatever it does (docs/performance.md): four hooks were a sixth of a decision's
// request. Callback style: a remembered token costs no Promise.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ZhiduError } from '../errors.ts';
import type { Principal, Role } from '../store/index.ts';
import { tokenKey, type Access, type Authenticator } from './auth.ts';
import type { RateLimiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: not rate-limited (probes and the metrics scrape). */
    rateLimit?: false;
  }
  interface FastifyRequest {
    /** The route's path pattern (`/v1/decide/classification`), for metrics and the log line; undefined when no route matched. */
    route?: string;
  }
}

export interface Gatekeepers {
  auth: Authenticator;
  limiter: RateLimiter;
  /** Starts watching a request for the timeout. */
  watch(request: FastifyRequest, reply: FastifyReply): void;
}

/** The rate limit's key: the token (hashed), or the address when there is none. */
function callerKey(request: FastifyRequest): string {
  return tokenKey(request.headers.authorization) ?? `ip:${request.ip}`;
}

/** A POST with no body at all validates as an empty object (withdraw, revoke). */
function bodiless(request: FastifyRequest): boolean {
  const h = request.headers;
  return h['content-type'] === undefined && h['transfer-encoding'] === undefined && (h['content-length'] === undefined || h['content-length'] === '0');
}

export function installGate(app: FastifyInstance, { auth, limiter, watch }: Gatekeepers): void {
  app.decorateRequest('route', undefined);
  app.addHook('onRoute', (route) => {
    const config = (route.config ??= {}) as { access?: Access; rateLimit?: false; timeout?: false };
    // Plugin routes (the docs) are public; every route of ours says who may call it.
    if (config.access === undefined && (route.url.startsWith('/docs') || route.url === '*')) config.access = 'public';
    if (config.access === undefined) throw new Error(`route ${route.method} ${route.url} declares no access`);
    const access = config.access;
    const limited = config.rateLimit !== false;
    const timed = config.timeout !== false;
    const post = route.method === 'POST' || (Array.isArray(route.method) && route.method.includes('POST'));
    const url = route.url;

    const admit = (request: FastifyRequest, reply: FastifyReply, roles: readonly Role[], principal: Principal): Error | undefined => {
      request.principal = principal;
      if (!roles.includes(principal.role)) {
        return new ZhiduError('FORBIDDEN', `The ${principal.role} role may not ${request.method} ${url}; allowed: ${roles.join(', ')}.`);
      }
      return limited ? limiter.admit(reply, callerKey(request)) : undefined;
    };

    const gate: onRequestHookHandler = (request, reply, done) => {
      void reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
      request.route = url;
      if (timed) watch(request, reply);
      if (post && request.body === undefined && request.method === 'POST' && bodiless(request)) request.body = {};
      if (access === 'public') return done(limited ? limiter.admit(reply, callerKey(request)) : undefined);
      // What a token is answered is for that caller alone (a new token, a client's facts and records), refusals included.
      void reply.header('cache-control', 'no-store');
      let principal: Principal | Promise<Principal>;
      try {
        principal = auth.authenticate(request.headers.authorization, request.ip);
      } catch (err) {
        return done(err as Error);
      }
      if (principal instanceof Promise) principal.then((p) => done(admit(request, reply, access.roles, p)), (err: Error) => done(err));
      else done(admit(request, reply, access.roles, principal));
    };
    // Before any hook the route brings of its own.
    const own = route.onRequest;
    route.onRequest = own === undefined ? [gate] : [gate, ...(Array.isArray(own) ? own : [own])];
  });
}
