import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { SecretBox } from '../platform/secret-box.js';
import { activeSigningKeys, ensureSigningKey } from './signing-keys.js';

// What signs one delivery (signing.ts's signatureHeader takes it as is): the endpoint's secrets
// that have not expired at `now`, newest first, when it signs with v1; its tenant's unretired
// Ed25519 keys, newest first, when it signs with v1a (the first key is created here if the tenant
// has none yet). During a rotation's overlap both the old and the new credential are returned.

export interface SigningMaterial {
  /** whsec_… secrets, newest first. */
  secrets: string[];
  keys: { kid: string; privateKey: KeyObject }[];
}

export async function signingMaterial(
  db: Kysely<DB>,
  box: SecretBox,
  tenantId: string,
  endpoint: { id: string; signatures: 'v1' | 'v1a' | 'both' },
  now: Date,
): Promise<SigningMaterial> {
  const secrets =
    endpoint.signatures === 'v1a'
      ? []
      : (
          await db
            .selectFrom('webhook_secrets')
            .select(['secret', 'encryption'])
            .where('tenant_id', '=', tenantId)
            .where('endpoint_id', '=', endpoint.id)
            .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .execute()
        ).map((row) => box.open(row.secret, row.encryption));
  if (endpoint.signatures === 'v1') return { secrets, keys: [] };
  let keys = await activeSigningKeys(db, box, tenantId, now);
  if (keys.length === 0) {
    await ensureSigningKey(db, box, tenantId);
    keys = await activeSigningKeys(db, box, tenantId, now);
  }
  return { secrets, keys };
}
