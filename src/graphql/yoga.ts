import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.js';
import type { Config } from '../config.js';
import type { IdempotencyRecords } from '../http/idempotency/idempotency-records.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { useCompiledExecution } from './compiled-execution.js';
import type { GraphQLContext } from './context.js';
import { useIdempotentMutations } from './idempotent-mutations.js';
import { type OperationBudget, useOperationBudget } from './operation-budget.js';
import { protectionPlugins } from './protection.js';
import { schema } from './schema.js';
import { EventHub } from './subscriptions/event-hub.js';
import { trustedDocumentsPlugin } from './trusted-documents.js';

/** Handed in by the HTTP route after authentication: Yoga never sees an anonymous request. */
export interface YogaServerContext {
  requestId: string;
  viewer: Viewer;
  /** SSE: aborted when the credential stops working (graphql.routes.ts). */
  credentialEnded?: AbortSignal;
  /** The tenant's rate-limit account, which each operation draws its cost from (operation-budget.ts). */
  rateLimit?: OperationBudget;
}

export type PorticoYoga = YogaServerInstance<YogaServerContext, GraphQLContext> & {
  /** The process's live events, shared by subscriptions over WebSocket and SSE. */
  readonly eventHub: EventHub;
};

/**
 * The one GraphQL engine: the HTTP route hands it requests, and the WebSocket server runs its
 * operations through `getEnveloped`, so every plugin below applies to both transports.
 */
export function createGraphQLServer(deps: {
  database: Database;
  broker: Broker;
  logger: Logger;
  config: Pick<Config, 'production' | 'graphql' | 'graphqlTrustedDocumentsOnly'>;
  idempotency: IdempotencyRecords;
}): PorticoYoga {
  const log = deps.logger.child({ surface: 'graphql' });
  const { production, graphql: limits } = deps.config;
  const eventHub = new EventHub({
    broker: deps.broker,
    db: deps.database.background,
    logger: log,
    checkMs: limits.subscriptionCatchUpMs,
  });
  const yoga = createYoga<YogaServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL answers GET /graphql with Accept: text/html, for trying the API in development.
    graphiql: production ? false : { title: 'Portico GraphiQL' },
    // Off unless an operator caps it; each operation of a batch draws its own cost from the budget.
    batching: limits.batchLimit > 0 ? { limit: limits.batchLimit } : false,
    // Failures outside execution (execution masks its own, with the request id: protection.ts).
    maskedErrors: { isDev: !production },
    // CORS is the HTTP server's one policy (src/http/cors.ts); Yoga's own would echo any origin.
    cors: false,
    logging: {
      debug: (...args) => log.debug({ args }, 'graphql'),
      info: (...args) => log.info({ args }, 'graphql'),
      warn: (...args) => log.warn({ args }, 'graphql'),
      error: (...args) => log.error({ args }, 'graphql'),
    },
    context: ({ requestId, viewer, credentialEnded }) => ({
      database: deps.database,
      requestId,
      viewer,
      events: eventHub,
      credentialEnded,
    }),
    plugins: [
      useCompiledExecution(),
      trustedDocumentsPlugin({ onlyTrusted: deps.config.graphqlTrustedDocumentsOnly }),
      // Limits, introspection, suggestions and error masking (protection.ts).
      ...protectionPlugins({ limits, production, log }),
      useOperationBudget(),
      // After the budget: a refused operation claims no key.
      useIdempotentMutations(deps.idempotency, { details: !production, log }),
    ],
  });
  return Object.assign(yoga, { eventHub });
}
