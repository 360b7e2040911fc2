import type { FastifyInstance } from 'fastify';
import type { Broker } from '../platform/broker.js';
import { withTimeout } from '../platform/broker-fallback.js';
import type { Database } from '../platform/database.js';
import type { Metrics } from '../platform/metrics.js';

const probeTimeoutMs = 2000;

async function probe(check: () => Promise<void>): Promise<'ok' | string> {
  try {
    await withTimeout(check(), probeTimeoutMs);
    return 'ok';
  } catch (error) {
    return (error as Error).message || 'unreachable';
  }
}

/** Liveness, readiness and metrics: unauthenticated, cheap, and never rate limited. */
export function registerOperationsRoutes(
  app: FastifyInstance,
  deps: {
    database: Database;
    broker: Broker;
    metrics: Metrics;
    /** The rate limits and daily quotas; absent for ROLE=worker, which serves no limited surface. */
    limits?: { readonly degraded: boolean };
    draining: () => boolean;
  },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [database, redis] = await Promise.all([probe(deps.database.ping), probe(() => deps.broker.ping())]);
    const checks = {
      database: { engine: deps.database.engine, status: database },
      redis: { engine: deps.broker.kind, status: redis },
      // Informational: degraded limits (Redis failing, each instance counting alone) still serve,
      // and the redis check above already takes the instance out of rotation.
      ...(deps.limits ? { ratelimit: { status: deps.limits.degraded ? 'degraded' : 'ok' } } : {}),
    };
    const ready = database === 'ok' && redis === 'ok' && !deps.draining();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
