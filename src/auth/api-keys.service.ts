import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { isUuid, NotFoundError, requireName, ValidationError } from '../domain/errors.js';
import { type Page, type PageRequest, pageOf } from '../domain/pagination.js';
import { requireTenantScope } from '../domain/tenants/tenants.service.js';
import { type TenantScope, write } from '../domain/write.js';
import {
  type ApiKeyChanges,
  findApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  updateApiKey,
} from './api-keys.repository.js';
import { checkDailyQuota } from './daily-quota-value.js';
import type { Scope } from './scopes.js';
import { hashSecret, randomToken } from './secrets.js';

export interface CreateApiKeyInput {
  tenantId: string;
  whiteLabelId: string | null;
  name: string;
  description?: string | null;
  scopes: readonly Scope[];
  createdBy?: string | null;
  /** Requests a UTC day; null or absent for no quota. */
  dailyQuota?: number | null;
}

function checkDescription(description: string): void {
  if (description.length > 2000) throw new ValidationError('description', 'must be at most 2000 characters');
}

/**
 * An API key is one string, `<public id>.<secret>`: the public id finds the row, the secret is
 * checked against its hash. The whole key is returned here once and never again.
 */
export async function createApiKey(
  db: Kysely<DB>,
  input: CreateApiKeyInput,
): Promise<{ id: string; key: string }> {
  await requireTenantScope(db, input.tenantId, input.whiteLabelId);
  const name = requireName('name', input.name);
  if (input.description) checkDescription(input.description);
  const dailyQuota = checkDailyQuota(input.dailyQuota ?? null);
  const publicId = randomToken('pk_', 12);
  const secret = randomToken('', 32);
  return write(db, { tenantId: input.tenantId, whiteLabelId: input.whiteLabelId }, async (tx, emit) => {
    const row = await insertApiKey(tx, {
      tenantId: input.tenantId,
      whiteLabelId: input.whiteLabelId,
      publicId,
      secretHash: hashSecret(secret),
      name,
      description: input.description ?? null,
      scopes: input.scopes,
      createdBy: input.createdBy ?? null,
      dailyQuota,
    });
    emit({ type: 'api-key.created', resourceId: row.id, data: row });
    return { id: row.id, key: `${publicId}.${secret}` };
  });
}

export type ApiKeyView = NonNullable<Awaited<ReturnType<typeof findApiKey>>>;

/** API keys as a caller manages them: never the secret, never another tenant's or white label's. */
export async function listKeys(
  db: Kysely<DB>,
  scope: TenantScope,
  page: PageRequest,
): Promise<Page<ApiKeyView>> {
  const rows = await listApiKeys(db, scope, { after: page.cursorId, limit: page.limit + 1 });
  return pageOf(rows, page);
}

export async function getKey(db: Kysely<DB>, scope: TenantScope, id: string): Promise<ApiKeyView> {
  const key = isUuid(id) ? await findApiKey(db, scope, id) : undefined;
  if (!key) throw new NotFoundError('api key', id);
  return key;
}

export async function renameKey(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
  changes: ApiKeyChanges,
): Promise<ApiKeyView> {
  if (changes.name !== undefined) changes.name = requireName('name', changes.name);
  if (changes.description) checkDescription(changes.description);
  if (changes.daily_quota !== undefined) checkDailyQuota(changes.daily_quota);
  if (!isUuid(id)) throw new NotFoundError('api key', id);
  // Nothing to change is not a change: answer with the key as it is, and emit nothing.
  if (Object.keys(changes).length === 0) return getKey(db, scope, id);
  return write(db, scope, async (tx, emit) => {
    const key = await updateApiKey(tx, scope, id, changes);
    if (!key) throw new NotFoundError('api key', id);
    emit({ type: 'api-key.updated', resourceId: key.id, data: key, changedFields: Object.keys(changes) });
    return key;
  });
}

/** Revokes at once; the caller tells other instances (Authenticator.revoked) after this commits. */
export async function revokeKey(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
): Promise<{ id: string; public_id: string }> {
  if (!isUuid(id)) throw new NotFoundError('api key', id);
  return write(db, scope, async (tx, emit) => {
    const key = await revokeApiKey(tx, scope, id);
    if (!key) throw new NotFoundError('api key', id);
    emit({ type: 'api-key.revoked', resourceId: key.id, data: key });
    return key;
  });
}

/** Revokes by public id or id, for operators (CLI): no viewer, any tenant. */
export async function revokeKeyAnywhere(
  db: Kysely<DB>,
  idOrPublicId: string,
): Promise<{ id: string; public_id: string }> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'white_label_id'])
    .where((eb) => (isUuid(idOrPublicId) ? eb('id', '=', idOrPublicId) : eb('public_id', '=', idOrPublicId)))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('api key', idOrPublicId);
  return revokeKey(db, { tenantId: row.tenant_id, whiteLabelId: row.white_label_id }, row.id);
}
