import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Makes `mediaTypes` the only request bodies a REST surface reads, parsed as JSON; anything else
 * is 415 in the surface's dialect. An empty body is no body
 * (many clients label a bodiless DELETE as JSON); a route that needs one says so by name.
 */
export function acceptJsonBodies(surface: FastifyInstance, mediaTypes: readonly string[]): void {
  const json = surface.getDefaultJsonParser('error', 'error');
  const parser = (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, body?: unknown) => void,
  ) => (body === '' ? done(null, undefined) : json(request, body, done));
  // Every parser the server has (text/plain, and the form bodies of the token endpoint) goes.
  surface.removeAllContentTypeParsers();
  surface.addContentTypeParser([...mediaTypes], { parseAs: 'string' }, parser);
}
