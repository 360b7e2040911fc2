import { randomUUID } from 'node:crypto';
import { parseList } from 'structured-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service.js';
import { readScopes } from '../src/auth/scopes.js';
import type { Viewer } from '../src/auth/viewer.js';
import { commands } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { DailyQuota, QuotaExceededError } from '../src/http/daily-quota.js';
import { UsageRecorder } from '../src/http/usage-recorder.js';
import type { Broker } from '../src/platform/broker.js';
import { createLogger } from '../src/platform/logger.js';
import { MemoryBroker } from '../src/platform/memory-broker.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { isolatedDatabase } from './helpers/database.js';
import { databaseUrl, redisUrl } from './helpers/environment.js';
import { wsClientAs } from './helpers/graphql.js';
import { openApiValidator } from './helpers/openapi-validator.js';
import { type Headers, v1As } from './helpers/v1.js';

// A credential's declared daily volume: past it, 429 on every surface until midnight UTC, while the
// tenant's other credentials and its rate-limit budget are untouched; GET /v1/usage shows the counts.

/** A budget that barely refills, so every token a request takes shows in RateLimit's `r`. */
const countedBudget = { RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1' };

const today = () => new Date().toISOString().slice(0, 10);
const nextMidnight = () => {
  const midnight = new Date();
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight;
};

const apiKeyHeader = (key: string): Headers => ({ 'x-api-key': key });

/** What RateLimit says is left of the tenant's budget. */
const remaining = (response: { headers: globalThis.Headers }) => {
  const [state] = parseList(response.headers.get('ratelimit') ?? '');
  if (!state) throw new Error('RateLimit missing');
  return Number(state[1].get('r'));
};

async function jsonApi(app: TestApp, path: string, headers: Headers) {
  const response = await fetch(`${app.url}${path}`, { headers });
  const body = await response.json();
  (await openApiValidator()).validate(
    'GET',
    path,
    response.status,
    response.headers.get('content-type'),
    body,
  );
  return { status: response.status, headers: response.headers, body };
}

async function graphql(app: TestApp, headers: Headers, query = '{ viewer { tenantId } }') {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** One graphql-ws operation on a new connection: its result, or the errors it was refused with. */
async function overWebSocket(app: TestApp, key: string): Promise<unknown> {
  const client = wsClientAs(app, key);
  try {
    return await client.run('{ viewer { tenantId } }').catch((errors: unknown) => errors);
  } finally {
    await client.dispose();
  }
}

describe('daily quotas', () => {
  let app: TestApp;

  /** A tenant with a manager (an OAuth client holding keys:manage and every read scope). */
  const tenantWithManager = async (options: { whiteLabel?: string; tenantId?: string } = {}) => {
    const tenant = await tenantWithClient(app, ['keys:manage', ...readScopes], options);
    const manager = v1As(app, bearer(await accessToken(app, tenant.client)));
    const createKey = async (body: Record<string, unknown>) => {
      const created = await manager('POST', '/v1/api-keys', {
        name: 'Partner',
        scopes: [...readScopes],
        ...body,
      });
      expect(created.status, created.text).toBe(201);
      return created.body as { id: string; public_id: string; key: string; daily_quota: number | null };
    };
    return { ...tenant, manager, createKey };
  };

  beforeAll(async () => {
    app = await startTestApp({ env: countedBudget });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers three requests, then 429 on every surface, leaving the tenant’s other keys and budget alone', async () => {
    const { manager, createKey } = await tenantWithManager();
    const limited = await createKey({ name: 'Nightly export', daily_quota: 3 });
    expect(limited.daily_quota).toBe(3);
    const other = await createKey({ name: 'Portal' });
    const asLimited = v1As(app, apiKeyHeader(limited.key));
    const asOther = v1As(app, apiKeyHeader(other.key));

    for (let i = 0; i < 3; i++) expect((await asLimited('GET', '/v1/clients')).status).toBe(200);
    // What one request of the other key takes from the tenant's budget.
    const before = remaining(await asOther('GET', '/v1/clients'));
    const perRequest = before - remaining(await asOther('GET', '/v1/clients'));
    const beforeRefusals = before - perRequest;

    const refused = await asLimited('GET', '/v1/clients');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const resetsAt = nextMidnight();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Math.abs(retryAfter - (resetsAt.getTime() - Date.now()) / 1000)).toBeLessThan(5);
    expect(refused.body).toMatchObject({
      type: 'https://portico.dev/problems/daily_quota_exceeded',
      title: 'Daily quota exceeded',
      status: 429,
      code: 'daily_quota_exceeded',
      quota: 3,
      resets_at: resetsAt.toISOString(),
    });
    expect(refused.body.detail).toContain('daily quota of 3 requests');
    expect(refused.body.detail).toContain(resetsAt.toISOString());
    // Refused before the rate limit: no budget taken, so no RateLimit fields either.
    expect(refused.headers.get('ratelimit')).toBeNull();

    for (const path of ['/api/v2/clients', '/api/v3/instruments']) {
      const jsonApiRefusal = await jsonApi(app, path, apiKeyHeader(limited.key));
      expect(jsonApiRefusal.status, path).toBe(429);
      expect(jsonApiRefusal.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(jsonApiRefusal.body.errors).toEqual([
        expect.objectContaining({
          status: '429',
          code: 'daily_quota_exceeded',
          title: 'Daily quota exceeded',
          meta: { quota: 3, resetsAt: resetsAt.toISOString() },
        }),
      ]);
    }

    const gql = await graphql(app, apiKeyHeader(limited.key));
    expect(gql.status).toBe(429);
    expect(gql.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(gql.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('daily quota of 3 requests'),
        extensions: { code: 'DAILY_QUOTA_EXCEEDED', quota: 3, resetsAt: resetsAt.toISOString() },
      }),
    ]);

    expect(await overWebSocket(app, limited.key)).toEqual([
      expect.objectContaining({
        extensions: {
          code: 'DAILY_QUOTA_EXCEEDED',
          quota: 3,
          resetsAt: resetsAt.toISOString(),
          retryAfter: expect.any(Number),
        },
      }),
    ]);

    // The tenant's other key works, and the five refusals spent none of the tenant's budget.
    const afterRefusals = await asOther('GET', '/v1/clients');
    expect(afterRefusals.status).toBe(200);
    expect(remaining(afterRefusals)).toBe(beforeRefusals - perRequest);

    const usage = await manager('GET', '/v1/usage');
    expect(usage.status).toBe(200);
    const day = today();
    expect(usage.body.data).toEqual(
      expect.arrayContaining([
        {
          credential_id: limited.id,
          credential_kind: 'api_key',
          public_id: limited.public_id,
          name: 'Nightly export',
          day,
          requests: 3,
          refused: 5,
          daily_quota: 3,
        },
        {
          credential_id: other.id,
          credential_kind: 'api_key',
          public_id: other.public_id,
          name: 'Portal',
          day,
          requests: 3,
          refused: 0,
          daily_quota: null,
        },
      ]),
    );
    // The manager's own requests are counted too (this reading included).
    const managerRow = usage.body.data.find(
      (row: { credential_kind: string }) => row.credential_kind === 'oauth_client',
    );
    expect(managerRow).toMatchObject({ day, refused: 0, daily_quota: null });
    expect(managerRow.requests).toBeGreaterThanOrEqual(3);

    const one = await manager('GET', `/v1/usage?credential_id=${limited.id}&from=${day}&to=${day}`);
    expect(one.body.data.map((row: { credential_id: string }) => row.credential_id)).toEqual([limited.id]);
  });

  it('holds an OAuth client created with `client create --daily-quota` to it, its tokens on every surface', async () => {
    const tenantId = (await createTenant(app.database.db, 'Quota client')).id;
    const command = commands.find((c) => c.name === 'client create');
    if (!command) throw new Error('client create is missing');
    const context = { db: app.database.db, config: app.config, withBroker: async () => {} };
    const created = (await command.run(context, {
      tenant: tenantId,
      name: 'Reporting partner',
      scopes: 'clients:read instruments:read',
      'daily-quota': '2',
    })) as { client_id: string; client_secret: string; daily_quota: number };
    expect(created).toEqual({
      client_id: expect.stringMatching(/^pc_/),
      client_secret: expect.any(String),
      daily_quota: 2,
    });
    const token = await accessToken(app, {
      clientId: created.client_id,
      clientSecret: created.client_secret,
    });
    const headers = bearer(token);
    expect((await v1As(app, headers)('GET', '/v1/clients')).status).toBe(200);
    expect((await graphql(app, headers)).status).toBe(200);
    const refused = await v1As(app, headers)('GET', '/v1/clients');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'daily_quota_exceeded', quota: 2 });
    expect((await jsonApi(app, '/api/v3/instruments', headers)).status).toBe(429);
    // A new token is the same client: the same quota.
    const again = await accessToken(app, {
      clientId: created.client_id,
      clientSecret: created.client_secret,
    });
    expect((await graphql(app, bearer(again))).status).toBe(429);
  });

  it('sets a key’s quota with `apikey create --daily-quota`, digits only', async () => {
    const tenantId = (await createTenant(app.database.db, 'Quota key')).id;
    const command = commands.find((c) => c.name === 'apikey create');
    if (!command) throw new Error('apikey create is missing');
    const context = { db: app.database.db, config: app.config, withBroker: async () => {} };
    const options = { tenant: tenantId, name: 'Batch', scopes: 'clients:read' };
    const created = (await command.run(context, { ...options, 'daily-quota': '500' })) as {
      id: string;
      key: string;
      daily_quota: number;
    };
    expect(created).toEqual({ id: expect.any(String), key: expect.stringMatching(/^pk_/), daily_quota: 500 });
    const row = await app.database.db
      .selectFrom('api_keys')
      .select('daily_quota')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.daily_quota).toBe(500);
    for (const value of ['1e3', '12abc', '-5', '0', '2147483648']) {
      await expect(command.run(context, { ...options, 'daily-quota': value }), value).rejects.toThrow(
        /--daily-quota: must be a whole number/,
      );
    }
    // Without the flag, no quota (and the output says nothing of one).
    expect(Object.keys((await command.run(context, options)) as object).sort()).toEqual(['id', 'key']);
  });

  it('lifts the quota with PATCH daily_quota null, and admits the difference when it is raised', async () => {
    const { manager, createKey } = await tenantWithManager();
    const key = await createKey({ daily_quota: 1 });
    const asKey = v1As(app, apiKeyHeader(key.key));
    expect((await asKey('GET', '/v1/clients')).status).toBe(200);
    expect((await asKey('GET', '/v1/clients')).status).toBe(429);
    expect((await asKey('GET', '/v1/clients')).status).toBe(429);

    const raised = await manager('PATCH', `/v1/api-keys/${key.id}`, { daily_quota: 3 });
    expect(raised.status).toBe(200);
    expect(raised.body.daily_quota).toBe(3);
    // Refusals were not counted against it: two more today.
    expect((await asKey('GET', '/v1/clients')).status).toBe(200);
    expect((await asKey('GET', '/v1/clients')).status).toBe(200);
    expect((await asKey('GET', '/v1/clients')).status).toBe(429);

    const lifted = await manager('PATCH', `/v1/api-keys/${key.id}`, { daily_quota: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body.daily_quota).toBeNull();
    expect((await manager('GET', `/v1/api-keys/${key.id}`)).body.daily_quota).toBeNull();
    for (let i = 0; i < 3; i++) expect((await asKey('GET', '/v1/clients')).status).toBe(200);

    const events = await app.database.db
      .selectFrom('events')
      .select('changed_fields')
      .where('resource_id', '=', key.id)
      .where('type', '=', 'api-key.updated')
      .execute();
    expect(events.map((event) => event.changed_fields)).toEqual([['daily_quota'], ['daily_quota']]);
  });

  it.each([
    ['zero', 0],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a string', 'x'],
    ['more than a Postgres integer', 2_147_483_648],
  ])('refuses a daily_quota of %s with 400 naming daily_quota', async (_name, value) => {
    const { manager, createKey } = await tenantWithManager();
    const created = await manager('POST', '/v1/api-keys', {
      name: 'Invalid',
      scopes: ['clients:read'],
      daily_quota: value,
    });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([expect.objectContaining({ pointer: '#/daily_quota' })]);
    expect(created.body.detail).toContain('daily_quota');

    const key = await createKey({});
    const patched = await manager('PATCH', `/v1/api-keys/${key.id}`, { daily_quota: value });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([expect.objectContaining({ pointer: '#/daily_quota' })]);
  });

  it('shows usage to keys:manage only, and never another tenant’s or white label’s credentials', async () => {
    const mine = await tenantWithManager();
    const theirs = await tenantWithManager();
    const theirKey = await theirs.createKey({ daily_quota: 10 });
    expect((await v1As(app, apiKeyHeader(theirKey.key))('GET', '/v1/clients')).status).toBe(200);
    const myKey = await mine.createKey({});
    expect((await v1As(app, apiKeyHeader(myKey.key))('GET', '/v1/clients')).status).toBe(200);

    const forbidden = await v1As(app, apiKeyHeader(myKey.key))('GET', '/v1/usage');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain('keys:manage');

    const ids = (await mine.manager('GET', '/v1/usage')).body.data.map(
      (row: { credential_id: string }) => row.credential_id,
    );
    expect(ids).toContain(myKey.id);
    expect(ids).not.toContain(theirKey.id);
    expect((await mine.manager('GET', `/v1/usage?credential_id=${theirKey.id}`)).body.data).toEqual([]);

    // A manager bound to a white label sees that white label's credentials only.
    const labelled = await tenantWithManager({ tenantId: mine.tenantId, whiteLabel: 'Nordics' });
    const labelledKey = await labelled.createKey({});
    expect((await v1As(app, apiKeyHeader(labelledKey.key))('GET', '/v1/clients')).status).toBe(200);
    const seen = (await labelled.manager('GET', '/v1/usage')).body.data.map(
      (row: { credential_id: string }) => row.credential_id,
    );
    expect(seen).toContain(labelledKey.id);
    expect(seen).not.toContain(myKey.id);
    expect(
      (await mine.manager('GET', '/v1/usage')).body.data.map(
        (row: { credential_id: string }) => row.credential_id,
      ),
    ).toContain(labelledKey.id);
  });

  it('reads a range of days, and refuses one that is not', async () => {
    const { manager } = await tenantWithManager();
    expect((await manager('GET', '/v1/usage?from=2020-01-01&to=2020-01-31')).body).toEqual({ data: [] });
    for (const [query, parameter] of [
      ['from=2020-02-01&to=2020-01-31', 'from'],
      ['from=2019-01-01&to=2020-12-31', 'from'],
      ['from=yesterday', 'from'],
      ['to=2020-13-01', 'to'],
      ['days=3', 'days'],
    ]) {
      const refused = await manager('GET', `/v1/usage?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.errors, query).toEqual([expect.objectContaining({ parameter })]);
    }
  });

  it('costs no database statement per request once the quota is read', async () => {
    const { createKey } = await tenantWithManager();
    const key = await createKey({ daily_quota: 100 });
    const warmUp = await graphql(app, apiKeyHeader(key.key));
    expect(warmUp.status).toBe(200);
    const before = app.database.statements();
    for (let i = 0; i < 5; i++) expect((await graphql(app, apiKeyHeader(key.key))).status).toBe(200);
    expect(app.database.statements() - before).toBe(0);
  });
});

describe('daily quotas while Redis fails', () => {
  /** A broker whose counters fail, as Redis's do while it is unreachable. */
  class FailingBroker extends MemoryBroker {
    override async increment(..._args: Parameters<Broker['increment']>): Promise<number> {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    }
  }

  it('counts on this instance instead, and still refuses past the quota', async () => {
    const database = await isolatedDatabase();
    const logger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }));
    const usage = new UsageRecorder({ db: database.db, logger });
    const quota = new DailyQuota({ db: database.db, broker: new FailingBroker(), logger, usage });
    try {
      const tenantId = (await createTenant(database.db, 'No Redis')).id;
      const key = await createApiKey(database.db, {
        tenantId,
        whiteLabelId: null,
        name: 'Limited',
        scopes: ['clients:read'],
        dailyQuota: 2,
      });
      const viewer: Viewer = {
        tenantId,
        whiteLabelId: null,
        credential: { kind: 'api_key', id: key.id, publicId: key.key.split('.')[0] as string },
        scopes: new Set(),
      };
      await quota.admit(viewer);
      expect(quota.degraded).toBe(true);
      await quota.admit(viewer);
      await expect(quota.admit(viewer)).rejects.toBeInstanceOf(QuotaExceededError);
      await usage.flush();
      const row = await database.db
        .selectFrom('credential_usage')
        .selectAll()
        .where('credential_id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect({ requests: Number(row.requests), refused: Number(row.refused) }).toEqual({
        requests: 2,
        refused: 1,
      });
    } finally {
      await quota.close();
      await database.close();
    }
  });
});

// Two instances on one Postgres and one Redis: one count per credential, and a changed quota
// announced to both.
describe.runIf(databaseUrl && redisUrl)('daily quotas across instances', () => {
  it('shares the count through Redis, and a PATCH on one instance lifts the quota on the other', async () => {
    const database = await isolatedDatabase();
    const redisNamespace = `test-${randomUUID()}`;
    const a = await startTestApp({ database, redisNamespace });
    const b = await startTestApp({ database, redisNamespace });
    try {
      const tenant = await tenantWithClient(a, ['keys:manage', 'clients:read']);
      const key = await createApiKey(database.db, {
        tenantId: tenant.tenantId,
        whiteLabelId: null,
        name: 'Shared',
        scopes: ['clients:read'],
        dailyQuota: 4,
      });
      const status = async (app: TestApp) =>
        (await fetch(`${app.url}/v1/clients`, { headers: apiKeyHeader(key.key) })).status;
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push(await status(i % 2 ? a : b));
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

      const manager = v1As(a, bearer(await accessToken(a, tenant.client)));
      expect((await manager('PATCH', `/v1/api-keys/${key.id}`, { daily_quota: null })).status).toBe(200);
      // B hears of it through Redis pub/sub, not after its 30 s cache.
      const deadline = Date.now() + 2_000;
      while ((await status(b)) !== 200) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await a.close();
      await b.close();
      await database.close();
    }
  });
});
