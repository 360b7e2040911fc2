import { randomUUID } from 'node:crypto';
import { ClientError, GraphQLClient } from 'graphql-request';
import { decodeProtectedHeader, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyring } from '../src/auth/signing-keys.js';
import { secretBox } from '../src/platform/secret-box.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, bearer, tenantWithClient } from './helpers/credentials.js';

type Headers = Record<string, string>;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('one authentication step, each surface in its own dialect', () => {
  let app: TestApp;
  let tenantId: string;
  let clientId: string;
  /** A valid token without keys:manage. */
  let reader: Headers;
  let readerToken: string;

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, ['clients:read', 'instruments:read']);
    tenantId = tenant.tenantId;
    clientId = tenant.client.clientId;
    readerToken = await accessToken(app, tenant.client);
    reader = bearer(readerToken);
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (path: string, headers: Headers = {}) => fetch(`${app.url}${path}`, { headers });
  const postGraphQL = (query: string, headers: Headers = {}) =>
    fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      },
      body: JSON.stringify({ query }),
    });

  /** Claims as our token endpoint writes them, for tokens this test signs itself. */
  const claims = (overrides: JWTPayload = {}): JWTPayload => ({
    client_id: clientId,
    tenant_id: tenantId,
    white_label_id: null,
    scope: 'clients:read keys:manage',
    ...overrides,
  });
  const sign = async (
    key: CryptoKey,
    kid: string,
    options: { issuer?: string; audience?: string; issuedAt?: number; expiresAt?: number } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(options.issuer ?? app.config.publicUrl)
      .setAudience(options.audience ?? app.config.publicUrl)
      .setSubject(clientId)
      .setJti(randomUUID())
      .setIssuedAt(options.issuedAt ?? now)
      .setExpirationTime(options.expiresAt ?? now + 600)
      .sign(key);
  };

  /** Credentials that must be refused with 401 on every surface. */
  const badCredentials = async (): Promise<[string, Headers][]> => {
    const foreign = await generateKeyPair('ES256');
    const ourKid = decodeProtectedHeader(readerToken).kid as string;
    const keyring = new SigningKeyring(app.database.db, secretBox(app.config.encryptionKey));
    await keyring.load();
    const ours = await keyring.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const header = base64url({ alg: 'none', typ: 'at+jwt', kid: ourKid });
    const payload = base64url({
      ...claims(),
      iss: app.config.publicUrl,
      aud: app.config.publicUrl,
      sub: clientId,
      jti: randomUUID(),
      iat: now,
      exp: now + 600,
    });
    return [
      ['no credential', {}],
      ['a garbage bearer token', bearer('garbage')],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a Basic authorization', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ['a garbage X-API-Key', { 'x-api-key': 'pk_nothing.secret' }],
      ['a token signed by a foreign key', bearer(await sign(foreign.privateKey, 'x'))],
      ['a foreign key claiming our kid', bearer(await sign(foreign.privateKey, ourKid))],
      ['alg none', bearer(`${header}.${payload}.`)],
      [
        'an expired token signed by our key',
        bearer(await sign(ours.privateKey, ours.kid, { issuedAt: now - 7200, expiresAt: now - 3600 })),
      ],
      [
        'our key but another audience',
        bearer(await sign(ours.privateKey, ours.kid, { audience: 'https://elsewhere.example' })),
      ],
      [
        'our key but another issuer',
        bearer(await sign(ours.privateKey, ours.kid, { issuer: 'https://elsewhere.example' })),
      ],
      ['a tampered token', bearer(`${readerToken.slice(0, -4)}AAAA`)],
    ];
  };

  it('accepts a token signed with our key and the right claims (the forgeries below differ only in one way)', async () => {
    const keyring = new SigningKeyring(app.database.db, secretBox(app.config.encryptionKey));
    await keyring.load();
    const ours = await keyring.signingKey();
    const response = await postGraphQL(
      '{ viewer { tenantId } }',
      bearer(await sign(ours.privateKey, ours.kid)),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { viewer: { tenantId } },
      extensions: { rateLimit: expect.any(Object) },
    });
  });

  describe('v1: problem details', () => {
    it('refuses every bad credential with 401, invalid_token and a request id', async () => {
      for (const [label, headers] of await badCredentials()) {
        const response = await get('/v1/api-keys', headers);
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type'), label).toContain('application/problem+json');
        const challenge = response.headers.get('www-authenticate') ?? '';
        expect(challenge, label).toMatch(/^Bearer /);
        expect(challenge, label).toContain('error="invalid_token"');
        const body = await response.json();
        expect(body, label).toMatchObject({
          status: 401,
          code: 'invalid_token',
          title: 'Unauthorized',
          request_id: response.headers.get('x-request-id'),
        });
        expect(body.request_id, label).toBeTruthy();
      }
    });

    it('refuses before routing: an unknown v1 path without a credential is 401, not 404', async () => {
      const response = await get('/v1/no-such-resource');
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('answers 403 insufficient_scope naming the missing scope', async () => {
      const response = await get('/v1/api-keys', { ...reader, 'x-request-id': 'scope-check-1' });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="keys:manage"');
      expect(await response.json()).toMatchObject({
        status: 403,
        code: 'insufficient_scope',
        title: 'Forbidden',
        request_id: 'scope-check-1',
      });
    });

    it('answers an unknown path with a valid token as a v1 404 problem', async () => {
      const response = await get('/v1/no-such-resource', reader);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
    });

    it.each([
      ['PUT', '/v1/api-keys', 'GET, HEAD, POST'],
      ['DELETE', '/v1/api-keys', 'GET, HEAD, POST'],
      ['POST', '/v1/api-keys/0190c5a0-0000-7000-8000-000000000000', 'GET, HEAD, PATCH, DELETE'],
      ['PUT', '/v1/api-keys/0190c5a0-0000-7000-8000-000000000000?x=1', 'GET, HEAD, PATCH, DELETE'],
    ])('answers %s %s with 405 and the methods the path answers', async (method, path, allow) => {
      const response = await fetch(`${app.url}${path}`, { method, headers: reader });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({
        status: 405,
        code: 'method_not_allowed',
        title: 'Method Not Allowed',
      });
    });

    it('answers a body of an unsupported media type with a 415 problem', async () => {
      const manager = await tenantWithClient(app, ['keys:manage'], { tenantId });
      const response = await fetch(`${app.url}/v1/api-keys`, {
        method: 'POST',
        headers: { ...bearer(await accessToken(app, manager.client)), 'content-type': 'text/csv' },
        body: 'name\nkey',
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
    });
  });

  describe.each(['/api/v2/clients', '/api/v3/instruments'])('JSON:API: %s', (path) => {
    it('refuses every bad credential with 401 in an errors[] document', async () => {
      for (const [label, headers] of await badCredentials()) {
        const response = await get(path, headers);
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type'), label).toMatch(/^application\/vnd\.api\+json/);
        expect(response.headers.get('content-type'), label).not.toContain('problem');
        const challenge = response.headers.get('www-authenticate') ?? '';
        expect(challenge, label).toMatch(/^Bearer /);
        expect(challenge, label).toContain('error="invalid_token"');
        const body = await response.json();
        expect(body.errors, label).toHaveLength(1);
        expect(body.errors[0], label).toMatchObject({
          status: '401',
          code: 'invalid_token',
          title: 'Unauthorized',
        });
        expect(body, label).not.toHaveProperty('status');
      }
    });

    it('answers a path that does not exist with a JSON:API 404, not problem details', async () => {
      const response = await get(`${path}-that-does-not-exist`, reader);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/);
      const body = await response.json();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({ status: '404' });
      expect(typeof body.errors[0].code).toBe('string');
      expect(body).not.toHaveProperty('type');
      expect(body).not.toHaveProperty('title');
    });

    it('sends the JSON:API media type without parameters (JSON:API 1.1 content negotiation)', async () => {
      const response = await get(path);
      expect(response.headers.get('content-type')).toBe('application/vnd.api+json');
    });
  });

  describe('GraphQL', () => {
    it('refuses every bad credential with 401 and an UNAUTHENTICATED error', async () => {
      for (const [label, headers] of await badCredentials()) {
        const response = await postGraphQL('{ viewer { tenantId } }', headers);
        expect(response.status, label).toBe(401);
        const challenge = response.headers.get('www-authenticate') ?? '';
        expect(challenge, label).toMatch(/^Bearer /);
        expect(challenge, label).toContain('error="invalid_token"');
        const body = await response.json();
        expect(body.data, label).toBeUndefined();
        expect(body.errors[0].extensions.code, label).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses GET without a credential the same way', async () => {
      const response = await get(`/graphql?query=${encodeURIComponent('{ version }')}`);
      expect(response.status).toBe(401);
      expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('reports a missing scope as a FORBIDDEN error naming it', async () => {
      const response = await postGraphQL('{ apiKeys { id } }', reader);
      const body = await response.json();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0].path).toEqual(['apiKeys']);
      expect(body.errors[0].message).toContain('keys:manage');
      expect(body.data ?? null).toBeNull();
    });

    it('a real GraphQL client sees the viewer of the token: its tenant and exactly its scopes', async () => {
      const client = new GraphQLClient(`${app.url}/graphql`, { headers: reader });
      const result = await client.request<{
        viewer: { tenantId: string; whiteLabelId: string | null; scopes: string[]; credentialKind: string };
      }>('{ viewer { tenantId whiteLabelId scopes credentialKind credentialId } }');
      expect(result.viewer).toEqual({
        tenantId,
        whiteLabelId: null,
        scopes: ['clients:read', 'instruments:read'],
        credentialKind: 'OAUTH_CLIENT',
        credentialId: clientId,
      });
    });

    it('a narrower token requested with scope= carries only those scopes', async () => {
      const tenant = await tenantWithClient(app, ['clients:read', 'instruments:read', 'keys:manage']);
      const token = await accessToken(app, tenant.client, 'clients:read');
      const client = new GraphQLClient(`${app.url}/graphql`, { headers: bearer(token) });
      const result = await client.request<{ viewer: { scopes: string[] } }>('{ viewer { scopes } }');
      expect(result.viewer.scopes).toEqual(['clients:read']);
      await expect(client.request('{ apiKeys { id } }')).rejects.toBeInstanceOf(ClientError);
    });

    it('an API key is a viewer too, through the same client', async () => {
      const { key } = await apiKeyFor(app, tenantId, ['instruments:read']);
      const client = new GraphQLClient(`${app.url}/graphql`, { headers: { 'x-api-key': key } });
      const result = await client.request<{
        viewer: { tenantId: string; credentialKind: string; scopes: string[] };
      }>('{ viewer { tenantId credentialKind scopes } }');
      expect(result.viewer).toEqual({ tenantId, credentialKind: 'API_KEY', scopes: ['instruments:read'] });
    });
  });
});
