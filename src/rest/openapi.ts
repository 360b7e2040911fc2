import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { allScopes } from '../auth/scopes.js';
import { describedResources } from '../domain/resource.js';
import '../domain/resources/described-resources.js';
import { documentProtocol, protocolComponents } from './openapi-protocol.js';
import { tagOf } from './v1/v1-names.js';

// The OpenAPI 3.1 document of the REST surfaces, generated from the same route schemas that
// validate requests: @fastify/swagger collects the routes, fastify-type-provider-zod turns their
// zod schemas into JSON Schema, named schemas become components. Served at /openapi.json and
// rendered at /docs by Swagger UI from Portico's own files (no CDN). The committed copy in
// openapi/openapi.json is compared with it in a test.

const documented = (url: string) => /^\/(v1|api\/v2|api\/v3)\//.test(url);

const platformScopes: Record<string, string> = {
  'events:read': 'Read change events.',
  'webhooks:manage': 'Manage webhook endpoints.',
  'extracts:write': 'Create extracts.',
  'keys:manage': 'Create, list and revoke API keys, and read usage per credential.',
};

function scopeDescription(scope: string): string {
  const [family, access] = scope.split(':');
  if (platformScopes[scope]) return platformScopes[scope];
  return access === 'read' ? `Read ${family}.` : `Create, change and delete ${family}.`;
}

/** Drops the components nothing refers to (each named schema is generated for input and output). */
function reachableComponents(document: Record<string, unknown>): Record<string, unknown> {
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  const schemas = components?.schemas;
  if (!schemas) return document;
  const kept = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
          const name = child.slice('#/components/schemas/'.length);
          if (!kept.has(name)) {
            kept.add(name);
            visit(schemas[name]);
          }
        } else visit(child);
      }
    }
  };
  visit(document.paths);
  const pruned = Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => kept.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { ...document, components: { ...components, schemas: pruned } };
}

const transformObject = createJsonSchemaTransformObject({});

/** Registers the document's generator (before the routes it describes) and its two routes. */
export function registerOpenApi(app: FastifyInstance): void {
  const transform = createJsonSchemaTransform({ skipList: [] });
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Portico REST API',
        version: '1',
        description:
          'The v1 surface: snake_case JSON, RFC 9457 problem details, cursor pagination, ETags and delta reads that report deletions. The legacy v2 and v3 surfaces (JSON:API) are tagged v2 and v3. Authenticate with an OAuth 2.0 client-credentials access token (POST /oauth/token) or an API key, the same on every surface; each route names the scope it needs.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Relative: the origin that serves this document (what an absent list means, said explicitly).
      servers: [{ url: '/', description: 'This Portico' }],
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            description: 'OAuth 2.0 client credentials; send the access token as `Authorization: Bearer`.',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth/token',
                scopes: Object.fromEntries(allScopes.map((scope) => [scope, scopeDescription(scope)])),
              },
            },
          },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: 'An API key (also accepted as `Authorization: Bearer <key>`).',
          },
        },
        ...protocolComponents,
      },
      tags: [
        ...describedResources().map((resource) => ({
          name: tagOf(resource),
          description: resource.description,
        })),
        { name: 'API keys', description: 'Keys for server-to-server calls, each holding a set of scopes.' },
        {
          name: 'Usage',
          description:
            'Requests per credential per UTC day, and the daily quota an API key or OAuth client may declare.',
        },
        {
          name: 'Webhooks',
          description:
            'Webhook endpoints (signed Standard Webhooks deliveries of the event log), their secrets, deliveries and replays, and the signing keys for asymmetric signatures.',
        },
        {
          name: 'Events',
          description:
            'The ordered change log: poll it after a cursor (the sequence), the same cursor GraphQL subscriptions and webhooks use.',
        },
        {
          name: 'v2',
          description:
            'The legacy platform’s v2 (frozen): JSON:API documents (application/vnd.api+json), no pagination but a row cap, no Idempotency-Key (retry safety is per endpoint: uploads upsert on their natural key, DELETE twice is 404). /api/v2/asset* is a deprecated alias of the v3 instrument routes.',
        },
        {
          name: 'v3',
          description:
            'The legacy platform’s v3: the instrument family (instruments, holdings, lots, price series) and custodian connections, in the same JSON:API dialect as v2.',
        },
      ],
    },
    transform: (route) =>
      documented(route.url) ? transform(route) : { schema: { hide: true }, url: route.url },
    transformObject: (document) => {
      const generated = reachableComponents(transformObject(document) as Record<string, unknown>);
      documentProtocol(generated.paths as Parameters<typeof documentProtocol>[0]);
      return generated;
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.register(swaggerUi, {
    routePrefix: '/docs',
    // The online validator badge would send the document to a third party.
    uiConfig: { validatorUrl: null, deepLinking: true },
    transformSpecification: () => app.swagger(),
  });
}
