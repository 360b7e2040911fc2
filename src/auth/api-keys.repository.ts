import type { WriteTx } from '../domain/write.js';

export interface NewApiKey {
  tenantId: string;
  whiteLabelId: string | null;
  publicId: string;
  secretHash: string;
  name: string;
  description: string | null;
  scopes: readonly string[];
  createdBy: string | null;
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
    })
    .returning([
      'id',
      'tenant_id',
      'white_label_id',
      'public_id',
      'name',
      'description',
      'scopes',
      'created_at',
    ])
    .executeTakeFirstOrThrow();
}
