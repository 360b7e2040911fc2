import { readFile } from 'node:fs/promises';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import {
  type OpenApiDocument,
  type OpenApiValidator,
  openApiFile,
  openApiValidator,
} from './helpers/openapi-validator.js';

// The OpenAPI document: the committed copy is what the app serves, it passes Redocly's recommended
// rules, it describes every v1 route, Swagger UI is served from Portico itself, and responses
// match it.

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every route of a Fastify route tree (printRoutes), as `METHOD /path` with OpenAPI templates. */
function routesOf(tree: string): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    prefixes.length = depth;
    prefixes.push(match[2] ?? '');
    const path = prefixes.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push(`${method} ${path}`);
  }
  return routes;
}

function operationsOf(document: OpenApiDocument): { route: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    httpMethods.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation ? [{ route: `${method.toUpperCase()} ${path}`, operation }] : [];
    }),
  );
}

describe('the OpenAPI document', () => {
  let app: TestApp;
  let served: OpenApiDocument;

  beforeAll(async () => {
    app = await startTestApp();
    const response = await fetch(`${app.url}/openapi.json`);
    expect(response.status).toBe(200);
    served = await response.json();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is the committed openapi/openapi.json (run `npm run codegen` when this fails)', async () => {
    expect(
      `${JSON.stringify(served, null, 2)}\n`,
      'openapi/openapi.json is not the document the app serves: run `npm run codegen`',
    ).toBe(await readFile(openApiFile, 'utf8'));
  });

  it('passes Redocly’s recommended rules without errors', async () => {
    const problems = await lintFromString({
      source: JSON.stringify(served, null, 2),
      absoluteRef: openApiFile.pathname,
      config: await createConfig({ extends: ['recommended'] }),
    });
    const errors = problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
    expect(errors).toEqual([]);
  });

  it('is OpenAPI 3.1 and documents every /v1, /api/v2 and /api/v3 route the app registered, with its method', () => {
    expect(served.openapi).toMatch(/^3\.1\./);
    const registered = routesOf(app.server.printRoutes({ commonPrefix: false }))
      .filter((route) => / \/(v1|api\/v2|api\/v3)\//.test(route) && !/^(HEAD|OPTIONS) /.test(route))
      .sort();
    const documented = operationsOf(served)
      .map(({ route }) => route)
      .sort();
    expect(registered.length).toBeGreaterThan(10);
    expect(documented).toEqual(registered);
  });

  it('gives every operation an operationId, tags, a scope and errors in its dialect', () => {
    const schemes = served.components?.securitySchemes as Record<string, { type: string }>;
    const oauthScopes = Object.keys(
      (schemes.oauth2 as unknown as { flows: { clientCredentials: { scopes: Record<string, string> } } })
        .flows.clientCredentials.scopes,
    );
    expect(oauthScopes.sort()).toEqual([...allScopes].sort());
    for (const { route, operation } of operationsOf(served)) {
      expect(operation.operationId, route).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(operation.tags?.length, route).toBeGreaterThan(0);
      expect(operation.security?.length, route).toBeGreaterThan(0);
      for (const requirement of operation.security ?? []) {
        for (const [scheme, scopes] of Object.entries(requirement)) {
          expect(Object.keys(schemes), route).toContain(scheme);
          expect(scopes.length, `${route} ${scheme}`).toBeGreaterThan(0);
          for (const scope of scopes) expect(allScopes, `${route} ${scheme}`).toContain(scope);
        }
      }
      const errors = Object.entries(operation.responses ?? {}).filter(([status]) => /^[45]/.test(status));
      expect(
        errors.map(([status]) => status),
        route,
      ).toEqual(expect.arrayContaining(['401', '403']));
      // v1 answers problem details; v2 and v3 JSON:API error documents.
      const [mediaType, schema] = route.includes(' /v1/')
        ? ['application/problem+json', 'Problem']
        : ['application/vnd.api+json', 'JsonApiErrors'];
      for (const [status, response] of errors) {
        expect(Object.keys(response.content ?? {}), `${route} ${status}`).toEqual([mediaType]);
        expect(response.content?.[mediaType]?.schema, `${route} ${status}`).toEqual({
          $ref: `#/components/schemas/${schema}`,
        });
      }
      if (!route.includes(' /v1/')) {
        expect(operation.tags, route).toEqual([route.includes(' /api/v3/') ? 'v3' : 'v2']);
        expect((operation as { deprecated?: boolean }).deprecated ?? false, route).toBe(
          route.includes(' /api/v2/asset'),
        );
      }
    }
  });

  it('is rendered at /docs by Swagger UI from same-origin assets only', async () => {
    const page = await fetch(`${app.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThan(0);
    const origin = new URL(app.url).origin;
    for (const asset of assets) expect(new URL(asset, page.url).origin, asset).toBe(origin);
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const script = assets.find((asset) => asset.endsWith('.js'));
    expect(script).toBeDefined();
    const bundle = await fetch(new URL(script ?? '', page.url));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(0);
  });
});

describe('the response validator', () => {
  let app: TestApp;
  let validator: OpenApiValidator;
  let headers: Record<string, string>;

  /** Calls the app and checks the response against the document; returns what came back. */
  async function checked(method: string, path: string, body?: unknown) {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    const contentType = response.headers.get('content-type');
    validator.validate(method, path, response.status, contentType, parsed);
    return { status: response.status, contentType, body: parsed };
  }

  beforeAll(async () => {
    app = await startTestApp();
    validator = await openApiValidator();
    const tenant = await tenantWithClient(app, ['keys:manage', 'positions:read']);
    headers = bearer(await accessToken(app, tenant.client));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts what the app answers', async () => {
    const created = await checked('POST', '/v1/api-keys', { name: 'Validated', scopes: ['positions:read'] });
    expect(created.status).toBe(201);
    expect((await checked('GET', '/v1/api-keys?limit=1')).status).toBe(200);
    expect((await checked('GET', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await checked('GET', '/v1/positions?limit=1')).status).toBe(200);
    expect((await checked('GET', '/v1/positions?limit=0')).status).toBe(400);
    expect((await checked('GET', '/v1/positions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await checked('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(204);
  });

  it('refuses a body that does not match, naming the operation, the status and the field', async () => {
    const created = await checked('POST', '/v1/api-keys', { name: 'Mismatch', scopes: ['positions:read'] });
    const wrong = { ...created.body, id: 42, scopes: 'positions:read' };
    delete wrong.name;
    const check = () => validator.validate('POST', '/v1/api-keys', 201, created.contentType, wrong);
    expect(check).toThrow(/createApiKey \(POST \/v1\/api-keys\) 201 application\/json/);
    expect(check).toThrow(/\/id must be string/);
    expect(check).toThrow(/\/scopes must be array/);
    expect(check).toThrow(/must have required property 'name'/);
    // A referenced component is checked too: a page whose rows lack their id.
    expect(() =>
      validator.validate('GET', '/v1/positions?limit=2', 200, 'application/json', {
        data: [{ deleted: true }],
        has_more: false,
        next_cursor: null,
      }),
    ).toThrow(/listPositions .*200/);
  });

  it('refuses undocumented statuses, content types, operations and bodies', () => {
    const problem = { type: 'about:blank', title: 'Not Found', status: 404 };
    expect(() => validator.validate('GET', '/v1/api-keys', 418, 'application/json', {})).toThrow(
      /listApiKeys .* status 418 is not documented/,
    );
    expect(() => validator.validate('GET', '/v1/api-keys/x', 404, 'application/json', problem)).toThrow(
      /content type application\/json is not documented/,
    );
    expect(() => validator.validate('PUT', '/v1/api-keys/x', 200, 'application/json', {})).toThrow(
      /no operation in the document/,
    );
    expect(() => validator.validate('DELETE', '/v1/api-keys/x', 204, null, { id: 'x' })).toThrow(
      /without content, but has a body/,
    );
    expect(() => validator.validate('GET', '/v1/api-keys/x', 304, null, undefined)).not.toThrow();
  });
});
