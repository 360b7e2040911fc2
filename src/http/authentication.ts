import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Scope } from '../auth/scopes.js';
import { requireScope, type Viewer } from '../auth/viewer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request on an authenticated surface, before any handler runs. */
    viewer: Viewer;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; every route on an authenticated surface declares one. */
    scope?: Scope;
  }
}

/**
 * Makes every route registered in `surface` authenticated: the viewer is built before routing
 * completes, and the route's declared scope is checked before its handler. Failures are thrown, so
 * each surface's error handler renders them in its own dialect.
 */
export function authenticateSurface(surface: FastifyInstance, authenticator: Authenticator): void {
  surface.decorateRequest('viewer', undefined as unknown as Viewer);
  surface.addHook('onRequest', async (request) => {
    request.viewer = await authenticator.authenticate(request.headers);
  });
  surface.addHook('preHandler', async (request) => {
    if (request.is404) return;
    const scope = request.routeOptions.config.scope;
    if (!scope) throw new Error(`Route ${request.routeOptions.url} declares no scope`);
    requireScope(request.viewer, scope);
  });
}
