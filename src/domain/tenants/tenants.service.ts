import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DB } from '../../../db/types.js';
import { ConflictError, isUuid, NotFoundError, requireName } from '../errors.js';
import { write } from '../write.js';
import {
  findTenant,
  findWhiteLabel,
  findWhiteLabelByName,
  insertTenant,
  insertWhiteLabel,
  updateTenantRateLimits,
} from './tenants.repository.js';

/** Looks a tenant up by id; a malformed id is simply one that does not exist. */
export async function requireTenant(db: Kysely<DB>, id: string) {
  const tenant = isUuid(id) ? await findTenant(db, id) : undefined;
  if (!tenant) throw new NotFoundError('tenant', id);
  return tenant;
}

export async function requireWhiteLabel(db: Kysely<DB>, tenantId: string, id: string) {
  const whiteLabel = isUuid(id) ? await findWhiteLabel(db, tenantId, id) : undefined;
  if (!whiteLabel) throw new NotFoundError('white label', id);
  return whiteLabel;
}

/** Checks a write's scope: the tenant exists and the white label, when given, is one of its own. */
export async function requireTenantScope(
  db: Kysely<DB>,
  tenantId: string,
  whiteLabelId: string | null,
): Promise<void> {
  await requireTenant(db, tenantId);
  if (whiteLabelId) await requireWhiteLabel(db, tenantId, whiteLabelId);
}

export async function createTenant(db: Kysely<DB>, name: string): Promise<{ id: string }> {
  // Generated here because the event that records the creation is scoped to the new tenant's id.
  const id = uuidv7();
  const checked = requireName('name', name);
  return write(db, { tenantId: id, whiteLabelId: null }, async (tx, emit) => {
    const row = await insertTenant(tx, { id, name: checked });
    emit({ type: 'tenant.created', resourceId: row.id, data: row });
    return { id: row.id };
  });
}

/**
 * Sets a tenant's rate limit (requests a minute, burst); running instances pick it up within 30 s.
 * Null returns a value to the deployment's default.
 */
export async function setTenantRateLimits(
  db: Kysely<DB>,
  id: string,
  limits: { perMinute: number | null; burst: number | null },
): Promise<{ tenant_id: string; per_minute: number | null; burst: number | null }> {
  const tenant = await requireTenant(db, id);
  return write(db, { tenantId: tenant.id, whiteLabelId: null }, async (tx, emit) => {
    const row = await updateTenantRateLimits(tx, tenant.id, limits);
    emit({
      type: 'tenant.updated',
      resourceId: row.id,
      data: row,
      changedFields: ['rate_limit_per_minute', 'rate_limit_burst'],
    });
    return { tenant_id: row.id, per_minute: row.rate_limit_per_minute, burst: row.rate_limit_burst };
  });
}

export async function createWhiteLabel(
  db: Kysely<DB>,
  tenantId: string,
  name: string,
): Promise<{ id: string }> {
  const checked = requireName('name', name);
  await requireTenant(db, tenantId);
  if (await findWhiteLabelByName(db, tenantId, checked)) {
    throw new ConflictError(`tenant ${tenantId} already has a white label named ${checked}`);
  }
  return write(db, { tenantId, whiteLabelId: null }, async (tx, emit) => {
    const row = await insertWhiteLabel(tx, tenantId, checked);
    emit({ type: 'white-label.created', resourceId: row.id, data: row, whiteLabelId: row.id });
    return { id: row.id };
  });
}
