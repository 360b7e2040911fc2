import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiKeyChanges } from '../../auth/api-keys.repository.js';
import {
  type ApiKeyView,
  createApiKey,
  getKey,
  listKeys,
  renameKey,
  revokeKey,
} from '../../auth/api-keys.service.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { dailyQuotaRule, maxDailyQuota } from '../../auth/daily-quota-value.js';
import { allScopes, type Scope } from '../../auth/scopes.js';
import { InsufficientScopeError } from '../../auth/viewer.js';
import type { DailyQuota } from '../../http/daily-quota.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { named } from '../schema-names.js';
import { listCursors, readPage, sendPage } from './pagination.js';
import { noContent, problemResponses, v1Security } from './v1-openapi.js';
import { idParameter, pageParameters, pageSchema } from './v1-schemas.js';

// /v1/api-keys: create (the key shown once), list, read, rename or re-quota, revoke. Scope keys:manage.

const timestamp = z.iso.datetime();

const quotaDescription =
  'Requests the key may make each UTC day, on every surface together; past it, 429 until the next midnight UTC. null: no quota.';

const apiKey = z.object({
  id: z.uuid(),
  public_id: z.string().describe('The key’s public part, shown in logs and listings.'),
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.enum(allScopes as [Scope, ...Scope[]])),
  white_label_id: z.uuid().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  last_used_at: timestamp.nullable(),
  expires_at: timestamp.nullable(),
  daily_quota: z.int().nullable().describe(quotaDescription),
});
named(apiKey, 'ApiKey', 'An API key, without its secret.');

const createdKey = apiKey.extend({
  key: z.string().describe('The whole key, `<public id>.<secret>`: shown in this response only.'),
});
named(createdKey, 'CreatedApiKey', 'A new API key, with its secret, once.');

const apiKeyPage = pageSchema(apiKey, 'ApiKeyPage');

const dailyQuota = z
  .int({ error: dailyQuotaRule })
  .min(1, dailyQuotaRule)
  .max(maxDailyQuota, dailyQuotaRule)
  .nullable()
  .optional()
  .describe(quotaDescription);

// Both branches plain, the split after: the document shows either form.
const scopeList = z
  .union([z.array(z.string()), z.string()], { error: 'must be a non-empty list of scope names' })
  .transform((value) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value));

const createBody = z.strictObject({
  name: z.string({ error: 'must be a string' }).describe('A name to recognise the key by.'),
  description: z.string({ error: 'must be a string' }).nullable().optional(),
  scopes: scopeList
    .pipe(
      z
        .array(z.string())
        .min(1, 'must be a non-empty list of scope names')
        .superRefine((names, context) => {
          const unknown = names.filter((name) => !(allScopes as readonly string[]).includes(name));
          if (unknown.length > 0)
            context.addIssue({ code: 'custom', message: `unknown scope ${unknown.join(', ')}` });
        }),
    )
    .transform((names) => [...new Set(names as Scope[])])
    .describe('The scopes the key holds: a list, or one space-separated string. At most the creator’s own.'),
  daily_quota: dailyQuota,
});
named(createBody, 'ApiKeyCreate');

const updateBody = z.strictObject({
  name: z.string({ error: 'must be a string' }).optional(),
  description: z.string({ error: 'must be a string' }).nullable().optional(),
  daily_quota: dailyQuota,
});
named(updateBody, 'ApiKeyUpdate');

function present(key: ApiKeyView): z.infer<typeof apiKey> {
  return {
    id: key.id,
    public_id: key.public_id,
    name: key.name,
    description: key.description,
    scopes: key.scopes as Scope[],
    white_label_id: key.white_label_id,
    created_at: key.created_at.toISOString(),
    updated_at: key.updated_at.toISOString(),
    last_used_at: key.last_used_at?.toISOString() ?? null,
    expires_at: key.expires_at?.toISOString() ?? null,
    daily_quota: key.daily_quota,
  };
}

export function registerApiKeyRoutes(
  v1: FastifyInstance,
  deps: { database: Database; authenticator: Authenticator; dailyQuota: DailyQuota; secrets: ServerSecrets },
): void {
  const { db } = deps.database;
  const scope: Scope = 'keys:manage';
  const config = { scope };
  const documented = (operationId: string, summary: string) => ({
    tags: ['API keys'],
    operationId,
    summary,
    security: v1Security(scope),
  });

  v1.post(
    '/api-keys',
    {
      config,
      schema: {
        ...documented('createApiKey', 'Create an API key'),
        description: 'The key is in this response only; Portico keeps only its hash.',
        body: createBody,
        response: { 201: createdKey, ...problemResponses([400, 415]) },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof createBody>;
      // A key never holds more than the credential that creates it.
      const missing = body.scopes.find((wanted) => !request.viewer.scopes.has(wanted));
      if (missing) throw new InsufficientScopeError(missing);
      const { id, key } = await createApiKey(db, {
        tenantId: request.viewer.tenantId,
        whiteLabelId: request.viewer.whiteLabelId,
        name: body.name,
        description: body.description ?? null,
        scopes: body.scopes,
        createdBy: `${request.viewer.credential.kind}:${request.viewer.credential.publicId}`,
        dailyQuota: body.daily_quota ?? null,
      });
      const created = await getKey(db, request.viewer, id);
      return reply
        .status(201)
        .header('location', `/v1/api-keys/${id}`)
        .send({ ...present(created), key });
    },
  );

  v1.get(
    '/api-keys',
    {
      config,
      schema: {
        ...documented('listApiKeys', 'List API keys'),
        querystring: z.strictObject(pageParameters),
        response: { 200: apiKeyPage, ...problemResponses([400]) },
      },
    },
    async (request, reply) => {
      const cursors = await listCursors(request, deps.secrets);
      const page = readPage(request.query as { limit?: number; cursor?: string }, cursors);
      return sendPage(request, reply, await listKeys(db, request.viewer, page), cursors, present);
    },
  );

  v1.get<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      config,
      schema: {
        ...documented('getApiKey', 'Get an API key'),
        params: idParameter,
        response: { 200: apiKey, ...problemResponses([404]) },
      },
    },
    async (request) => present(await getKey(db, request.viewer, request.params.id)),
  );

  v1.patch<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      config,
      schema: {
        ...documented('updateApiKey', 'Rename an API key or change its daily quota'),
        params: idParameter,
        body: updateBody,
        response: { 200: apiKey, ...problemResponses([400, 404, 415]) },
      },
    },
    async (request) => {
      const body = request.body as z.infer<typeof updateBody>;
      const changes: ApiKeyChanges = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.description !== undefined) changes.description = body.description;
      if (body.daily_quota !== undefined) changes.daily_quota = body.daily_quota;
      const key = await renameKey(db, request.viewer, request.params.id, changes);
      // Once committed: under an Idempotency-Key the change commits only as the answer is sent,
      // and an instance that read the quota before that must not keep it.
      if (changes.daily_quota !== undefined) deps.database.afterCommit(() => deps.dailyQuota.changed(key.id));
      return present(key);
    },
  );

  v1.delete<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      config,
      schema: {
        ...documented('revokeApiKey', 'Revoke an API key'),
        params: idParameter,
        response: { 204: noContent, ...problemResponses([404]) },
      },
    },
    async (request, reply) => {
      const revoked = await revokeKey(db, request.viewer, request.params.id);
      await deps.authenticator.revoked({ kind: 'api_key', publicId: revoked.public_id });
      return reply.status(204).send();
    },
  );
}
