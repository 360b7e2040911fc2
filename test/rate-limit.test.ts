import { randomBytes, randomUUID } from 'node:crypto';
import { parseList } from 'structured-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { readScopes } from '../src/auth/scopes.js';
import { commands } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { RateLimiter } from '../src/http/rate-limit.js';
import type { Broker } from '../src/platform/broker.js';
import { createLogger } from '../src/platform/logger.js';
import { MemoryBroker } from '../src/platform/memory-broker.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { apiKeyFor } from './helpers/credentials.js';
import { adminQuery, isolatedDatabase } from './helpers/database.js';
import { databaseUrl, redisUrl, withDatabase } from './helpers/environment.js';
import { wsClientAs } from './helpers/graphql.js';
import { openApiValidator } from './helpers/openapi-validator.js';

// One budget per tenant across v1, /api/v2, /api/v3, GraphQL over HTTP and graphql-ws.

/** A burst of 5 that takes an hour to refill: every request of a test is counted exactly. */
const tight = { RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_MINUTE: '1' };

const get = (app: App, path: string, key: string) =>
  fetch(`${app.url}${path}`, { headers: { 'x-api-key': key } });
const graphql = (app: App, key: string, query = '{ viewer { tenantId } }') =>
  fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: {
      'x-api-key': key,
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
    },
    body: JSON.stringify({ query }),
  });

/** The RateLimit fields, read back with a Structured Fields parser. */
function limits(response: Response) {
  const [policy] = parseList(response.headers.get('ratelimit-policy') ?? '');
  const [state] = parseList(response.headers.get('ratelimit') ?? '');
  if (!policy || !state) throw new Error('RateLimit headers missing');
  return {
    name: policy[0],
    q: policy[1].get('q'),
    w: policy[1].get('w'),
    stateName: state[0],
    r: state[1].get('r'),
    t: state[1].get('t'),
  };
}

describe('rate limits', () => {
  let app: TestApp;
  const tenantKey = async () => {
    const tenant = await createTenant(app.database.db, `Tenant ${randomUUID()}`);
    return { tenantId: tenant.id, key: (await apiKeyFor(app, tenant.id, [...readScopes])).key };
  };

  beforeAll(async () => {
    app = await startTestApp({ env: tight });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends RateLimit-Policy and RateLimit (Structured Fields) on every answer, and counts down', async () => {
    const { key } = await tenantKey();
    const first = await get(app, '/v1/positions', key);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=1;w=60');
    expect(limits(first)).toMatchObject({ name: 'default', q: 1, w: 60, stateName: 'default', r: 4 });
    expect(limits(first).t).toBeGreaterThan(0);
    // A refusal for another reason (no such route) is counted too, and carries the fields.
    const missing = await get(app, '/v1/nothing-here', key);
    expect(missing.status).toBe(404);
    expect(limits(missing).r).toBe(3);
  });

  it('shares one budget across v1, v2, v3 and GraphQL, and answers 429 in each dialect', async () => {
    const { key } = await tenantKey();
    for (const path of ['/v1/positions', '/api/v2/clients', '/api/v3/instruments']) {
      expect((await get(app, path, key)).status, path).toBe(200);
    }
    expect((await graphql(app, key)).status).toBe(200);
    expect(limits(await get(app, '/v1/positions', key)).r).toBe(0);

    const v1 = await get(app, '/v1/positions', key);
    expect(v1.status).toBe(429);
    expect(v1.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(v1.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limits(v1)).toMatchObject({ q: 1, r: 0 });
    const problem = await v1.json();
    expect(problem).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too Many Requests' });
    // The document says so too.
    (await openApiValidator()).validate('GET', '/v1/positions', 429, v1.headers.get('content-type'), problem);

    for (const path of ['/api/v2/clients', '/api/v3/instruments']) {
      const refused = await get(app, path, key);
      expect(refused.status, path).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/vnd.api+json');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limits(refused).r).toBe(0);
      const body = await refused.json();
      expect(body.errors).toEqual([
        expect.objectContaining({ status: '429', code: 'rate_limited', title: 'Too Many Requests' }),
      ]);
      (await openApiValidator()).validate('GET', path, 429, refused.headers.get('content-type'), body);
    }

    const gql = await graphql(app, key);
    expect(gql.status).toBe(429);
    expect(gql.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limits(gql).r).toBe(0);
    expect((await gql.json()).errors).toEqual([
      expect.objectContaining({ extensions: { code: 'RATE_LIMITED' } }),
    ]);
  });

  it("leaves other tenants' budgets untouched", async () => {
    const a = await tenantKey();
    const b = await tenantKey();
    for (let i = 0; i < 5; i++) await get(app, '/v1/positions', a.key);
    expect((await get(app, '/v1/positions', a.key)).status).toBe(429);
    const other = await get(app, '/v1/positions', b.key);
    expect(other.status).toBe(200);
    expect(limits(other).r).toBe(4);
  });

  it('counts each graphql-ws operation, refusing the one over budget with an error message', async () => {
    const { key } = await tenantKey();
    for (let i = 0; i < 4; i++) await get(app, '/v1/positions', key);
    const client = wsClientAs(app, key);
    const run = () => client.run('{ viewer { tenantId } }');
    try {
      expect(await run()).toMatchObject({ data: { viewer: {} } });
      const refused = await run().catch((errors: unknown) => errors);
      expect(refused).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('budget'),
          extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
        }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('applies a per-tenant override set with `tenant limits` (the CLI command)', async () => {
    const { tenantId, key } = await tenantKey();
    const command = commands.find((c) => c.name === 'tenant limits');
    if (!command) throw new Error('tenant limits is missing');
    const context = { db: app.database.db, config: app.config, withBroker: async () => {} };
    expect(await command.run(context, { tenant: tenantId, 'per-minute': '600', burst: '2' })).toEqual({
      tenant_id: tenantId,
      per_minute: 600,
      burst: 2,
    });
    // A fresh limiter reads the override (a running one within 30 s).
    const limiter = new RateLimiter({
      db: app.database.db,
      broker: new MemoryBroker(),
      defaults: app.config.rateLimit,
      logger: app.logger,
    });
    expect(await limiter.policyFor(tenantId)).toEqual({ perMinute: 600, burst: 2 });
    expect((await limiter.take(tenantId)).result.allowed).toBe(true);
    expect((await limiter.take(tenantId)).result.allowed).toBe(true);
    const third = await limiter.take(tenantId);
    expect(third.result.allowed).toBe(false);
    expect(third.result.retryAfterMs).toBeLessThanOrEqual(100);
    await limiter.close();
    // A new app (no cached policy) applies it on every surface.
    const fresh = await startTestApp({ env: tight, database: app.database });
    try {
      const first = await get(fresh, '/v1/positions', key);
      expect(limits(first)).toMatchObject({ q: 600, r: 1 });
    } finally {
      await fresh.close();
    }
    expect(
      await command.run(context, { tenant: tenantId, 'per-minute': 'default', burst: 'default' }),
    ).toEqual({ tenant_id: tenantId, per_minute: null, burst: null });
    await expect(command.run(context, { tenant: tenantId, 'per-minute': '0', burst: '1' })).rejects.toThrow(
      /--per-minute/,
    );
  });

  it('reads overrides without a statement per request', async () => {
    const { key } = await tenantKey();
    await get(app, '/v1/positions', key);
    const before = app.database.statements();
    await get(app, '/v1/positions', key);
    expect(app.database.statements() - before).toBe(1);
  });
});

describe('rate limits while Redis fails', () => {
  /** A broker whose bucket calls fail, as Redis's do while it is unreachable. */
  class FailingBroker extends MemoryBroker {
    failing = true;
    override async takeTokens(...args: Parameters<Broker['takeTokens']>) {
      if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return super.takeTokens(...args);
    }
  }

  it('falls back to an in-process bucket at the same rate while the broker fails', async () => {
    const broker = new FailingBroker();
    const app = await startTestApp({ env: tight });
    let now = 0;
    const limiter = new RateLimiter({
      db: app.database.db,
      broker,
      defaults: { perMinute: 60, burst: 2 },
      logger: app.logger,
      now: () => now,
    });
    try {
      const tenant = (await createTenant(app.database.db, 'Fallback')).id;
      expect(limiter.degraded).toBe(false);
      expect((await limiter.take(tenant)).result).toMatchObject({ allowed: true, remaining: 1 });
      expect(limiter.degraded).toBe(true);
      expect((await limiter.take(tenant)).result.allowed).toBe(true);
      // Still limited: fail open means per instance, not unlimited.
      expect((await limiter.take(tenant)).result.allowed).toBe(false);
      // Redis is back: the next check after the retry interval uses it, and the flag clears.
      broker.failing = false;
      now += 5_000;
      expect((await limiter.take(tenant)).result).toMatchObject({ allowed: true, remaining: 1 });
      expect(limiter.degraded).toBe(false);
    } finally {
      await limiter.close();
      await app.close();
    }
  });

  it('reports the degraded limiter on /readyz and /metrics, and keeps limiting per instance', async () => {
    const database = await isolatedDatabase();
    const broker = new FailingBroker();
    const config = loadConfig({ ...tight, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const app = await startApp({ config, logger: createLogger(config), database, broker, sandbox: false });
    try {
      const tenant = (await createTenant(database.db, 'No Redis')).id;
      const { key } = await apiKeyFor({ database } as TestApp, tenant, [...readScopes]);
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await get(app, '/v1/positions', key));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(limits(answers[0] as Response).r).toBe(4);
      const ready = await (await fetch(`${app.url}/readyz`)).json();
      expect(ready.checks.ratelimit).toEqual({ status: 'degraded' });
      expect(await (await fetch(`${app.url}/metrics`)).text()).toMatch(/^portico_rate_limit_degraded 1$/m);
    } finally {
      await app.close();
      await broker.close();
      await database.close();
    }
  });
});

// Several instances on one Postgres and one Redis: the Lua script makes the budget exact.
describe.runIf(databaseUrl && redisUrl)('rate limits across instances', () => {
  const name = `portico_ratelimit_${randomBytes(5).toString('hex')}`;
  const apps: App[] = [];
  const admin = adminQuery;
  beforeAll(async () => {
    await admin(`create database ${name}`);
    const config = loadConfig({
      DATABASE_URL: withDatabase(databaseUrl as string, name),
      REDIS_URL: redisUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_BURST: '20',
      RATE_LIMIT_PER_MINUTE: '1',
    });
    const namespace = `test-${randomUUID()}`;
    apps.push(await startApp({ config, redisNamespace: namespace }));
    apps.push(await startApp({ config, redisNamespace: namespace }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await admin(`drop database if exists ${name} with (force)`);
  });

  it('lets exactly the burst through when twice the burst arrives at once on two instances', async () => {
    const [one, two] = apps as [App, App];
    const tenant = await createTenant(one.database.db, 'Scaled');
    const { key } = await apiKeyFor({ database: one.database } as TestApp, tenant.id, [...readScopes]);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => get(i % 2 === 0 ? one : two, '/v1/positions', key)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const remaining = answers.map((a) => limits(a).r).sort((x, y) => Number(x) - Number(y));
    expect(remaining.slice(20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const app of apps) {
      const ready = await (await fetch(`${app.url}/readyz`)).json();
      expect(ready.checks.ratelimit).toEqual({ status: 'ok' });
    }
  });
});
