import cors from '@fastify/cors';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { SigningKeyring } from '../auth/signing-keys.js';
import type { Config } from '../config.js';
import type { PorticoYoga } from '../graphql/yoga.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { ServerSecrets } from '../platform/server-secrets.js';
import { registerOpenApi } from '../rest/openapi.js';
import { registerRestSurfaces } from '../rest/rest-surfaces.js';
import { refuseOversizedBodies } from './body-limit.js';
import { corsOptions } from './cors.js';
import { registerCustodianRoutes } from './custodian.routes.js';
import type { DailyQuota } from './daily-quota.js';
import { classifyError } from './error-classification.js';
import { registerGraphQLRoutes } from './graphql.routes.js';
import type { IdempotencyRecords } from './idempotency/idempotency-records.js';
import { registerOAuthRoutes } from './oauth.routes.js';
import { registerOperationsRoutes } from './operations.routes.js';
import { sendProblem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';
import { requestIdFor } from './request-id.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  database: Database;
  broker: Broker;
  /** Absent for ROLE=worker, which serves only the operations routes. */
  surfaces?: {
    yoga: PorticoYoga;
    authenticator: Authenticator;
    dailyQuota: DailyQuota;
    rateLimiter: RateLimiter;
    /** The rate limits and daily quotas, degraded while Redis fails. */
    limits: { readonly degraded: boolean };
    keyring: SigningKeyring;
    secrets: ServerSecrets;
    box: SecretBox;
    idempotency: IdempotencyRecords;
    jobs: JobDeps;
  };
}

/** The one HTTP server every surface is mounted on. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  let draining = false;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: requestIdFor,
    // Our onResponse hook writes one line per request, with the route and status.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimitBytes,
    // On close: refuse new requests with 503, let in-flight ones finish, drop idle keep-alives.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Root hooks run in registration order, before any surface's own (authentication included):
  // CORS first, so a preflight needs no credential and a browser can read every refusal; then
  // the body limit.
  app.register(cors, corsOptions(deps.config));
  refuseOversizedBodies(app);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    deps.metrics.httpDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
  });

  app.addHook('preClose', async () => {
    draining = true;
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      status: 404,
      title: 'Not Found',
      detail: `No route for ${request.method} ${request.url}`,
    }),
  );

  app.setErrorHandler((error: Error, request, reply) => {
    const problem = classifyError(error, request);
    if (problem.internal) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, {
      status: problem.status,
      title: problem.title,
      // Internal failures carry a generic detail; the request id ties the response to the log line.
      detail: problem.detail,
      code: problem.code,
    });
  });

  registerOperationsRoutes(app, {
    database: deps.database,
    broker: deps.broker,
    metrics: deps.metrics,
    ...(deps.surfaces ? { limits: deps.surfaces.limits } : {}),
    draining: () => draining,
  });
  const surfaces = deps.surfaces;
  if (surfaces) {
    registerOpenApi(app);
    app.register(formBody);
    registerOAuthRoutes(app, {
      db: deps.database.db,
      broker: deps.broker,
      keyring: surfaces.keyring,
      issuer: deps.config.publicUrl,
      logger: deps.logger,
    });
    registerGraphQLRoutes(
      app,
      surfaces.yoga,
      surfaces.authenticator,
      surfaces.dailyQuota,
      surfaces.rateLimiter,
      { graphiql: !deps.config.production },
    );
    registerCustodianRoutes(app, { database: deps.database, publicUrl: deps.config.publicUrl });
    registerRestSurfaces(app, {
      database: deps.database,
      authenticator: surfaces.authenticator,
      dailyQuota: surfaces.dailyQuota,
      rateLimiter: surfaces.rateLimiter,
      secrets: surfaces.secrets,
      idempotency: surfaces.idempotency,
      jobs: surfaces.jobs,
      rowCap: deps.config.rowCap,
      assetAliasSunset: deps.config.assetAliasSunset,
      publicUrl: deps.config.publicUrl,
      webhooks: {
        box: surfaces.box,
        broker: deps.broker,
        allowPrivateTargets: deps.config.webhookAllowPrivateTargets,
      },
    });
  }
  return app;
}
