import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { authenticatedSurface } from '../../http/authentication.js';
import { jsonApiErrorHandler, jsonApiMediaType } from './jsonapi-errors.js';

/** /api/v2 and /api/v3: the JSON:API dialect. Every route is authenticated. */
export async function jsonApiSurface(surface: FastifyInstance, deps: { authenticator: Authenticator }) {
  authenticatedSurface(surface, deps.authenticator, jsonApiErrorHandler);
  // JSON:API allows no media-type parameters but ext and profile; Fastify appends a charset to
  // every +json type while serializing, so the header is set again once the body is final.
  surface.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith(jsonApiMediaType)) {
      reply.header('content-type', jsonApiMediaType);
    }
    return payload;
  });
}
