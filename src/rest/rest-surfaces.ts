import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { DailyQuota } from '../http/daily-quota.js';
import type { IdempotencyRecords } from '../http/idempotency/idempotency-records.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Database } from '../platform/database.js';
import type { ServerSecrets } from '../platform/server-secrets.js';
import type { WebhookDeps } from '../webhooks/webhook-deps.js';
import { jsonApiSurface } from './jsonapi/jsonapi.surface.js';
import { assetAlias, v2, v3 } from './jsonapi/jsonapi-surfaces.js';
import { v1Surface } from './v1/v1.surface.js';

export interface RestDeps {
  database: Database;
  authenticator: Authenticator;
  dailyQuota: DailyQuota;
  rateLimiter: RateLimiter;
  secrets: ServerSecrets;
  idempotency: IdempotencyRecords;
  jobs: JobDeps;
  rowCap: number;
  assetAliasSunset: Date;
  publicUrl: string;
  webhooks: WebhookDeps;
}

/** Mounts the REST surfaces: /v1, and the JSON:API /api/v2 (with its asset alias) and /api/v3. */
export function registerRestSurfaces(app: FastifyInstance, deps: RestDeps): void {
  app.register(v1Surface, {
    prefix: '/v1',
    database: deps.database,
    authenticator: deps.authenticator,
    dailyQuota: deps.dailyQuota,
    rateLimiter: deps.rateLimiter,
    secrets: deps.secrets,
    idempotency: deps.idempotency,
    webhooks: deps.webhooks,
    jobs: deps.jobs,
  });
  for (const [prefix, served] of [
    ['/api/v2', [v2, assetAlias]],
    ['/api/v3', [v3]],
  ] as const) {
    app.register(jsonApiSurface, {
      prefix,
      surfaces: served,
      authenticator: deps.authenticator,
      dailyQuota: deps.dailyQuota,
      rateLimiter: deps.rateLimiter,
      database: deps.database,
      rowCap: deps.rowCap,
      publicUrl: deps.publicUrl,
      sunset: deps.assetAliasSunset,
      webhooks: deps.webhooks,
    });
  }
}
