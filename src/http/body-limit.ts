import { errorCodes, type FastifyInstance } from 'fastify';

/**
 * Refuses a body whose declared Content-Length is over the route's limit as soon as the request
 * arrives: before authentication (an anonymous caller learns the limit, not that it needs a
 * credential) and without reading a byte of it. Bodies without a declared length are counted by
 * Fastify's parser against the same limit and fail with the same error, so each surface's error
 * handler sees one kind of 413 and only renders it.
 */
export function refuseOversizedBodies(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (Number(request.headers['content-length']) > request.routeOptions.bodyLimit) {
      // The unread body would otherwise be drained to keep the connection alive.
      reply.header('connection', 'close');
      throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    }
  });
}
