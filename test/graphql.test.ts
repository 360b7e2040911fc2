import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { VersionDocument } from '../src/sdk/generated/graphql.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';

describe('GraphQL endpoint', () => {
  let app: TestApp;
  let headers: Record<string, string>;
  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, ['clients:read']);
    headers = bearer(await accessToken(app, tenant.client));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a real GraphQL client over POST', async () => {
    const client = new GraphQLClient(`${app.url}/graphql`, { headers });
    expect(await client.request(VersionDocument)).toEqual({ version: packageJson.version });
  });

  it('answers GET with a query string', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ version }')}`, {
      headers: { ...headers, accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { version: packageJson.version },
      extensions: { rateLimit: expect.any(Object) },
    });
  });

  it('reports invalid queries as GraphQL errors', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/Cannot query field "nope"/);
  });
});
