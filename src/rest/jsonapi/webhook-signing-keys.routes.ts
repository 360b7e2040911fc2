import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Database } from '../../platform/database.js';
import {
  ensureSigningKey,
  type PublishedSigningKey,
  publishedSigningKeys,
} from '../../webhooks/signing-keys.js';
import type { WebhookDeps } from '../../webhooks/webhook-deps.js';
import { named } from '../schema-names.js';
import { v1Security } from '../v1/v1-openapi.js';
import { signingJwkShape } from '../v1/webhooks.routes.js';
import { jsonApiMediaType } from './jsonapi-errors.js';
import { errorResponses } from './jsonapi-openapi.js';
import { jsonApiVersion } from './jsonapi-schemas.js';

// v2's webhook signing keys: the tenant's public keys for asymmetric (v1a, Ed25519) webhook
// signatures, one resource per key, its attributes the JWK's members. The same keys as v1's JWK
// set (GET /v1/webhooks/signing-keys), which is also where they are rotated. Scope webhooks:manage.

const type = 'webhook-signing-key';
const scope: Scope = 'webhooks:manage';
const link = z.url();
const time = z.iso.datetime();

const keyObject = named(
  z.strictObject({
    type: z.literal(type),
    id: z.string().describe('The key id (kid), its JWK thumbprint.'),
    attributes: z.strictObject({
      ...signingJwkShape,
      createdAt: time,
      retiresAt: time
        .nullable()
        .describe('After a rotation: when the key stops signing and is no longer published.'),
    }),
    links: z.strictObject({ self: link }),
  }),
  'V2WebhookSigningKey',
  'A public key that verifies v1a webhook signatures (a JWK).',
);

const single = named(
  z.strictObject({ jsonapi: jsonApiVersion, data: keyObject, links: z.strictObject({ self: link }) }),
  'V2WebhookSigningKeyDocument',
);
const collection = named(
  z.strictObject({
    jsonapi: jsonApiVersion,
    data: z.array(keyObject),
    links: z.strictObject({ self: link }),
    meta: z.strictObject({ count: z.int() }),
  }),
  'V2WebhookSigningKeyCollection',
);

const kidParameter = z.object({ kid: z.string().describe('The key id (kid).') });

export function registerWebhookSigningKeyRoutes(
  surface: FastifyInstance,
  deps: { database: Database; publicUrl: string; webhooks: WebhookDeps },
): void {
  const { db } = deps.database;
  const url = (path: string) => `${deps.publicUrl}${path}`;
  const objectOf = (key: PublishedSigningKey) => ({
    type,
    id: key.kid,
    attributes: {
      ...key.jwk,
      createdAt: key.created_at.toISOString(),
      retiresAt: key.retires_at?.toISOString() ?? null,
    },
    links: { self: url(`/api/v2/webhook-signing-keys/${encodeURIComponent(key.kid)}`) },
  });
  const documented = (operationId: string, summary: string) => ({
    tags: ['v2'],
    operationId: `v2${operationId}`,
    summary,
    security: v1Security(scope),
    produces: [jsonApiMediaType],
  });
  const published = async (tenantId: string) => {
    await ensureSigningKey(db, deps.webhooks.box, tenantId);
    return publishedSigningKeys(db, tenantId);
  };
  const send = (request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>) =>
    reply
      .type(jsonApiMediaType)
      .send({ jsonapi: { version: '1.1' }, ...body, links: { self: url(request.url) } });

  surface.get(
    '/webhook-signing-keys',
    {
      config: { scope },
      schema: {
        ...documented('ListWebhookSigningKeys', 'List webhook signing keys'),
        description:
          'The public keys that verify v1a webhook signatures: the current key first, then any still retiring after a rotation (POST /v1/webhooks/signing-keys/rotate).',
        response: { 200: collection, ...errorResponses([]) },
      },
    },
    async (request, reply) => {
      const keys = await published(request.viewer.tenantId);
      return send(request, reply, { data: keys.map(objectOf), meta: { count: keys.length } });
    },
  );

  surface.get<{ Params: { kid: string } }>(
    '/webhook-signing-keys/:kid',
    {
      config: { scope },
      schema: {
        ...documented('GetWebhookSigningKey', 'Get a webhook signing key'),
        params: kidParameter,
        response: { 200: single, ...errorResponses([404]) },
      },
    },
    async (request, reply) => {
      const key = (await published(request.viewer.tenantId)).find(
        (candidate) => candidate.kid === request.params.kid,
      );
      if (!key) throw new NotFoundError('webhook signing key', request.params.kid);
      return send(request, reply, { data: objectOf(key) });
    },
  );
}
