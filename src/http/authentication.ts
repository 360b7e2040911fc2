import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Scope } from '../auth/scopes.js';
import { requireScope, type Viewer } from '../auth/viewer.js';
import { NotFoundError } from '../domain/errors.js';
import type { DailyQuota } from './daily-quota.js';
import { MethodNotAllowedError, routeTable } from './method-not-allowed.js';
import type { RateLimiter } from './rate-limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request on an authenticated surface, before any handler runs. */
    viewer: Viewer;
  }
  interface FastifyContextConfig {
    /**
     * The scope a route needs; every route on an authenticated surface declares one. A list means
     * any one of them, and the handler narrows by what it reads (an extract needs its dataset's).
     */
    scope?: Scope | readonly Scope[];
  }
}

/**
 * Sets up an authenticated surface: the viewer is built before routing completes and held to its
 * credential's daily quota (daily-quota.ts), the request's `cost` in tokens (1 unless the surface
 * prices it, as v1 does its lists) is taken from the tenant's rate-limit budget (its RateLimit
 * headers go on every answer, refusals included), the route's declared scope is checked before its handler, and every failure — unknown routes included — is
 * thrown to `errorHandler`, which renders it in the surface's own dialect.
 */
export function authenticatedSurface(
  surface: FastifyInstance,
  {
    authenticator,
    dailyQuota,
    rateLimiter,
  }: { authenticator: Authenticator; dailyQuota: DailyQuota; rateLimiter: RateLimiter },
  errorHandler: (error: Error, request: FastifyRequest, reply: FastifyReply) => FastifyReply,
  cost: (request: FastifyRequest) => number = () => 1,
): void {
  surface.setErrorHandler((error: Error, request, reply) => errorHandler(error, request, reply));
  const routes = routeTable(surface);
  surface.setNotFoundHandler(async (request) => {
    const allowed = routes.allowed(request.url);
    if (allowed.length > 0) throw new MethodNotAllowedError(request.method, allowed);
    throw new NotFoundError('route', `${request.method} ${request.url}`);
  });
  surface.decorateRequest('viewer', undefined as unknown as Viewer);
  // The scope is checked as soon as the caller is known, before the body is read or validated: a
  // caller without it learns nothing about what the route would have accepted.
  surface.addHook('onRequest', async (request, reply) => {
    request.viewer = await authenticator.authenticate(request.headers);
    // Before the rate limit: a credential over its own quota spends none of its tenant's budget.
    await dailyQuota.admit(request.viewer);
    await rateLimiter.enforce(request.viewer.tenantId, reply, cost(request));
    if (request.is404) return;
    const scope = request.routeOptions.config.scope;
    if (!scope) throw new Error(`Route ${request.routeOptions.url} declares no scope`);
    if (typeof scope === 'string') requireScope(request.viewer, scope);
    else if (!scope.some((one) => request.viewer.scopes.has(one)))
      requireScope(request.viewer, scope[0] as Scope);
  });
}
