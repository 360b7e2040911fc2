import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { authenticatedSurface } from '../../http/authentication.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { registerApiKeyRoutes } from './api-keys.routes.js';
import { v1ErrorHandler } from './v1-errors.js';

/** /v1: snake_case JSON, problem details, cursor pagination. Every route is authenticated. */
export async function v1Surface(
  v1: FastifyInstance,
  deps: { database: Database; authenticator: Authenticator; secrets: ServerSecrets },
) {
  authenticatedSurface(v1, deps.authenticator, v1ErrorHandler);
  registerApiKeyRoutes(v1, deps);
}
