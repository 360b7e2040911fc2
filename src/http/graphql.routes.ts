import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { AuthenticationError, bearerChallenge } from '../auth/viewer.js';
import type { PorticoYoga } from '../graphql/yoga.js';

/** Mounts Yoga (a fetch handler) on Fastify: Fastify parses and limits the body, Yoga does the rest. */
export function registerGraphQLRoutes(
  app: FastifyInstance,
  yoga: PorticoYoga,
  authenticator: Authenticator,
): void {
  app.route({
    url: yoga.graphqlEndpoint,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      let viewer: Awaited<ReturnType<Authenticator['authenticate']>>;
      try {
        viewer = await authenticator.authenticate(request.headers);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        return reply
          .status(401)
          .header('www-authenticate', bearerChallenge(error))
          .type('application/graphql-response+json; charset=utf-8')
          .send({ errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      const response = await yoga.handleNodeRequestAndResponse(request, reply, {
        requestId: request.id,
        viewer,
      });
      for (const [name, value] of response.headers) reply.header(name, value);
      reply.status(response.status);
      return reply.send(response.body);
    },
  });
}
