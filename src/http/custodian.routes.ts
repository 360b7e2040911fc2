import type { FastifyInstance } from 'fastify';
import { custodianCallbackPath } from '../domain/custodians/custodian-callback.js';
import { completeAuthFlow } from '../domain/custodians/custodian-connections.service.js';
import { sandboxAuthorize, sandboxAuthorizePath } from '../domain/custodians/sandbox-custodian.js';
import type { Database } from '../platform/database.js';

type Query = Record<string, unknown>;

/**
 * The browser's side of a custodian connection, outside every API surface and unauthenticated:
 * the sandbox custodian's consent page, and Portico's callback where custodians send the browser
 * back (the state in the query is the credential). Refusals are problem details from the root
 * error handler (sendProblem): 400 for a missing state, 404 for an unknown one, 409 for a used one.
 */
export function registerCustodianRoutes(
  app: FastifyInstance,
  deps: { database: Database; publicUrl: string },
): void {
  app.register(async (routes) => {
    routes.addHook('onSend', async (_request, reply) => {
      // State and code travel in these URLs: nothing may cache them or pass them on as a referrer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    });

    routes.get(sandboxAuthorizePath, async (request, reply) => {
      const answer = sandboxAuthorize(request.query as Query, { publicUrl: deps.publicUrl });
      if ('redirect' in answer) return reply.redirect(answer.redirect, 302);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
        .send(answer.page);
    });

    routes.get<{ Params: { custodian: string } }>(
      `${custodianCallbackPath}/:custodian`,
      async (request, reply) => {
        const { redirectUrl } = await completeAuthFlow(
          deps.database.db,
          request.params.custodian,
          request.query as Query,
          { publicUrl: deps.publicUrl },
        );
        return reply.redirect(redirectUrl, 302);
      },
    );
  });
}
