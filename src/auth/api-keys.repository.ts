import { sql } from 'kysely';
import { visibleTo } from '../domain/visibility.js';
import type { ReadDb, TenantScope, WriteTx } from '../domain/write.js';

export interface NewApiKey {
  tenantId: string;
  whiteLabelId: string | null;
  publicId: string;
  secretHash: string;
  name: string;
  description: string | null;
  scopes: readonly string[];
  createdBy: string | null;
  dailyQuota: number | null;
}

export async function insertApiKey(tx: WriteTx, key: NewApiKey) {
  return tx
    .insertInto('api_keys')
    .values({
      tenant_id: key.tenantId,
      white_label_id: key.whiteLabelId,
      public_id: key.publicId,
      secret_hash: key.secretHash,
      name: key.name,
      description: key.description,
      scopes: [...key.scopes],
      created_by: key.createdBy,
      daily_quota: key.dailyQuota,
    })
    .returning([
      'id',
      'tenant_id',
      'white_label_id',
      'public_id',
      'name',
      'description',
      'scopes',
      'daily_quota',
      'created_at',
    ])
    .executeTakeFirstOrThrow();
}

/** The keys a caller may see: its tenant, its white label when it has one, never revoked ones. */
function visibleKeys(db: ReadDb, scope: TenantScope) {
  return visibleTo(db.selectFrom('api_keys'), scope, 'api_keys', { whiteLabel: true }).where(
    'revoked_at',
    'is',
    null,
  );
}

export const apiKeyColumns = [
  'id',
  'public_id',
  'name',
  'description',
  'scopes',
  'white_label_id',
  'created_at',
  'updated_at',
  'last_used_at',
  'expires_at',
  'daily_quota',
] as const;

export async function listApiKeys(db: ReadDb, scope: TenantScope, page: { after?: string; limit: number }) {
  let query = visibleKeys(db, scope).select(apiKeyColumns).orderBy('id').limit(page.limit);
  if (page.after) query = query.where('id', '>', page.after);
  return query.execute();
}

export async function findApiKey(db: ReadDb, scope: TenantScope, id: string) {
  return visibleKeys(db, scope).select(apiKeyColumns).where('id', '=', id).executeTakeFirst();
}

/** What a caller may change on a key, by column. */
export interface ApiKeyChanges {
  name?: string;
  description?: string | null;
  daily_quota?: number | null;
}

export async function updateApiKey(tx: WriteTx, scope: TenantScope, id: string, changes: ApiKeyChanges) {
  return visibleTo(tx.updateTable('api_keys').set(changes), scope, 'api_keys', { whiteLabel: true })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(apiKeyColumns)
    .executeTakeFirst();
}

export async function revokeApiKey(tx: WriteTx, scope: TenantScope, id: string) {
  return visibleTo(tx.updateTable('api_keys').set({ revoked_at: new Date() }), scope, 'api_keys', {
    whiteLabel: true,
  })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'public_id'])
    .executeTakeFirst();
}

/** Authentication looks a key up by its public id alone: the tenant comes from the key. */
export async function findApiKeyForAuthentication(db: ReadDb, publicId: string) {
  return db
    .selectFrom('api_keys')
    .select([
      'id',
      'tenant_id',
      'white_label_id',
      'public_id',
      'secret_hash',
      'scopes',
      'revoked_at',
      'expires_at',
    ])
    .where('public_id', '=', publicId)
    .executeTakeFirst();
}

/** Last-used times are buffered in memory and written in one statement per flush. */
export async function recordApiKeysUsed(db: ReadDb, used: ReadonlyMap<string, Date>): Promise<void> {
  if (used.size === 0) return;
  const values = [...used].map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`);
  await sql`
    update api_keys set last_used_at = greatest(api_keys.last_used_at, used.at)
    from (values ${sql.join(values)}) as used(id, at)
    where api_keys.id = used.id`.execute(db);
}
