import { setTimeout } from 'node:timers/promises';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Viewer } from '../auth/viewer.js';
import type { OperationBudget } from '../graphql/operation-budget.js';
import { watchCredential } from '../graphql/subscriptions/credential-watch.js';
import type { PorticoYoga } from '../graphql/yoga.js';
import type { DailyQuota } from './daily-quota.js';
import { classifyError, graphqlCode, problemHeaders } from './error-classification.js';
import { type RateLimiter, rateLimitHeaders } from './rate-limit.js';

/** Failures before Yoga runs (credential, body), as GraphQL over HTTP errors. */
function graphqlErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const problem = classifyError(error, request);
  if (problem.internal) request.log.error({ err: error }, 'request failed');
  problemHeaders(reply, problem);
  return reply
    .status(problem.status)
    .type('application/graphql-response+json; charset=utf-8')
    .send({
      errors: [
        { message: problem.detail, extensions: { code: graphqlCode(problem), ...problem.dailyQuota } },
      ],
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

/**
 * Mounts Yoga (a fetch handler) on Fastify: Fastify parses and limits the body, Yoga does the rest,
 * subscriptions over SSE included (graphql-sse's distinct-connections mode: `Accept:
 * text/event-stream`). Each request counts against its credential's daily quota, takes a token
 * from its tenant's rate-limit budget, and each
 * operation the rest of its cost (operation-budget.ts). A stream ends when its subscription completes, when the client goes away,
 * when its credential expires or is revoked (its last event is then an UNAUTHENTICATED error), and
 * when the server shuts down.
 */
export function registerGraphQLRoutes(
  app: FastifyInstance,
  yoga: PorticoYoga,
  authenticator: Authenticator,
  dailyQuota: DailyQuota,
  rateLimiter: RateLimiter,
  options: { graphiql: boolean },
): void {
  // Open streams would hold a graceful close forever: their subscriptions end first, and the close
  // waits for their responses to finish, so that their connections are idle when the server reaps
  // idle connections (otherwise each would wait for its client to drop it).
  const streaming = new Set<Promise<void>>();
  app.addHook('preClose', async () => {
    await yoga.eventHub.close();
    await Promise.race([Promise.all(streaming), setTimeout(2_000, undefined, { ref: false })]);
  });
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
      if (!browsing) await dailyQuota.admit(viewer);
      // One token at the door, before Yoga parses anything, an SSE subscription included; each
      // operation draws the rest of its cost once validated. The page itself costs none.
      const budget: OperationBudget | undefined = browsing
        ? undefined
        : {
            limiter: rateLimiter,
            tenantId: viewer.tenantId,
            prepaid: 1,
            decision: await rateLimiter.enforce(viewer.tenantId, reply),
          };
      const credentialEnded = new AbortController();
      const response = await yoga.handleNodeRequestAndResponse(request, reply, {
        requestId: request.id,
        viewer,
        credentialEnded: credentialEnded.signal,
        rateLimit: budget,
      });
      for (const [name, value] of response.headers) reply.header(name, value);
      // The budget as the operations left it, not as the door saw it.
      if (budget) {
        for (const [name, value] of Object.entries(rateLimitHeaders(budget.decision))) {
          reply.header(name, value);
        }
      }
      reply.status(response.status);
      // A single result goes out whole, with its length, in one write.
      if (!isStream(response) || !response.body) return reply.send(await response.text());
      // Event streams (subscriptions over SSE, incremental delivery) stream, unbuffered, for as
      // long as the credential they were opened with holds.
      if (!browsing) {
        const stopWatching = watchCredential({
          authenticator,
          headers: request.headers,
          viewer,
          logger: request.log,
          onEnd: (error) => credentialEnded.abort(error),
        });
        reply.raw.once('close', stopWatching);
      }
      const finished = new Promise<void>((resolve) => reply.raw.once('close', resolve));
      streaming.add(finished);
      void finished.then(() => streaming.delete(finished));
      // Yoga's headers say no-cache; proxies that buffer (nginx) are told not to.
      reply.header('x-accel-buffering', 'no');
      return reply.send(response.body);
    },
  });
}
