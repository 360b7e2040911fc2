import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.js';
import { describedResources } from '../../domain/resource.js';
import '../../domain/resources/described-resources.js';
import { authenticatedSurface } from '../../http/authentication.js';
import type { DailyQuota } from '../../http/daily-quota.js';
import type { IdempotencyRecords } from '../../http/idempotency/idempotency-records.js';
import type { RateLimiter } from '../../http/rate-limit.js';
import type { JobDeps } from '../../jobs/job-deps.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import type { WebhookDeps } from '../../webhooks/webhook-deps.js';
import { acceptJsonBodies } from '../json-bodies.js';
import { zodValidatorCompiler } from '../route-validation.js';
import { registerApiKeyRoutes } from './api-keys.routes.js';
import { registerCalculationRoutes } from './calculations.routes.js';
import { entityTags } from './conditional-requests.js';
import { registerEventRoutes } from './events.routes.js';
import { registerExtractRoutes } from './extracts.routes.js';
import { idempotentWrites } from './idempotent-writes.js';
import { v1RequestCost } from './request-cost.js';
import { registerResourceRoutes } from './resource.routes.js';
import { registerUsageRoutes } from './usage.routes.js';
import { v1ErrorHandler } from './v1-errors.js';
import { registerWebhookRoutes } from './webhooks.routes.js';

/**
 * /v1: snake_case JSON, problem details, cursor pagination, ETags. Every route is authenticated
 * and validated by its zod route schema; responses are sent as JSON.stringify writes them, which
 * is also what their ETags are computed from.
 */
export async function v1Surface(
  v1: FastifyInstance,
  deps: {
    database: Database;
    authenticator: Authenticator;
    dailyQuota: DailyQuota;
    rateLimiter: RateLimiter;
    secrets: ServerSecrets;
    idempotency: IdempotencyRecords;
    webhooks: WebhookDeps;
    jobs: JobDeps;
  },
) {
  authenticatedSurface(v1, deps, v1ErrorHandler, v1RequestCost);
  v1.setValidatorCompiler(zodValidatorCompiler);
  v1.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // A PATCH may say it is a JSON merge patch (RFC 7396), which is what v1's PATCH does.
  acceptJsonBodies(v1, ['application/json', 'application/merge-patch+json']);
  entityTags(v1);
  // Before the routes: it wraps each state-changing handler as it is registered.
  idempotentWrites(v1, deps.idempotency);
  registerApiKeyRoutes(v1, deps);
  registerUsageRoutes(v1, deps);
  registerWebhookRoutes(v1, deps);
  registerEventRoutes(v1, deps);
  registerExtractRoutes(v1, deps);
  registerCalculationRoutes(v1, deps);
  for (const resource of describedResources()) registerResourceRoutes(v1, deps, resource);
}
