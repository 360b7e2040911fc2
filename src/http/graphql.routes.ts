import type { FastifyInstance } from 'fastify';
import type { PorticoYoga } from '../graphql/yoga.js';

/** Mounts Yoga (a fetch handler) on Fastify: Fastify parses and limits the body, Yoga does the rest. */
export function registerGraphQLRoutes(app: FastifyInstance, yoga: PorticoYoga): void {
  app.route({
    url: yoga.graphqlEndpoint,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(request, reply, { requestId: request.id });
      for (const [name, value] of response.headers) reply.header(name, value);
      reply.status(response.status);
      return reply.send(response.body);
    },
  });
}
