import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, tenantWithClient } from './helpers/credentials.js';

interface Result {
  /** HTTP only. */
  status?: number;
  /** HTTP only: the response's x-request-id. */
  requestId?: string | null;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const transports = ['HTTP', 'WebSocket'] as const;
type Transport = (typeof transports)[number];

async function overHttp(app: TestApp, token: string, body: unknown): Promise<Result> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id'),
    ...(await response.json()),
  };
}

/** One operation on its own graphql-transport-ws connection; a refused operation resolves with its errors. */
function overWebSocket(
  app: TestApp,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Result> {
  const client = createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  return new Promise<Result>((resolve, reject) => {
    let result: Result = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => {
          result = value as Result;
        },
        // An `error` message carries the operation's GraphQL errors; anything else is the socket.
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(result),
      },
    );
  }).finally(() => client.dispose());
}

const run = (
  app: TestApp,
  token: string,
  transport: Transport,
  query: string,
  variables?: Record<string, unknown>,
) =>
  transport === 'HTTP'
    ? overHttp(app, token, { query, ...(variables ? { variables } : {}) })
    : overWebSocket(app, token, query, variables);

/** Refused before execution, for this limit only, in the transport's own format. */
function expectRefused(result: Result, limit: string, message: RegExp) {
  expect(result.data).toBeUndefined();
  expect(result.errors?.map((error) => error.extensions?.limit)).toEqual([limit]);
  expect(result.errors?.[0]?.message).toMatch(message);
  expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  if (result.status !== undefined) expect(result.status).toBe(400);
}

function expectAnswered(result: Result) {
  expect(result.errors).toBeUndefined();
  expect(result.data).toBeTruthy();
  if (result.status !== undefined) expect(result.status).toBe(200);
}

const fields = (count: number, field: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => field(i)).join(' ');

// portfolios → positions → instrument → issuer through Relay edges: depth 9, the deepest
// legitimate read.
const nested = /* GraphQL */ `{
  portfolios(first: 20) {
    edges { node {
      name
      positions(first: 10) { edges { node { marketValue { amount currency } instrument { name isin issuer { name } } } } }
      cashflows(first: 10, status: POSTED) { totalCount edges { node { kind amount { amount currency } valueDate } } }
    } }
  }
}`;

// Each exceeds its default limit and nothing else: without the limit it would be answered.
const overDefaults = [
  {
    limit: 'depth',
    message: /^Query depth limit of 10 exceeded, found 12\.$/,
    query:
      '{ portfolios { edges { node { client { portfolios { edges { node { client { portfolios { edges { node { id } } } } } } } } } } } }',
  },
  {
    limit: 'aliases',
    message: /^Aliases limit of 15 exceeded, found 16\.$/,
    query: `{ ${fields(16, (i) => `a${i}: version`)} }`,
  },
  {
    limit: 'tokens',
    message: /^Token limit of 2000 exceeded\.$/,
    query: `{ ${fields(2000, () => '__typename')} }`,
  },
  {
    limit: 'cost',
    message: /^Query Cost limit of 20000 exceeded, found \d+\.$/,
    query:
      '{ portfolios(first: 200) { edges { node { positions(first: 200) { edges { node { id } } } } } } }',
  },
  {
    limit: 'directives',
    message: /^Directives limit of 50 exceeded, found 51\.$/,
    query: `{ ${fields(51, () => 'version @include(if: true)')} }`,
  },
];

const lowered = {
  GRAPHQL_MAX_DEPTH: '3',
  GRAPHQL_MAX_ALIASES: '2',
  GRAPHQL_MAX_TOKENS: '40',
  GRAPHQL_MAX_COST: '12',
  GRAPHQL_MAX_DIRECTIVES: '2',
  GRAPHQL_BATCH_LIMIT: '2',
};

// Each passes the defaults and exceeds exactly one of the lowered limits above.
const overLowered = [
  {
    limit: 'depth',
    message: /depth limit of 3 exceeded, found 4/,
    query: '{ portfolios { edges { node { id } } } }',
  },
  {
    limit: 'aliases',
    message: /Aliases limit of 2 exceeded, found 3/,
    query: '{ a: version b: version c: version }',
  },
  {
    limit: 'tokens',
    message: /Token limit of 40 exceeded/,
    // Well-formed ids of rows that do not exist: answered with nulls, one token each.
    query: `{ nodes(ids: [${fields(40, () => `"${Buffer.from(`Portfolio:${randomUUID()}`).toString('base64')}"`)}]) { id } }`,
  },
  {
    limit: 'cost',
    message: /Cost limit of 12 exceeded, found 15/,
    query: '{ portfolios(first: 5) { totalCount } }',
  },
  {
    limit: 'directives',
    message: /Directives limit of 2 exceeded, found 3/,
    query: '{ version @include(if: true) __typename @skip(if: false) v: version @include(if: true) }',
  },
];

const batch = (count: number) => Array.from({ length: count }, () => ({ query: '{ version }' }));

/** What a browser gets opening /graphql: no credential, an HTML Accept header. */
async function graphiql(app: TestApp, _token?: string) {
  const response = await fetch(`${app.url}/graphql`, {
    headers: { accept: 'text/html,application/xhtml+xml' },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** Runs `during` while the portfolios table is away: a real database failure, not a test hook. */
async function withoutPortfoliosTable<T>(app: TestApp, during: () => Promise<T>): Promise<T> {
  await sql`alter table portfolios rename to portfolios_away`.execute(app.database.db);
  try {
    return await during();
  } finally {
    await sql`alter table portfolios_away rename to portfolios`.execute(app.database.db);
  }
}

const introspection = [
  '{ __schema { queryType { name } } }',
  '{ __type(name: "Portfolio") { name fields { name } } }',
];

// Field, enum value (in the document) and enum value (in variables). Validation suggests a name by
// default; variables are coerced by the compiled executor, which names the variable and the value.
const misspelt = [
  { query: '{ portfolio { id } }', suggestion: 'Did you mean "portfolios"' },
  {
    query: '{ cashflows(status: POSTD) { totalCount } }',
    suggestion: 'Did you mean the enum value "POSTED"',
  },
  {
    query: 'query ($s: CashflowStatus) { cashflows(status: $s) { totalCount } }',
    variables: { s: 'POSTD' },
    suggestion: 'Variable "$s" got invalid value "POSTD"',
  },
];

describe('GraphQL protection with the default limits (development)', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, allScopes);
    await seedTenant(app.database.db, tenant.tenantId, { size: 'small' });
    token = await accessToken(app, tenant.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(transports)('answers the deepest legitimate read over %s, with rows in it', async (transport) => {
    const result = await run(app, token, transport, nested);
    expectAnswered(result);
    const portfolios = result.data?.portfolios as {
      edges: { node: { positions: { edges: { node: { instrument: { issuer: unknown } } }[] } } }[];
    };
    const positions = portfolios.edges.flatMap((edge) => edge.node.positions.edges);
    expect(positions.length).toBeGreaterThan(0);
    expect(positions.some((edge) => edge.node.instrument.issuer)).toBe(true);
  });

  for (const { limit, message, query } of overDefaults) {
    it.each(transports)(`refuses an operation over the ${limit} limit over %s`, async (transport) => {
      expectRefused(await run(app, token, transport, query), limit, message);
    });
  }

  it.each(transports)('answers the operations the lowered limits refuse over %s', async (transport) => {
    for (const { query } of overLowered) {
      const result = await run(app, token, transport, query);
      expect(result.errors?.filter((error) => error.extensions?.limit) ?? []).toEqual([]);
      expect(result.data).toBeTruthy();
    }
  });

  it('refuses batched requests: batching is off by default', async () => {
    const result = await overHttp(app, token, batch(2));
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toBe('Batching is not supported.');
  });

  it.each(transports)('keeps introspection and suggestions outside production over %s', async (transport) => {
    for (const query of introspection) expectAnswered(await run(app, token, transport, query));
    for (const { query, variables, suggestion } of misspelt) {
      const result = await run(app, token, transport, query, variables);
      expect(result.errors?.[0]?.message).toContain(suggestion);
    }
  });

  it('serves GraphiQL on GET /graphql to a browser, without a credential', async () => {
    const page = await graphiql(app, token);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('Portico GraphiQL');
  });

  it.each(transports)('shows an unexpected error’s details and request id over %s', async (transport) => {
    const result = await withoutPortfoliosTable(app, () =>
      run(app, token, transport, '{ portfolios { edges { node { id } } } }'),
    );
    const error = result.errors?.[0];
    expect(error?.message).toBe('Unexpected error.');
    expect(error?.extensions).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      requestId: expect.any(String),
      originalError: { message: expect.stringMatching(/portfolios/) },
    });
    if (transport === 'HTTP') expect(error?.extensions?.requestId).toBe(result.requestId);
  });
});

describe('GraphQL limits lowered by their variables', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ env: lowered });
    token = await accessToken(app, (await tenantWithClient(app, allScopes)).client);
  });
  afterAll(async () => {
    await app?.close();
  });

  for (const { limit, message, query } of overLowered) {
    it.each(transports)(`honours the lowered ${limit} limit over %s`, async (transport) => {
      expectRefused(await run(app, token, transport, query), limit, message);
    });
  }

  it('answers a batch up to GRAPHQL_BATCH_LIMIT and refuses a larger one', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch(2)),
    });
    expect(response.status).toBe(200);
    // Each operation draws its own cost, and says so.
    const drawn = { extensions: { rateLimit: expect.objectContaining({ cost: 1, tokens: 1 }) } };
    expect(await response.json()).toEqual([
      { data: { version: expect.any(String) }, ...drawn },
      { data: { version: expect.any(String) }, ...drawn },
    ]);
    const refused = await overHttp(app, token, batch(3));
    expect(refused.status).toBe(413);
    expect(refused.errors?.[0]?.message).toBe('Batching is limited to 2 operations per request.');
  });
});

describe('GraphQL in production', () => {
  let app: TestApp;
  let token: string;
  /** Holds no keys:manage. */
  let readerToken: string;
  beforeAll(async () => {
    app = await startTestApp({
      env: { NODE_ENV: 'production', PORTICO_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    const tenant = await tenantWithClient(app, allScopes);
    token = await accessToken(app, tenant.client);
    const reader = await tenantWithClient(app, ['portfolios:read'], { tenantId: tenant.tenantId });
    readerToken = await accessToken(app, reader.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(transports)('refuses introspection over %s', async (transport) => {
    for (const query of introspection) {
      const result = await run(app, token, transport, query);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
      if (transport === 'HTTP') expect(result.status).toBe(400);
    }
    expectAnswered(await run(app, token, transport, '{ __typename version }'));
  });

  it.each(transports)('names no schema field in suggestions over %s', async (transport) => {
    for (const { query, variables } of misspelt) {
      const result = await run(app, token, transport, query, variables);
      expect(result.errors?.length).toBeGreaterThan(0);
      for (const error of result.errors ?? [])
        expect(error.message).not.toMatch(/Did you mean|POSTED|"portfolios"/);
    }
    const result = await run(app, token, transport, '{ portfolio { id } }');
    expect(result.errors?.[0]?.message).toBe('Cannot query field "portfolio" on type "Query".');
  });

  it('serves no GraphiQL', async () => {
    const page = await graphiql(app, token);
    expect(page.status).not.toBe(200);
    expect(page.type).not.toMatch(/html/);
    expect(page.body).not.toMatch(/GraphiQL/i);
  });

  it.each(transports)('masks an unexpected error over %s, carrying the request id', async (transport) => {
    const result = await withoutPortfoliosTable(app, () =>
      run(app, token, transport, '{ portfolios { edges { node { id } } } }'),
    );
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    expect(error?.message).toBe('Unexpected error.');
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    expect(JSON.stringify(result)).not.toMatch(/portfolios_away|relation|stack/);
    const requestId = error?.extensions?.requestId;
    if (transport === 'HTTP') expect(requestId).toBe(result.requestId);
    // The log line for it carries the same id and the real cause.
    const line = app.logs.find((entry) => entry.requestId === requestId && entry.level === 50);
    expect(JSON.stringify(line?.err)).toMatch(/portfolios/);
  });

  it.each(transports)('leaves expected errors unmasked over %s', async (transport) => {
    const forbidden = await run(app, readerToken, transport, '{ apiKeys { id } }');
    expect(forbidden.errors?.[0]?.message).toBe('Query.apiKeys needs the keys:manage scope');
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const invalid = await run(app, token, transport, '{ portfolios(first: 500) { totalCount } }');
    expect(invalid.errors?.[0]?.message).toBe('first: must be an integer from 0 to 200');
    expect(invalid.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
