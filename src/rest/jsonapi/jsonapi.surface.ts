import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { authenticatedSurface } from '../../http/authentication.js';
import type { DailyQuota } from '../../http/daily-quota.js';
import type { RateLimiter } from '../../http/rate-limit.js';
import type { Database } from '../../platform/database.js';
import type { WebhookDeps } from '../../webhooks/webhook-deps.js';
import { acceptJsonBodies } from '../json-bodies.js';
import { zodValidatorCompiler } from '../route-validation.js';
import { registerCustodianRoutes } from './custodian.routes.js';
import { markDeprecatedAlias } from './deprecated-alias.js';
import { jsonApiErrorHandler, jsonApiMediaType } from './jsonapi-errors.js';
import { jsonApiRequestTypes } from './jsonapi-openapi.js';
import { type JsonApiSurface, servedBy, v2, v3 } from './jsonapi-surfaces.js';
import { negotiateJsonApi } from './media-types.js';
import { registerJsonApiResourceRoutes } from './resource.routes.js';
import { registerWebhookSigningKeyRoutes } from './webhook-signing-keys.routes.js';

export interface JsonApiSurfaceDeps {
  authenticator: Authenticator;
  dailyQuota: DailyQuota;
  rateLimiter: RateLimiter;
  database: Database;
  rowCap: number;
  publicUrl: string;
  /** When deprecated aliases stop answering. */
  sunset: Date;
  /** The route tables served under this prefix (v2 and its asset alias share /api/v2). */
  surfaces: readonly JsonApiSurface[];
  webhooks: WebhookDeps;
}

/**
 * /api/v2 and /api/v3: the JSON:API dialect of the legacy platform. Every route is authenticated,
 * validated by its zod route schema and answered as application/vnd.api+json.
 */
export async function jsonApiSurface(surface: FastifyInstance, deps: JsonApiSurfaceDeps) {
  for (const table of deps.surfaces) {
    if (table.successor) markDeprecatedAlias(surface, table, deps.sunset);
  }
  // Every request draws one token: a list takes no page size (it answers every row up to the row
  // cap), so there is nothing to price it by.
  authenticatedSurface(surface, deps, jsonApiErrorHandler);
  negotiateJsonApi(surface);
  surface.setValidatorCompiler(zodValidatorCompiler);
  surface.setSerializerCompiler(() => (data) => JSON.stringify(data));
  acceptJsonBodies(surface, jsonApiRequestTypes);
  // JSON:API allows no media-type parameters but ext and profile; Fastify appends a charset to
  // every +json type while serializing, so the header is set again once the body is final.
  surface.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith(jsonApiMediaType)) {
      reply.header('content-type', jsonApiMediaType);
    }
    return payload;
  });
  for (const table of deps.surfaces) {
    for (const resource of servedBy(table)) registerJsonApiResourceRoutes(surface, deps, table, resource);
    if (table === v3) registerCustodianRoutes(surface, deps);
    if (table === v2) registerWebhookSigningKeyRoutes(surface, deps);
  }
}
