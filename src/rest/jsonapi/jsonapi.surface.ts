import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { NotFoundError } from '../../domain/errors.js';
import { authenticateSurface } from '../../http/authentication.js';
import { jsonApiErrorHandler } from './jsonapi-errors.js';

/** /api/v2 and /api/v3: the JSON:API dialect. Every route is authenticated. */
export async function jsonApiSurface(surface: FastifyInstance, deps: { authenticator: Authenticator }) {
  authenticateSurface(surface, deps.authenticator);
  surface.setErrorHandler(jsonApiErrorHandler);
  surface.setNotFoundHandler(async (request) => {
    throw new NotFoundError('route', `${request.method} ${request.url}`);
  });
}
