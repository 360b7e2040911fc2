import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

/** A path that exists, asked for with a method it does not answer: 405 with the methods it does. */
export class MethodNotAllowedError extends Error {
  readonly code = 'method_not_allowed';
  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super(`${method} is not allowed here; use ${allowed.join(', ')}`);
    this.name = 'MethodNotAllowedError';
  }
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Records every route a surface registers (call it before the routes), so that a request its
 * router did not match can be told apart: a known path with another method (405) or no such path.
 */
export function routeTable(surface: FastifyInstance): { allowed(url: string): string[] } {
  const router = FindMyWay({ ignoreTrailingSlash: true });
  surface.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if ((methods as readonly string[]).includes(method)) {
        router.on(method as (typeof methods)[number], route.url, () => {});
      }
    }
  });
  return {
    allowed: (url) => {
      const path = url.split('?')[0] ?? url;
      return methods.filter((method) => router.find(method, path) !== null);
    },
  };
}
