import type { ReadDb, WriteTx } from '../write.js';

export async function insertTenant(
  tx: WriteTx,
  values: { id: string; name: string; externalReference?: string | null },
) {
  return tx
    .insertInto('tenants')
    .values({ id: values.id, name: values.name, external_reference: values.externalReference ?? null })
    .returning(['id', 'name', 'external_reference', 'created_at', 'updated_at'])
    .executeTakeFirstOrThrow();
}

/** The tenant's rate-limit override; null leaves a value at the deployment's default. */
export async function updateTenantRateLimits(
  tx: WriteTx,
  id: string,
  limits: { perMinute: number | null; burst: number | null },
) {
  return tx
    .updateTable('tenants')
    .set({ rate_limit_per_minute: limits.perMinute, rate_limit_burst: limits.burst })
    .where('id', '=', id)
    .returning(['id', 'name', 'rate_limit_per_minute', 'rate_limit_burst', 'updated_at'])
    .executeTakeFirstOrThrow();
}

export async function findTenant(db: ReadDb, id: string) {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertWhiteLabel(tx: WriteTx, tenantId: string, name: string) {
  return tx
    .insertInto('white_labels')
    .values({ tenant_id: tenantId, name })
    .returning(['id', 'tenant_id', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function findWhiteLabel(db: ReadDb, tenantId: string, id: string) {
  return db
    .selectFrom('white_labels')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findWhiteLabelByName(db: ReadDb, tenantId: string, name: string) {
  return db
    .selectFrom('white_labels')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
}
