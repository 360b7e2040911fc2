import type { FastifyInstance } from 'fastify';
import {
  type ApiKeyView,
  createApiKey,
  getKey,
  listKeys,
  renameKey,
  revokeKey,
} from '../../auth/api-keys.service.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { isScope, type Scope } from '../../auth/scopes.js';
import { InsufficientScopeError } from '../../auth/viewer.js';
import { ValidationError } from '../../domain/errors.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { listCursors, readPage, sendPage } from './pagination.js';

function present(key: ApiKeyView) {
  return {
    id: key.id,
    public_id: key.public_id,
    name: key.name,
    description: key.description,
    scopes: key.scopes,
    white_label_id: key.white_label_id,
    created_at: key.created_at.toISOString(),
    updated_at: key.updated_at.toISOString(),
    last_used_at: key.last_used_at?.toISOString() ?? null,
    expires_at: key.expires_at?.toISOString() ?? null,
  };
}

function readBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'must be a JSON object');
  }
  const unknown = Object.keys(body).find((field) => !allowed.includes(field));
  if (unknown)
    throw new ValidationError(unknown, `is not a field of this request (allowed: ${allowed.join(', ')})`);
  return body as Record<string, unknown>;
}

function optionalText(body: Record<string, unknown>, field: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  return value;
}

function readScopes(value: unknown): Scope[] {
  const names = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string')) {
    throw new ValidationError('scopes', 'must be a non-empty list of scope names');
  }
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0) throw new ValidationError('scopes', `unknown scope ${unknown.join(', ')}`);
  return [...new Set(names as Scope[])];
}

/** /v1/api-keys: create (the key shown once), list, read, rename, revoke. Scope keys:manage. */
export function registerApiKeyRoutes(
  v1: FastifyInstance,
  deps: { database: Database; authenticator: Authenticator; secrets: ServerSecrets },
): void {
  const { db } = deps.database;
  const config = { scope: 'keys:manage' as const };

  v1.post('/api-keys', { config }, async (request, reply) => {
    const body = readBody(request.body, ['name', 'description', 'scopes']);
    const name = optionalText(body, 'name');
    if (!name) throw new ValidationError('name', 'is required');
    const scopes = readScopes(body.scopes);
    // A key never holds more than the credential that creates it.
    const missing = scopes.find((scope) => !request.viewer.scopes.has(scope));
    if (missing) throw new InsufficientScopeError(missing);
    const { id, key } = await createApiKey(db, {
      tenantId: request.viewer.tenantId,
      whiteLabelId: request.viewer.whiteLabelId,
      name,
      description: optionalText(body, 'description') ?? null,
      scopes,
      createdBy: `${request.viewer.credential.kind}:${request.viewer.credential.publicId}`,
    });
    const created = await getKey(db, request.viewer, id);
    return reply
      .status(201)
      .header('location', `/v1/api-keys/${id}`)
      .send({ ...present(created), key });
  });

  v1.get('/api-keys', { config }, async (request, reply) => {
    const cursors = await listCursors(request, deps.secrets);
    const page = readPage(request.query as Record<string, unknown>, cursors);
    const rows = await listKeys(db, request.viewer, { ...page, limit: page.limit + 1 });
    return sendPage(request, reply, rows, page, cursors, present);
  });

  v1.get<{ Params: { id: string } }>('/api-keys/:id', { config }, async (request) =>
    present(await getKey(db, request.viewer, request.params.id)),
  );

  v1.patch<{ Params: { id: string } }>('/api-keys/:id', { config }, async (request) => {
    const body = readBody(request.body, ['name', 'description']);
    const changes: { name?: string; description?: string | null } = {};
    const name = optionalText(body, 'name');
    if (name === null) throw new ValidationError('name', 'must not be null');
    if (name !== undefined) changes.name = name;
    const description = optionalText(body, 'description');
    if (description !== undefined) changes.description = description;
    return present(await renameKey(db, request.viewer, request.params.id, changes));
  });

  v1.delete<{ Params: { id: string } }>('/api-keys/:id', { config }, async (request, reply) => {
    const revoked = await revokeKey(db, request.viewer, request.params.id);
    await deps.authenticator.revoked({ kind: 'api_key', publicId: revoked.public_id });
    return reply.status(204).send();
  });
}
