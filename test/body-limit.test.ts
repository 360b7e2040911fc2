import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';

type Headers = Record<string, string>;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request fetch cannot make: `chunks` are sent chunked (no Content-Length), and with
 * `declaredLength` only the headers go out, the body never follows.
 */
function rawRequest(
  url: string,
  options: { headers?: Headers; chunks?: string[]; declaredLength?: number },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // A server waiting for a body that never comes would otherwise hold the test until its timeout.
    req.setTimeout(5_000, () => reject(new Error('no response within 5 s')));
    // The server may close the connection before the rest of the body is written.
    req.on('error', (error) => (options.declaredLength === undefined ? reject(error) : undefined));
    if (options.declaredLength !== undefined) {
      req.setHeader('content-length', options.declaredLength);
      req.flushHeaders();
      return;
    }
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

/** A JSON body of exactly `bytes` bytes. */
const jsonOfSize = (bytes: number, fields: Record<string, unknown> = {}) => {
  const skeleton = JSON.stringify({ ...fields, padding: '' });
  return JSON.stringify({ ...fields, padding: 'x'.repeat(bytes - skeleton.length) });
};

/** A GraphQL request of exactly `bytes` bytes; the padding rides in `extensions`, which servers ignore. */
const graphqlOfSize = (bytes: number) => {
  const skeleton = JSON.stringify({ query: '{ version }', extensions: { padding: '' } });
  return JSON.stringify({
    query: '{ version }',
    extensions: { padding: 'x'.repeat(bytes - skeleton.length) },
  });
};

/** An urlencoded form of exactly `bytes` bytes. */
const formOfSize = (bytes: number, fields: Record<string, string>) => {
  const skeleton = new URLSearchParams({ ...fields, padding: '' }).toString();
  return new URLSearchParams({ ...fields, padding: 'x'.repeat(bytes - skeleton.length) }).toString();
};

const json = { 'content-type': 'application/json' };
/** What the routes below need, so each reaches its body limit rather than a scope refusal. */
const scopes = [
  'keys:manage',
  'clients:read',
  'clients:write',
  'instruments:read',
  'instruments:write',
] as const;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** A response as the checks below read it, from fetch or from a raw request. */
interface Seen {
  type: string | null;
  requestId: string | null;
  cacheControl: string | null;
  body: unknown;
}

/** Each route family and what its 413 must look like. */
const expectations = {
  problem(seen: Seen, limit: number) {
    expect(seen.type).toContain('application/problem+json');
    expect(seen.requestId).toBeTruthy();
    expect(seen.body).toMatchObject({
      status: 413,
      title: 'Content Too Large',
      code: 'payload_too_large',
      detail: `The request body exceeds ${limit} bytes`,
      request_id: seen.requestId,
    });
  },
  jsonApi(seen: Seen, limit: number) {
    expect(seen.type).toBe('application/vnd.api+json');
    expect(seen.body).toMatchObject({
      errors: [
        {
          status: '413',
          code: 'payload_too_large',
          title: 'Content Too Large',
          detail: `The request body exceeds ${limit} bytes`,
        },
      ],
    });
  },
  graphql(seen: Seen, limit: number) {
    expect(seen.type).toMatch(/^application\/graphql-response\+json/);
    expect(seen.body).toEqual({
      errors: [
        { message: `The request body exceeds ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  },
  oauth(seen: Seen, limit: number) {
    expect(seen.cacheControl).toBe('no-store');
    expect(seen.body).toEqual({
      error: 'invalid_request',
      error_description: `The request body exceeds ${limit} bytes`,
    });
  },
};

type Dialect = keyof typeof expectations;

/** Every route family: a route that takes a body, and one that does not exist. */
const routes: [string, Dialect][] = [
  ['/v1/api-keys', 'problem'],
  ['/v1/no-such-route', 'problem'],
  ['/api/v2/clients', 'jsonApi'],
  ['/api/v3/instruments', 'jsonApi'],
  ['/graphql', 'graphql'],
  ['/oauth/token', 'oauth'],
  ['/no-such-route', 'problem'],
  ['/healthz', 'problem'],
];

async function check(dialect: Dialect, response: Response | RawResponse, limit: number) {
  const fetched = response instanceof Response;
  const header = (name: string) =>
    fetched ? response.headers.get(name) : ((response.headers[name] as string | undefined) ?? null);
  expect(response.status).toBe(413);
  expectations[dialect](
    {
      type: header('content-type'),
      requestId: header('x-request-id'),
      cacheControl: header('cache-control'),
      body: fetched ? await response.json() : JSON.parse(response.body),
    },
    limit,
  );
}

describe('body limit, default 1 MiB', () => {
  let app: TestApp;
  let token: Headers;

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, scopes);
    token = bearer(await accessToken(app, tenant.client));
  });
  afterAll(async () => {
    await app?.close();
  });

  const limit = 1024 * 1024;

  it.each(routes)(
    'refuses a 2 MiB body to %s with 413 in its dialect, anonymous or not',
    async (path, dialect) => {
      for (const headers of [json, { ...json, ...token }]) {
        const response = await fetch(`${app.url}${path}`, {
          method: 'POST',
          headers,
          body: jsonOfSize(2 * limit),
        });
        await check(dialect, response, limit);
      }
    },
  );

  it('refuses a 12 MiB token request with 413, JSON or form', async () => {
    for (const [headers, body] of [
      [json, jsonOfSize(12 * limit, { grant_type: 'client_credentials' })],
      [form, formOfSize(12 * limit, { grant_type: 'client_credentials' })],
    ] as const) {
      await check('oauth', await fetch(`${app.url}/oauth/token`, { method: 'POST', headers, body }), limit);
    }
  });

  it.each(routes)(
    'refuses a declared length over the limit on %s at once, without waiting for the body or a credential',
    async (path, dialect) => {
      const response = await rawRequest(`${app.url}${path}`, {
        headers: json,
        declaredLength: 10 * limit,
      });
      expect(response.headers.connection).toBe('close');
      await check(dialect, response, limit);
    },
  );
});

describe('body limit, BODY_LIMIT_BYTES=4096', () => {
  const limit = 4096;
  let app: TestApp;
  let token: Headers;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: String(limit) } });
    const tenant = await tenantWithClient(app, scopes);
    client = tenant.client;
    token = bearer(await accessToken(app, client));
  });
  afterAll(async () => {
    await app?.close();
  });

  const graphql = (body: string) =>
    fetch(`${app.url}/graphql`, { method: 'POST', headers: { ...json, ...token }, body });

  it('takes a GraphQL request of exactly the limit and refuses one byte more', async () => {
    const atLimit = graphqlOfSize(limit);
    expect(Buffer.byteLength(atLimit)).toBe(limit);
    const ok = await graphql(atLimit);
    expect(ok.status).toBe(200);
    expect((await ok.json()).data.version).toEqual(expect.any(String));
    await check('graphql', await graphql(graphqlOfSize(limit + 1)), limit);
  });

  it('takes a token request of exactly the limit, JSON or form, and refuses one byte more', async () => {
    const fields = {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    };
    for (const [headers, ofSize] of [
      [json, jsonOfSize],
      [form, formOfSize],
    ] as const) {
      const ok = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers,
        body: ofSize(limit, fields),
      });
      expect(ok.status).toBe(200);
      expect((await ok.json()).access_token).toEqual(expect.any(String));
      const over = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers,
        body: ofSize(limit + 1, fields),
      });
      await check('oauth', over, limit);
    }
  });

  it('takes a v1 body of exactly the limit (then judges its content) and refuses one byte more', async () => {
    const post = (body: string) =>
      fetch(`${app.url}/v1/api-keys`, { method: 'POST', headers: { ...json, ...token }, body });
    const atLimit = await post(jsonOfSize(limit, { name: 'k', scopes: ['clients:read'] }));
    // Parsed and validated: padding is not a field of this request.
    expect(atLimit.status).toBe(400);
    expect((await atLimit.json()).errors[0].pointer).toBe('#/padding');
    await check('problem', await post(jsonOfSize(limit + 1, { name: 'k' })), limit);
  });

  it.each(routes)('refuses a chunked body that grows past the limit on %s', async (path, dialect) => {
    const chunks = Array.from({ length: 10 }, () => 'x'.repeat(1000));
    // Each surface's own media type: v2 and v3 read only JSON:API bodies.
    const mediaType = dialect === 'jsonApi' ? { 'content-type': 'application/vnd.api+json' } : json;
    const response = await rawRequest(`${app.url}${path}`, {
      headers: { ...mediaType, ...token },
      chunks: ['{"padding":"', ...chunks, '"}'],
    });
    await check(dialect, response, limit);
  });

  it('takes a chunked GraphQL request of exactly the limit', async () => {
    const body = graphqlOfSize(limit);
    const response = await rawRequest(`${app.url}/graphql`, {
      headers: { ...json, ...token },
      chunks: [body.slice(0, 2000), body.slice(2000)],
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).data.version).toEqual(expect.any(String));
  });

  it('keeps serving on the same server after refusals', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
