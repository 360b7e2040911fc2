import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { VersionDocument } from './generated/graphql.js';
import { startTestApp, type TestApp } from './helpers/app.js';

describe('GraphQL endpoint', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a real GraphQL client over POST', async () => {
    const client = new GraphQLClient(`${app.url}/graphql`);
    expect(await client.request(VersionDocument)).toEqual({ version: packageJson.version });
  });

  it('answers GET with a query string', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ version }')}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { version: packageJson.version } });
  });

  it('reports invalid queries as GraphQL errors', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/Cannot query field "nope"/);
  });
});
