import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import type { GraphQLContext } from './context.js';
import { schema } from './schema.js';

export interface YogaServerContext {
  requestId: string;
}

export type PorticoYoga = YogaServerInstance<YogaServerContext, GraphQLContext>;

export function createGraphQLServer(deps: { database: Database; logger: Logger }): PorticoYoga {
  const log = deps.logger.child({ surface: 'graphql' });
  return createYoga<YogaServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: {
      debug: (...args) => log.debug({ args }, 'graphql'),
      info: (...args) => log.info({ args }, 'graphql'),
      warn: (...args) => log.warn({ args }, 'graphql'),
      error: (...args) => log.error({ args }, 'graphql'),
    },
    context: ({ requestId }) => ({ database: deps.database, requestId }),
  });
}
