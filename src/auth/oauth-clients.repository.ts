import type { ReadDb, WriteTx } from '../domain/write.js';

export interface NewOAuthClient {
  tenantId: string;
  whiteLabelId: string | null;
  clientId: string;
  name: string;
  secretHash: string | null;
  scopes: readonly string[];
  dailyQuota: number | null;
}

export async function insertOAuthClient(tx: WriteTx, client: NewOAuthClient) {
  return tx
    .insertInto('oauth_clients')
    .values({
      tenant_id: client.tenantId,
      white_label_id: client.whiteLabelId,
      client_id: client.clientId,
      name: client.name,
      secret_hash: client.secretHash,
      scopes: [...client.scopes],
      daily_quota: client.dailyQuota,
    })
    .returning([
      'id',
      'tenant_id',
      'white_label_id',
      'client_id',
      'name',
      'scopes',
      'daily_quota',
      'created_at',
    ])
    .executeTakeFirstOrThrow();
}

export async function findOAuthClientByClientId(db: ReadDb, clientId: string) {
  return db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function findClientKey(db: ReadDb, oauthClientId: string, kid: string) {
  return db
    .selectFrom('oauth_client_keys')
    .selectAll()
    .where('oauth_client_id', '=', oauthClientId)
    .where('kid', '=', kid)
    .executeTakeFirst();
}

export async function insertClientKey(
  tx: WriteTx,
  key: { tenantId: string; oauthClientId: string; kid: string; publicJwk: Record<string, unknown> },
) {
  return tx
    .insertInto('oauth_client_keys')
    .values({
      tenant_id: key.tenantId,
      oauth_client_id: key.oauthClientId,
      kid: key.kid,
      public_jwk: JSON.stringify(key.publicJwk),
    })
    .returning(['id', 'kid', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listActiveClientKeys(db: ReadDb, oauthClientId: string) {
  return db
    .selectFrom('oauth_client_keys')
    .select(['kid', 'public_jwk'])
    .where('oauth_client_id', '=', oauthClientId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeOAuthClientRow(tx: WriteTx, id: string) {
  return tx
    .updateTable('oauth_clients')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'client_id', 'tenant_id', 'white_label_id', 'revoked_at'])
    .executeTakeFirst();
}
