// One HTTP target per process, so the load generator never shares a core's event loop with it.
// Usage: tsx bench/http-targets.ts <plain|fastify|yoga-plain|yoga-fastify>; prints the port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createYoga } from 'graphql-yoga';
import type { Authenticator } from '../src/auth/authenticator.js';
import { schema } from '../src/graphql/schema.js';
import type { DailyQuota } from '../src/http/daily-quota.js';
import { registerGraphQLRoutes } from '../src/http/graphql.routes.js';
import type { RateLimitDecision, RateLimiter } from '../src/http/rate-limit.js';

const kind = process.argv[2];
const body = JSON.stringify({ status: 'ok' });
const yoga = () => createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false });

async function listen(): Promise<number> {
  switch (kind) {
    case 'plain': {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'yoga-plain': {
      const server = createServer(yoga());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'fastify':
    case 'yoga-fastify': {
      const app = Fastify({ logger: false });
      app.get('/healthz', async () => ({ status: 'ok' }));
      // The bench measures the HTTP layer, so authentication is a constant viewer.
      const viewer = {
        tenantId: 't',
        whiteLabelId: null,
        credential: { kind: 'api_key', id: 'k', publicId: 'k' },
        scopes: new Set(),
      };
      const authenticator = { authenticate: async () => viewer } as unknown as Authenticator;
      const always: RateLimitDecision = {
        policy: { perMinute: 1e9, burst: 1e9 },
        tokens: 1,
        result: { allowed: true, remaining: 1e9, retryAfterMs: 0, resetMs: 0 },
      };
      const unlimited = { enforce: async () => always, take: async () => always } as unknown as RateLimiter;
      const noQuota = { admit: async () => {} } as unknown as DailyQuota;
      if (kind === 'yoga-fastify') {
        // biome-ignore lint/suspicious/noExplicitAny: the bench's Yoga has no Portico context.
        registerGraphQLRoutes(app, yoga() as any, authenticator, noQuota, unlimited, { graphiql: false });
      }
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    default:
      throw new Error(`unknown target ${kind}`);
  }
}

process.stdout.write(`${await listen()}\n`);
