import { randomUUID } from 'node:crypto';
import { parse } from 'graphql';
import { parseList } from 'structured-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScopes } from '../src/auth/scopes.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { operationCost } from '../src/graphql/operation-cost.js';
import { schema } from '../src/graphql/schema.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { apiKeyFor } from './helpers/credentials.js';
import { wsClientAs } from './helpers/graphql.js';

// Cost, not count: a GraphQL operation draws ⌈cost / 100⌉ tokens (GraphQL Armor's cost: 2 per
// object, 1 per leaf, a selection times its literal first/last), a v1 list ⌈limit / 100⌉.

/** A bucket of 100 that takes over an hour to refill: every draw of a test is counted exactly. */
const budget = { RATE_LIMIT_BURST: '100', RATE_LIMIT_PER_MINUTE: '1', GRAPHQL_BATCH_LIMIT: '5' };

const tiny = '{ viewer { tenantId } }';
/** viewer 2 + tenantId 1. */
const tinyCost = 3;

// Priced by hand, inside out:
//   instrument { name }             2 + 1                 =    3
//   node { id instrument }          2 + 1 + 3             =    6
//   edges { node }                  2 + 6                 =    8
//   positions(first: 3)             (2 + 8) × 3           =   30
//   node { id positions }           2 + 1 + 30            =   33
//   edges { node }                  2 + 33                =   35
//   portfolios(first: 100)          (2 + 1 + 35) × 100    = 3800, which draws ⌈3800 / 100⌉ = 38
const nested = `{
  portfolios(first: 100) {
    totalCount
    edges { node { id positions(first: 3) { edges { node { id instrument { name } } } } } }
  }
}`;
const nestedCost = 3800;
const nestedTokens = 38;

type Result = {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { rateLimit?: Record<string, number> };
};

/** The RateLimit field's `r`, read back with a Structured Fields parser. */
function remaining(response: Response): unknown {
  const [state] = parseList(response.headers.get('ratelimit') ?? '');
  if (!state) throw new Error('RateLimit header missing');
  return state[1].get('r');
}

describe('rate limits by cost', () => {
  let app: TestApp;
  const tenantKey = async () => {
    const tenant = await createTenant(app.database.db, `Tenant ${randomUUID()}`);
    return (await apiKeyFor(app, tenant.id, [...readScopes])).key;
  };
  const post = (key: string, body: unknown) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        'x-api-key': key,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      },
      body: JSON.stringify(body),
    });
  const graphql = async (key: string, query: string) => {
    const response = await post(key, { query });
    return { response, body: (await response.json()) as Result };
  };
  const get = (key: string, path: string) => fetch(`${app.url}${path}`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    app = await startTestApp({ env: budget });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('prices an operation as the cost limit does', () => {
    expect(operationCost(schema, parse(tiny), null)).toBe(tinyCost);
    expect(operationCost(schema, parse(nested), undefined)).toBe(nestedCost);
    // The query graphql-protection.test.ts refuses at GRAPHQL_MAX_COST=12 with "found 15".
    expect(operationCost(schema, parse('{ portfolios(first: 5) { totalCount } }'), null)).toBe(15);
    // In a document of several, the one named.
    const both = parse(`query Small ${tiny} query Big ${nested}`);
    expect([operationCost(schema, both, 'Small'), operationCost(schema, both, 'Big')]).toEqual([
      tinyCost,
      nestedCost,
    ]);
  });

  it("draws a GraphQL query's cost, and says so in extensions.rateLimit and the RateLimit field", async () => {
    const key = await tenantKey();
    const small = await graphql(key, tiny);
    expect(small.response.status).toBe(200);
    expect(remaining(small.response)).toBe(99);
    expect(small.body.extensions?.rateLimit).toEqual({
      cost: tinyCost,
      tokens: 1,
      remaining: 99,
      limit: 1,
      resetSeconds: expect.any(Number),
    });

    const big = await graphql(key, nested);
    expect(big.response.status).toBe(200);
    expect(big.body.errors).toBeUndefined();
    expect(remaining(big.response)).toBe(99 - nestedTokens);
    expect(big.body.extensions?.rateLimit).toEqual({
      cost: nestedCost,
      tokens: nestedTokens,
      remaining: 99 - nestedTokens,
      limit: 1,
      resetSeconds: expect.any(Number),
    });
    expect(big.body.extensions?.rateLimit?.resetSeconds).toBeGreaterThan(0);
    // The same budget every surface shares.
    expect(remaining(await get(key, '/v1/positions'))).toBe(98 - nestedTokens);
  });

  it('refuses an operation that costs more than is left with 429, while a cheap one still runs', async () => {
    const key = await tenantKey();
    for (const left of [100 - nestedTokens, 100 - 2 * nestedTokens]) {
      expect(remaining((await graphql(key, nested)).response)).toBe(left);
    }
    const refused = await graphql(key, nested);
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The door's token is spent; the operation's draw is not.
    expect(remaining(refused.response)).toBe(100 - 2 * nestedTokens - 1);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      {
        message: expect.stringContaining('budget'),
        extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
      },
    ]);
    expect(refused.body.extensions?.rateLimit).toMatchObject({
      cost: nestedCost,
      tokens: nestedTokens,
      remaining: 100 - 2 * nestedTokens - 1,
    });

    const cheap = await graphql(key, tiny);
    expect(cheap.response.status).toBe(200);
    expect(cheap.body.data).toEqual({ viewer: { tenantId: expect.any(String) } });
    expect(remaining(cheap.response)).toBe(100 - 2 * nestedTokens - 2);
  });

  it('draws the whole bucket, not more, for an operation that costs more than it holds', async () => {
    const key = await tenantKey();
    // (2 + ((2 + ((2 + 1 + (2 + (2 + 1))) × 10)) + 2)) × 200 = 17200: 172 tokens, within the cost limit.
    const huge =
      '{ portfolios(first: 200) { edges { node { positions(first: 10) { totalCount edges { node { id } } } } } } }';
    const { response, body } = await graphql(key, huge);
    expect(response.status).toBe(200);
    expect(body.extensions?.rateLimit).toMatchObject({ cost: 17200, tokens: 100, remaining: 0 });
    expect(remaining(response)).toBe(0);
  });

  it('draws the same over SSE, with the RateLimit fields of the last draw on the stream', async () => {
    const key = await tenantKey();
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: nested }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(remaining(response)).toBe(100 - nestedTokens);
    const event = (await response.text()).split('\n').find((line) => line.startsWith('data: {'));
    expect(JSON.parse(event?.slice('data: '.length) ?? '{}').extensions?.rateLimit).toMatchObject({
      cost: nestedCost,
      tokens: nestedTokens,
    });
  });

  it('draws each operation of a batch at its own cost', async () => {
    const key = await tenantKey();
    const response = await post(key, [{ query: tiny }, { query: nested }]);
    expect(response.status).toBe(200);
    const results = (await response.json()) as Result[];
    expect(results.map((result) => result.extensions?.rateLimit?.tokens)).toEqual([1, nestedTokens]);
    expect(remaining(response)).toBe(100 - 1 - nestedTokens);
  });

  it('draws a graphql-ws operation’s cost in one take, and refuses it over budget', async () => {
    const key = await tenantKey();
    const client = wsClientAs(app, key);
    const run = (query: string) => client.run<Result>(query);
    try {
      const first = await run(nested);
      expect(first.errors).toBeUndefined();
      expect(first.extensions?.rateLimit).toMatchObject({
        cost: nestedCost,
        tokens: nestedTokens,
        remaining: 100 - nestedTokens,
      });
      expect((await run(nested)).extensions?.rateLimit?.remaining).toBe(100 - 2 * nestedTokens);
      const refused = await run(nested).catch((errors: unknown) => errors);
      expect(refused).toEqual([
        expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } }),
      ]);
      // Refused whole: nothing was drawn, and a cheap operation still runs.
      expect((await run(tiny)).extensions?.rateLimit).toMatchObject({
        tokens: 1,
        remaining: 100 - 2 * nestedTokens - 1,
      });
    } finally {
      await client.dispose();
    }
  });

  it('draws ⌈limit / 100⌉ for a v1 list, and 1 for anything else', async () => {
    const key = await tenantKey();
    const draws: [string, number, number][] = [
      ['/v1/positions', 200, 1],
      ['/v1/positions?limit=1000', 200, 10],
      ['/v1/positions?limit=250', 200, 3],
      ['/v1/positions?limit=1e3', 200, 10],
      ['/v1/events?limit=1000', 200, 10],
      // Refused by validation: priced at 1.
      ['/v1/positions?limit=5000', 400, 1],
      ['/v1/positions?limit=many', 400, 1],
      // Not a list.
      [`/v1/positions/${randomUUID()}`, 404, 1],
    ];
    let left = 100;
    for (const [path, status, tokens] of draws) {
      const response = await get(key, path);
      expect(response.status, path).toBe(status);
      left -= tokens;
      expect(remaining(response), path).toBe(left);
    }
  });

  it('draws 1 for a JSON:API list, which takes no page size', async () => {
    const key = await tenantKey();
    const list = await get(key, '/api/v3/instruments');
    expect(list.status).toBe(200);
    expect(remaining(list)).toBe(99);
    expect(remaining(await get(key, '/api/v2/clients'))).toBe(98);
    const paged = await get(key, '/api/v3/instruments?page[size]=1000');
    expect(paged.status).toBe(400);
    expect(remaining(paged)).toBe(97);
  });

  it('says what a v1 list draws in the OpenAPI document', async () => {
    const document = await (await fetch(`${app.url}/openapi.json`)).json();
    expect(document.paths['/v1/positions'].get.description).toContain(
      'Draws ⌈limit / 100⌉ tokens from the tenant’s rate-limit budget: 1 at the default limit, 10 at 1000.',
    );
    expect(document.paths['/v1/positions/{id}'].get.description ?? '').not.toContain('Draws');
  });
});
