import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Viewer } from '../auth/viewer.js';
import type { PorticoYoga } from '../graphql/yoga.js';
import { classifyError, graphqlCode, problemHeaders } from './error-classification.js';

/** Failures before Yoga runs (credential, body), as GraphQL over HTTP errors. */
function graphqlErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const problem = classifyError(error, request);
  if (problem.internal) request.log.error({ err: error }, 'request failed');
  problemHeaders(reply, problem);
  return reply
    .status(problem.status)
    .type('application/graphql-response+json; charset=utf-8')
    .send({
      errors: [{ message: problem.detail, extensions: { code: graphqlCode(problem) } }],
    });
}

function isStream(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return type.startsWith('text/event-stream') || type.startsWith('multipart/');
}

/** Never reaches a resolver: Yoga only renders GraphiQL for a browser's GET. */
const anonymous: Viewer = {
  tenantId: '',
  whiteLabelId: null,
  credential: { kind: 'api_key', id: '', publicId: '' },
  scopes: new Set(),
};

/** Mounts Yoga (a fetch handler) on Fastify: Fastify parses and limits the body, Yoga does the rest. */
export function registerGraphQLRoutes(
  app: FastifyInstance,
  yoga: PorticoYoga,
  authenticator: Authenticator,
  options: { graphiql: boolean },
): void {
  app.route({
    url: yoga.graphqlEndpoint,
    // No OPTIONS: preflights are the CORS plugin's, answered before this route is reached.
    method: ['GET', 'POST'],
    errorHandler: graphqlErrorHandler,
    handler: async (request, reply) => {
      // A browser opening /graphql gets GraphiQL (development only) without a credential: the page
      // executes nothing itself, and every query it sends carries the token typed into its headers.
      const browsing =
        options.graphiql && request.method === 'GET' && String(request.headers.accept).includes('text/html');
      const viewer = browsing ? anonymous : await authenticator.authenticate(request.headers);
      const response = await yoga.handleNodeRequestAndResponse(request, reply, {
        requestId: request.id,
        viewer,
      });
      for (const [name, value] of response.headers) reply.header(name, value);
      reply.status(response.status);
      // Event streams (subscriptions over SSE, incremental delivery) stream; a single result goes
      // out whole, with its length, in one write.
      return reply.send(isStream(response) ? response.body : await response.text());
    },
  });
}
