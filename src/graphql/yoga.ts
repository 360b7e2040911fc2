import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import type { GraphQLContext } from './context.js';
import { schema } from './schema.js';

/** Handed in by the HTTP route after authentication: Yoga never sees an anonymous request. */
export interface YogaServerContext {
  requestId: string;
  viewer: Viewer;
}

export type PorticoYoga = YogaServerInstance<YogaServerContext, GraphQLContext>;

export function createGraphQLServer(deps: { database: Database; logger: Logger }): PorticoYoga {
  const log = deps.logger.child({ surface: 'graphql' });
  return createYoga<YogaServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // CORS is the HTTP server's one policy (src/http/cors.ts); Yoga's own would echo any origin.
    cors: false,
    logging: {
      debug: (...args) => log.debug({ args }, 'graphql'),
      info: (...args) => log.info({ args }, 'graphql'),
      warn: (...args) => log.warn({ args }, 'graphql'),
      error: (...args) => log.error({ args }, 'graphql'),
    },
    context: ({ requestId, viewer }) => ({ database: deps.database, requestId, viewer }),
  });
}
