import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { NotFoundError } from '../../domain/errors.js';
import { authenticateSurface } from '../../http/authentication.js';
import { jsonApiErrorHandler, jsonApiMediaType } from './jsonapi-errors.js';

/** /api/v2 and /api/v3: the JSON:API dialect. Every route is authenticated. */
export async function jsonApiSurface(surface: FastifyInstance, deps: { authenticator: Authenticator }) {
  authenticateSurface(surface, deps.authenticator);
  surface.setErrorHandler(jsonApiErrorHandler);
  // JSON:API allows no media-type parameters but ext and profile; Fastify appends a charset to
  // every +json type while serializing, so the header is set again once the body is final.
  surface.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith(jsonApiMediaType)) {
      reply.header('content-type', jsonApiMediaType);
    }
    return payload;
  });
  surface.setNotFoundHandler(async (request) => {
    throw new NotFoundError('route', `${request.method} ${request.url}`);
  });
}
