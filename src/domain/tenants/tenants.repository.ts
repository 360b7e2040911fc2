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
