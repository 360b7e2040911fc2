import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, tenantWithClient } from './helpers/credentials.js';

describe('GraphQL over WebSocket (graphql-transport-ws)', () => {
  let app: TestApp;
  let tenantId: string;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, ['positions:read']);
    tenantId = tenant.tenantId;
    token = await accessToken(app, tenant.client);
  });
  afterAll(async () => {
    await app?.close();
  });

  const run = (connectionParams: Record<string, unknown>, query: string) => {
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
    return new Promise<unknown>((resolve, reject) => {
      let result: unknown;
      client.subscribe(
        { query },
        {
          next: (value) => {
            result = value;
          },
          error: reject,
          complete: () => resolve(result),
        },
      );
    }).finally(() => client.dispose());
  };

  it('authenticates the connection_init payload with an access token', async () => {
    const result = await run({ authorization: `Bearer ${token}` }, '{ viewer { tenantId credentialKind } }');
    expect(result).toEqual({
      data: { viewer: { tenantId, credentialKind: 'OAUTH_CLIENT' } },
      extensions: { rateLimit: expect.any(Object) },
    });
  });

  it('accepts an API key in the payload', async () => {
    const { key } = await apiKeyFor(app, tenantId, ['positions:read']);
    const result = await run({ 'X-API-Key': key }, '{ viewer { credentialKind scopes } }');
    expect(result).toEqual({
      data: { viewer: { credentialKind: 'API_KEY', scopes: ['positions:read'] } },
      extensions: { rateLimit: expect.any(Object) },
    });
  });

  it.each([
    ['no credential', {}],
    ['a bad token', { authorization: 'Bearer not-a-token' }],
  ])('closes the socket with 4403 for %s', async (_name, params) => {
    const error = await run(params, '{ viewer { tenantId } }').catch((e) => e);
    expect(error).toMatchObject({ code: 4403 });
  });

  it('applies field scopes as over HTTP', async () => {
    const result = (await run({ authorization: `Bearer ${token}` }, '{ apiKeys { id } }')) as {
      errors: { extensions: { code: string } }[];
    };
    expect(result.errors[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
