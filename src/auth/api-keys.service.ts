import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { ValidationError } from '../domain/errors.js';
import { requireTenantScope } from '../domain/tenants/tenants.service.js';
import { write } from '../domain/write.js';
import { insertApiKey } from './api-keys.repository.js';
import type { Scope } from './scopes.js';
import { hashSecret, randomToken } from './secrets.js';

export interface CreateApiKeyInput {
  tenantId: string;
  whiteLabelId: string | null;
  name: string;
  description?: string | null;
  scopes: readonly Scope[];
  createdBy?: string | null;
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
  const name = input.name.trim();
  if (name === '' || name.length > 200) throw new ValidationError('name', 'must be 1-200 characters');
  if (input.description && input.description.length > 2000) {
    throw new ValidationError('description', 'must be at most 2000 characters');
  }
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
    });
    emit({ type: 'api_key.created', resourceId: row.id, data: row });
    return { id: row.id, key: `${publicId}.${secret}` };
  });
}
