import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import {
  idempotencyHeader,
  readIdempotencyKey,
  replayedHeader,
  requestFingerprint,
} from '../../http/idempotency/idempotency-key.js';
import type { IdempotencyRecords, IdempotentAttempt } from '../../http/idempotency/idempotency-records.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A first request under its Idempotency-Key, until its answer is stored or dropped. */
    idempotentAttempt?: IdempotentAttempt;
  }
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The headers an answer is replayed with (the rest describe the connection or this instant). */
const replayedHeaders = ['content-type', 'location', 'etag'];

/**
 * Idempotency-Key on every v1 POST, PUT, PATCH and DELETE. A first request runs its handler in one
 * transaction (request-transaction.ts) and, once its answer is serialized, stores a 2xx answer in
 * that transaction and commits both before a byte is sent; any other answer rolls the work back and
 * stores nothing, so the key is free for a corrected retry. Requests refused by validation never
 * reach the handler, so they are never recorded. Call before the routes are registered.
 */
export function idempotentWrites(v1: FastifyInstance, records: IdempotencyRecords): void {
  v1.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => stateChanging.has(method))) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function idempotent(request: FastifyRequest, reply: FastifyReply) {
      const key = readIdempotencyKey(request.headers[idempotencyHeader.toLowerCase()]);
      if (!key) return handler.call(this, request, reply);
      const claim = await records.claim({
        tenantId: request.viewer.tenantId,
        credentialId: request.viewer.credential.id,
        key,
        method: request.method,
        path: request.url,
        fingerprint: requestFingerprint(request.method, request.url, request.body),
      });
      if ('replay' in claim) {
        for (const [name, value] of Object.entries(claim.replay.headers)) reply.header(name, value);
        return reply.header(replayedHeader, 'true').status(claim.replay.status).send(claim.replay.body);
      }
      request.idempotentAttempt = claim.attempt;
      return claim.attempt.run(async () => handler.call(this, request, reply));
    };
  });

  // Every answer passes here once serialized, errors included, even when the client has gone.
  v1.addHook('onSend', async (request, reply, payload) => {
    const attempt = request.idempotentAttempt;
    if (!attempt) return payload;
    request.idempotentAttempt = undefined;
    if (reply.statusCode < 200 || reply.statusCode >= 300) {
      await attempt.abandon();
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await attempt.complete({
      status: reply.statusCode,
      headers,
      body: payload == null ? '' : String(payload),
    });
    return payload;
  });
}
