import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addClientKey, revokeOAuthClient } from '../src/auth/oauth-clients.service.js';
import { rotateSigningKey, signingKeysRotatedChannel } from '../src/auth/signing-keys.js';
import { maxFailuresPerClient } from '../src/auth/token-endpoint.js';
import { secretBox } from '../src/platform/secret-box.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { redisUrl } from './helpers/environment.js';

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('OAuth 2.0 token endpoint', () => {
  let app: TestApp;
  let tenantId: string;
  let secretClient: { clientId: string; clientSecret: string };
  let keyClient: { clientId: string; clientSecret: string };
  let key: KeyPair;
  const kid = 'partner-key-1';

  const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body),
    });

  /** An assertion as a partner would sign it; `claims`/`header` override the well-formed defaults. */
  const assertion = async (
    options: {
      claims?: JWTPayload;
      header?: Record<string, unknown>;
      signer?: KeyPair;
      omit?: string[];
    } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: keyClient.clientId,
      sub: keyClient.clientId,
      aud: app.config.publicUrl,
      iat: now,
      exp: now + 60,
      jti: randomUUID(),
      ...options.claims,
    };
    for (const name of options.omit ?? []) delete claims[name];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, ...options.header } as { alg: string })
      .sign((options.signer ?? key).privateKey);
  };

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, ['positions:read', 'cashflows:read', 'keys:manage']);
    tenantId = tenant.tenantId;
    secretClient = tenant.client;
    keyClient = (await tenantWithClient(app, ['positions:read', 'instruments:read'], { tenantId })).client;
    key = await generateKeyPair('ES256', { extractable: true });
    await addClientKey(app.database.db, keyClient.clientId, { ...(await exportJWK(key.publicKey)), kid });
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('metadata', () => {
    it('publishes RFC 8414 server metadata', async () => {
      const response = await fetch(`${app.url}/.well-known/oauth-authorization-server`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        issuer: app.url,
        token_endpoint: `${app.url}/oauth/token`,
        jwks_uri: `${app.url}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials', jwtBearer],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
        ],
        token_endpoint_auth_signing_alg_values_supported: ['ES256'],
      });
    });

    it('publishes only public signing keys', async () => {
      const { keys } = await (await fetch(`${app.url}/.well-known/jwks.json`)).json();
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const jwk of keys) {
        expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(jwk.kid).toBeTypeOf('string');
        expect(jwk).not.toHaveProperty('d');
      }
    });
  });

  describe('with a real OAuth client (openid-client)', () => {
    const discover = (clientId: string, auth: oidc.ClientAuth) =>
      oidc.discovery(new URL(app.url), clientId, undefined, auth, {
        algorithm: 'oauth2',
        execute: [oidc.allowInsecureRequests],
      });

    /** Verifies an access token as a resource server would: JWKS, ES256, issuer, audience, typ. */
    const verify = async (token: string) => {
      const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        algorithms: ['ES256'],
        issuer: app.url,
        audience: app.url,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti'],
      });
      return { payload, protectedHeader };
    };

    it('client_credentials with client_secret_basic', async () => {
      const config = await discover(secretClient.clientId, oidc.ClientSecretBasic(secretClient.clientSecret));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'positions:read' });
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'positions:read' });
      const { payload, protectedHeader } = await verify(tokens.access_token);
      expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(payload).toMatchObject({
        sub: secretClient.clientId,
        client_id: secretClient.clientId,
        scope: 'positions:read',
        tenant_id: tenantId,
        white_label_id: null,
      });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    });

    it('client_credentials with client_secret_post; omitted scope grants all of the client', async () => {
      const config = await discover(secretClient.clientId, oidc.ClientSecretPost(secretClient.clientSecret));
      const tokens = await oidc.clientCredentialsGrant(config);
      expect(tokens.scope?.split(' ').sort()).toEqual(['cashflows:read', 'keys:manage', 'positions:read']);
    });

    it('client_credentials with private_key_jwt', async () => {
      const config = await discover(keyClient.clientId, oidc.PrivateKeyJwt({ key: key.privateKey, kid }));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'instruments:read' });
      const { payload } = await verify(tokens.access_token);
      expect(payload).toMatchObject({
        client_id: keyClient.clientId,
        scope: 'instruments:read',
        tenant_id: tenantId,
      });
    });

    it('the RFC 7523 JWT-bearer grant', async () => {
      const config = await discover(keyClient.clientId, oidc.None());
      const tokens = await oidc.genericGrantRequest(config, jwtBearer, { assertion: await assertion() });
      const { payload } = await verify(tokens.access_token);
      expect(payload.client_id).toBe(keyClient.clientId);
      // One token for every surface: it reads GraphQL.
      const viewer = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { ...bearer(tokens.access_token), 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { tenantId credentialId scopes } }' }),
      });
      expect((await viewer.json()).data.viewer).toEqual({
        tenantId,
        credentialId: keyClient.clientId,
        scopes: ['instruments:read', 'positions:read'],
      });
    });
  });

  describe('request forms', () => {
    it('accepts the JSON body of the partner portal', async () => {
      const response = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: secretClient.clientId,
          client_secret: secretClient.clientSecret,
          scope: 'positions:read cashflows:read',
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await response.json();
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'positions:read cashflows:read',
      });
    });

    it('refuses scopes the client does not hold with invalid_scope', async () => {
      const response = await post({
        grant_type: 'client_credentials',
        client_id: secretClient.clientId,
        client_secret: secretClient.clientSecret,
        scope: 'positions:read positions:write',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toMatchObject({
        error: 'invalid_scope',
        error_description: expect.stringContaining('positions:write'),
      });
    });

    it('answers a failed Basic authentication with 401 and a Basic challenge', async () => {
      const basic = Buffer.from(`${secretClient.clientId}:wrong`).toString('base64');
      const response = await post({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });

    it.each([
      [{}, 'invalid_request', /grant_type is required/],
      [{ grant_type: 'password' }, 'unsupported_grant_type', /password/],
      [{ grant_type: 'client_credentials' }, 'invalid_client', /authentication is required/],
      [{ grant_type: jwtBearer }, 'invalid_request', /assertion is required/],
      [
        { grant_type: 'client_credentials', client_id: 'pc_unknown', client_secret: 'x' },
        'invalid_client',
        /failed/,
      ],
    ])('refuses %j with %s', async (body, error, description) => {
      const response = await post(body as Record<string, string>);
      expect(await response.json()).toMatchObject({
        error,
        error_description: expect.stringMatching(description),
      });
    });

    it('refuses two client authentication methods at once', async () => {
      const basic = Buffer.from(`${secretClient.clientId}:${secretClient.clientSecret}`).toString('base64');
      const response = await post(
        {
          grant_type: 'client_credentials',
          client_id: secretClient.clientId,
          client_secret: secretClient.clientSecret,
        },
        { authorization: `Basic ${basic}` },
      );
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('invalid_request');
    });

    it('refuses a malformed JSON body in the OAuth dialect', async () => {
      const response = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type":',
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('invalid_request');
    });
  });

  // Each refusal of RFC 7523 assertion rules, once as client authentication (invalid_client, 401)
  // and once as the grant itself (invalid_grant, 400).
  describe.each([
    ['client_assertion', 'invalid_client', 401],
    ['assertion', 'invalid_grant', 400],
  ] as const)('assertion checks as %s', (field, error, status) => {
    const present = (jwt: string) =>
      post(
        field === 'client_assertion'
          ? { grant_type: 'client_credentials', client_assertion_type: assertionType, client_assertion: jwt }
          : { grant_type: jwtBearer, assertion: jwt },
      );
    const refused = async (jwt: string, description: RegExp) => {
      const response = await present(jwt);
      const body = await response.json();
      expect(body).toMatchObject({ error, error_description: expect.stringMatching(description) });
      expect(response.status).toBe(status);
    };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    // Every refusal counts against the client's failure budget, so each test gets a client of its own.
    beforeEach(async () => {
      keyClient = (await tenantWithClient(app, ['positions:read'], { tenantId })).client;
      await addClientKey(app.database.db, keyClient.clientId, { ...(await exportJWK(key.publicKey)), kid });
    });

    it('accepts a well-formed assertion', async () => {
      expect((await present(await assertion())).status).toBe(200);
    });

    it('refuses alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: keyClient.clientId,
        sub: keyClient.clientId,
        aud: app.url,
        exp: now + 60,
        jti: randomUUID(),
      };
      await refused(`${encode({ alg: 'none', kid })}.${encode(claims)}.`, /ES256/);
    });

    it('refuses HS256, even keyed with the registered public key', async () => {
      const now = Math.floor(Date.now() / 1000);
      const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(key.publicKey)));
      const jwt = await new SignJWT({
        iss: keyClient.clientId,
        sub: keyClient.clientId,
        aud: app.url,
        jti: randomUUID(),
      })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(secret);
      await refused(jwt, /ES256/);
    });

    it('refuses an unknown kid', async () => {
      await refused(await assertion({ header: { kid: 'not-registered' } }), /unknown kid/);
    });

    it('refuses a bad signature', async () => {
      await refused(await assertion({ signer: await generateKeyPair('ES256') }), /signature/);
    });

    it('refuses keys offered in the header (jwk)', async () => {
      const attacker = await generateKeyPair('ES256', { extractable: true });
      await refused(
        await assertion({ signer: attacker, header: { jwk: await exportJWK(attacker.publicKey) } }),
        /header/,
      );
    });

    it('refuses a wrong iss', async () => {
      await refused(await assertion({ claims: { iss: secretClient.clientId } }), /./);
    });

    it('refuses a sub other than the client', async () => {
      await refused(await assertion({ claims: { sub: 'someone-else' } }), /sub/);
    });

    it('refuses a wrong aud', async () => {
      await refused(await assertion({ claims: { aud: 'https://elsewhere.example' } }), /aud/);
    });

    it('refuses an aud array, even one that contains the issuer', async () => {
      await refused(
        await assertion({ claims: { aud: [app.url, 'https://elsewhere.example'] } }),
        /single string/,
      );
    });

    it('accepts the token endpoint URL as aud', async () => {
      expect((await present(await assertion({ claims: { aud: `${app.url}/oauth/token` } }))).status).toBe(
        200,
      );
    });

    it('accepts another spelling of a loopback issuer as aud', async () => {
      const aud = `${app.url.replace('127.0.0.1', 'localhost')}/oauth/token`;
      expect((await present(await assertion({ claims: { aud } }))).status).toBe(200);
    });

    it('refuses a missing exp', async () => {
      await refused(await assertion({ omit: ['exp'] }), /exp/);
    });

    it('refuses an expired assertion', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion({ claims: { iat: now - 400, exp: now - 300 } }), /expired/);
    });

    it('refuses a lifetime over 300 s', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion({ claims: { iat: now, exp: now + 600 } }), /300/);
    });

    it('refuses an iat in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion({ claims: { iat: now + 120, exp: now + 180 } }), /iat/);
    });

    it('refuses an nbf in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await assertion({ claims: { nbf: now + 120 } }), /nbf/);
    });

    it('refuses a missing jti', async () => {
      await refused(await assertion({ omit: ['jti'] }), /jti/);
    });

    it('refuses a replayed jti', async () => {
      const jwt = await assertion();
      expect((await present(jwt)).status).toBe(200);
      await refused(jwt, /already been used/);
    });
  });

  describe('access tokens', () => {
    it('work on every surface and are refused when they are a client assertion instead', async () => {
      const token = await accessToken(app, secretClient);
      expect((await fetch(`${app.url}/v1/api-keys`, { headers: bearer(token) })).status).toBe(200);
      const misuse = await fetch(`${app.url}/v1/api-keys`, { headers: bearer(await assertion()) });
      expect(misuse.status).toBe(401);
      expect(misuse.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('keep working after a key rotation until they expire, and new ones use the new key', async () => {
      const before = await accessToken(app, secretClient);
      const { kid: newKid } = await rotateSigningKey(app.database.db, secretBox(undefined));
      await app.broker.publish(signingKeysRotatedChannel, newKid);
      let after = before;
      for (let i = 0; i < 50 && kidOf(after) !== newKid; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = await accessToken(app, secretClient);
      }
      expect(kidOf(after)).toBe(newKid);
      expect(kidOf(before)).not.toBe(newKid);
      for (const token of [before, after]) {
        expect((await fetch(`${app.url}/v1/api-keys`, { headers: bearer(token) })).status).toBe(200);
      }
      const { keys } = await (await fetch(`${app.url}/.well-known/jwks.json`)).json();
      expect(keys.map((k: { kid: string }) => k.kid)).toEqual(
        expect.arrayContaining([kidOf(before), newKid]),
      );
    });

    it('stop working when their client is revoked, and the client gets no more', async () => {
      const doomed = (await tenantWithClient(app, ['keys:manage'], { tenantId })).client;
      const token = await accessToken(app, doomed);
      await revokeOAuthClient(app.database.db, doomed.clientId);
      expect((await fetch(`${app.url}/v1/api-keys`, { headers: bearer(token) })).status).toBe(401);
      const response = await post({
        grant_type: 'client_credentials',
        client_id: doomed.clientId,
        client_secret: doomed.clientSecret,
      });
      expect((await response.json()).error).toBe('invalid_client');
    });
  });

  describe('failure limits', () => {
    it('refuses a client id after repeated failures, even with the right secret', async () => {
      const target = (await tenantWithClient(app, ['positions:read'], { tenantId })).client;
      for (let i = 0; i < maxFailuresPerClient; i++) {
        const response = await post({
          grant_type: 'client_credentials',
          client_id: target.clientId,
          client_secret: 'guess',
        });
        expect(response.status).toBe(401);
      }
      const blocked = await post({
        grant_type: 'client_credentials',
        client_id: target.clientId,
        client_secret: target.clientSecret,
      });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.headers.get('cache-control')).toBe('no-store');
      // Other clients are unaffected.
      expect(
        (
          await post({
            grant_type: 'client_credentials',
            client_id: secretClient.clientId,
            client_secret: secretClient.clientSecret,
          })
        ).status,
      ).toBe(200);
    });
  });
});

describe.runIf(redisUrl)('single-use assertions across instances', () => {
  it('refuses on one instance a jti already used on another', async () => {
    const namespace = `test-${randomUUID()}`;
    const a = await startTestApp({ redisNamespace: namespace });
    const b = await startTestApp({ database: a.database, redisNamespace: namespace, env: {} });
    try {
      const client = (await tenantWithClient(a, ['positions:read'])).client;
      const pair = await generateKeyPair('ES256', { extractable: true });
      await addClientKey(a.database.db, client.clientId, { ...(await exportJWK(pair.publicKey)), kid: 'k1' });
      const now = Math.floor(Date.now() / 1000);
      const sign = (audience: string) =>
        new SignJWT({ iss: client.clientId, sub: client.clientId, aud: audience, jti: 'shared-jti' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(pair.privateKey);
      const grant = async (app: TestApp) =>
        fetch(`${app.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: jwtBearer,
            assertion: await sign(`${app.url}/oauth/token`),
          }),
        });
      expect((await grant(a)).status).toBe(200);
      const replay = await grant(b);
      expect(replay.status).toBe(400);
      expect((await replay.json()).error_description).toMatch(/already been used/);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).kid;
}
