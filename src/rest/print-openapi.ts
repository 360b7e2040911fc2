// Writes openapi/openapi.json, the OpenAPI document of the REST surfaces (npm run codegen). The
// routes are registered on a bare Fastify instance whose dependencies throw if used: generating
// the document needs the route schemas only, not a database, a broker or the network.
import { mkdir, writeFile } from 'node:fs/promises';
import Fastify from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { loadConfig } from '../config.js';
import '../domain/resources/described-resources.js';
import type { DailyQuota } from '../http/daily-quota.js';
import type { IdempotencyRecords } from '../http/idempotency/idempotency-records.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { JobDeps } from '../jobs/job-deps.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { ServerSecrets } from '../platform/server-secrets.js';
import { registerOpenApi } from './openapi.js';
import { registerRestSurfaces } from './rest-surfaces.js';

/** A dependency the routes hold but only call while answering requests, which this never does. */
function unavailable<T>(name: string): T {
  return new Proxy({} as object, {
    get(_target, property) {
      throw new Error(`print-openapi: ${name}.${String(property)} is not available here`);
    },
  }) as T;
}

const app = Fastify();
registerOpenApi(app);
registerRestSurfaces(app, {
  database: { db: unavailable('db') } as unknown as Database,
  authenticator: unavailable<Authenticator>('authenticator'),
  dailyQuota: unavailable<DailyQuota>('dailyQuota'),
  rateLimiter: unavailable<RateLimiter>('rateLimiter'),
  secrets: unavailable<ServerSecrets>('secrets'),
  idempotency: unavailable<IdempotencyRecords>('idempotency'),
  jobs: unavailable<JobDeps>('jobs'),
  webhooks: {
    box: unavailable<SecretBox>('box'),
    broker: unavailable<Broker>('broker'),
    allowPrivateTargets: false,
  },
  ...(({ rowCap, assetAliasSunset, publicUrl }) => ({ rowCap, assetAliasSunset, publicUrl }))(loadConfig({})),
});
await app.ready();
const document = app.swagger();
await app.close();

const target = new URL('../../openapi/openapi.json', import.meta.url);
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
