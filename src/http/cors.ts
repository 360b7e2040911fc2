import type { FastifyCorsOptions } from '@fastify/cors';
import type { Config } from '../config.js';

/** One policy for every surface: browser clients of GraphQL, REST and the token endpoint. */
export function corsOptions(config: Config): FastifyCorsOptions {
  return {
    // An array (even of one) makes the plugin echo the matching origin and add `Vary: Origin`;
    // an empty array answers no origin at all.
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'X-API-Key',
      'Idempotency-Key',
      'If-Match',
      'If-None-Match',
      'X-Request-Id',
      // GraphQL clients: graphql-http's Accept negotiation, graphql-sse's single-connection token,
      // Apollo Client's CSRF-prevention and operation-name headers.
      'Accept',
      'X-GraphQL-Event-Stream-Token',
      'Apollo-Require-Preflight',
      'X-Apollo-Operation-Name',
    ],
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'Location',
      'Link',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'Idempotent-Replayed',
      'Deprecation',
      'Sunset',
    ],
    // Ten minutes: few preflights, and a changed policy reaches browsers soon.
    maxAge: 600,
    // A bare OPTIONS (no Origin) is answered like a preflight rather than with a text/plain 400
    // that belongs to no surface's error dialect.
    strictPreflight: false,
  };
}
