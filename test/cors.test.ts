import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';

type Headers = Record<string, string>;

const allowed = 'https://app.example.com';
const alsoAllowed = 'http://localhost:5173';
const stranger = 'https://evil.example.net';

/** Every surface a browser client may call. */
const surfaces = ['/graphql', '/v1/api-keys', '/api/v2/clients', '/api/v3/instruments', '/oauth/token'];

/** The response headers browser clients read, as the contract lists them. */
const exposed =
  'X-Request-Id ETag Location Link Retry-After RateLimit RateLimit-Policy Idempotent-Replayed Deprecation Sunset'.split(
    ' ',
  );

const list = (value: string | null) => (value ?? '').split(',').map((item) => item.trim().toLowerCase());

/** What a browser sends before a cross-origin POST with a bearer token and a JSON body. */
const preflight = (
  app: TestApp,
  path: string,
  origin: string,
  requestHeaders = 'authorization,content-type',
) =>
  fetch(`${app.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });

/** A started app with a credential that may read API keys, clients and instruments. */
async function appWithToken(env: Record<string, string> = {}): Promise<{ app: TestApp; token: Headers }> {
  const app = await startTestApp({ env });
  const tenant = await tenantWithClient(app, ['keys:manage', 'clients:read', 'instruments:read']);
  return { app, token: bearer(await accessToken(app, tenant.client)) };
}

const graphqlPost = (app: TestApp, headers: Headers) =>
  fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ version }' }),
  });

describe('CORS with a list of origins', () => {
  let app: TestApp;
  let token: Headers;
  beforeAll(async () => {
    ({ app, token } = await appWithToken({ CORS_ORIGINS: `${allowed},${alsoAllowed}` }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(surfaces)('answers a preflight to %s with 204 and no credential', async (path) => {
    for (const origin of [allowed, alsoAllowed]) {
      const response = await preflight(app, path, origin);
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(list(response.headers.get('vary'))).toContain('origin');
      expect(list(response.headers.get('access-control-allow-methods'))).toEqual(
        expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete', 'options']),
      );
      expect(list(response.headers.get('access-control-allow-headers'))).toEqual(
        expect.arrayContaining([
          'authorization',
          'content-type',
          'x-api-key',
          'idempotency-key',
          'if-match',
          'if-none-match',
          'x-request-id',
          'accept',
        ]),
      );
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(response.headers.get('www-authenticate')).toBeNull();
    }
  });

  it.each(surfaces)('answers a preflight to %s from another origin without allowing it', async (path) => {
    const response = await preflight(app, path, stranger);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.status).not.toBe(401);
  });

  it('answers a bare OPTIONS (no Origin) with 204 too, not a credential challenge', async () => {
    const response = await fetch(`${app.url}/graphql`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('allows an actual request from a listed origin and exposes the headers clients read', async () => {
    for (const [label, response] of [
      ['v1', await fetch(`${app.url}/v1/api-keys`, { headers: { ...token, origin: allowed } })],
      ['v2', await fetch(`${app.url}/api/v2/clients`, { headers: { ...token, origin: allowed } })],
      ['v3', await fetch(`${app.url}/api/v3/instruments`, { headers: { ...token, origin: allowed } })],
      ['graphql', await graphqlPost(app, { ...token, origin: allowed })],
    ] as const) {
      expect(response.headers.get('access-control-allow-origin'), label).toBe(allowed);
      expect(list(response.headers.get('vary')), label).toContain('origin');
      expect(list(response.headers.get('access-control-expose-headers')), label).toEqual(
        exposed.map((name) => name.toLowerCase()),
      );
    }
  });

  it('lets a browser read refusals: 401, 413 and the token endpoint carry the allowed origin', async () => {
    const anonymous = await fetch(`${app.url}/v1/api-keys`, { headers: { origin: allowed } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(allowed);
    const tooLarge = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin: allowed, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ version }', padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('access-control-allow-origin')).toBe(allowed);
    const token = await fetch(`${app.url}/oauth/token`, {
      method: 'POST',
      headers: { origin: allowed, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(token.status).toBe(401);
    expect(token.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('gives another origin no Access-Control-Allow-Origin, on GraphQL or REST', async () => {
    const graphql = await graphqlPost(app, { ...token, origin: stranger });
    expect(graphql.status).toBe(200);
    expect(graphql.headers.get('access-control-allow-origin')).toBeNull();
    const rest = await fetch(`${app.url}/v1/api-keys`, { headers: { ...token, origin: stranger } });
    expect(rest.status).toBe(200);
    expect(rest.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with CORS_ORIGINS=*', () => {
  let app: TestApp;
  let token: Headers;
  beforeAll(async () => {
    ({ app, token } = await appWithToken({ CORS_ORIGINS: '*' }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(surfaces)('answers a preflight to %s from any origin with *', async (path) => {
    const response = await preflight(app, path, stranger);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers actual requests from any origin with *, never echoing it', async () => {
    for (const response of [
      await graphqlPost(app, { ...token, origin: stranger }),
      await fetch(`${app.url}/v1/api-keys`, { headers: { ...token, origin: stranger } }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
  });
});

describe('CORS defaults', () => {
  it('is * outside production', async () => {
    const { app, token } = await appWithToken();
    try {
      const response = await graphqlPost(app, { ...token, origin: stranger });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await app.close();
    }
  });

  describe('NODE_ENV=production without CORS_ORIGINS', () => {
    let app: TestApp;
    let token: Headers;
    beforeAll(async () => {
      ({ app, token } = await appWithToken({ NODE_ENV: 'production' }));
    });
    afterAll(async () => {
      await app?.close();
    });

    it.each(surfaces)('allows no origin on a preflight to %s, still without a credential', async (path) => {
      const response = await preflight(app, path, allowed);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allows no origin on actual responses; /graphql does not echo the Origin', async () => {
      for (const response of [
        await graphqlPost(app, { ...token, origin: allowed }),
        await fetch(`${app.url}/v1/api-keys`, { headers: { ...token, origin: allowed } }),
        await fetch(`${app.url}/api/v3/instruments`, { headers: { ...token, origin: allowed } }),
      ]) {
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });
  });
});
