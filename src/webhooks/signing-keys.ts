import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.js';
import type { ReadDb } from '../domain/write.js';
import type { SecretBox } from '../platform/secret-box.js';

// Each tenant's Ed25519 keys for asymmetric webhook signatures (Standard Webhooks `v1a`). Exactly
// one key per tenant has no retirement date: it is created the first time one is needed (an
// endpoint asking for v1a, the JWK set read), under a transaction-scoped advisory lock so two
// instances never create two. Rotating creates a new key and gives the old one a retirement date:
// until then both sign and both are published, so receivers can add the new public key before
// the old one stops. Private keys are sealed with the secret box; kids are JWK thumbprints.
//
// Keys are the tenant's signing material, like server secrets and token signing keys, not a
// domain change: they are written outside the event log.

/** A published public key: an OKP/Ed25519 JWK with its kid. */
export interface WebhookPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface PublishedSigningKey {
  kid: string;
  jwk: WebhookPublicJwk;
  created_at: Date;
  retires_at: Date | null;
}

const lockKey = (tenantId: string) =>
  sql`pg_advisory_xact_lock(hashtext('portico.webhook_signing_keys'), hashtext(${tenantId}))`;

async function newKey(box: SecretBox) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const exported = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: String(exported.x) };
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    jwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } satisfies WebhookPublicJwk,
    privateKey: box.seal(JSON.stringify(privateKey.export({ format: 'jwk' }))),
  };
}

async function hasCurrentKey(db: ReadDb, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_signing_keys')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('retires_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Creates the tenant's first key if it has no current one, or, with `retireCurrentAt`, a new key
 * that succeeds the current one (which then retires at that time).
 */
async function addKey(
  db: Kysely<DB>,
  box: SecretBox,
  tenantId: string,
  options: { retireCurrentAt?: Date },
): Promise<void> {
  const key = await newKey(box);
  await db.transaction().execute(async (trx) => {
    await sql`select ${lockKey(tenantId)}`.execute(trx);
    if (options.retireCurrentAt) {
      const at = options.retireCurrentAt;
      // The current key retires then; one already retiring later would sign longer than promised.
      await trx
        .updateTable('webhook_signing_keys')
        .set({ retires_at: at })
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', at)]))
        .execute();
    } else if (await hasCurrentKey(trx, tenantId)) {
      return;
    }
    await trx
      .insertInto('webhook_signing_keys')
      .values({
        tenant_id: tenantId,
        kid: key.kid,
        public_jwk: JSON.stringify(key.jwk),
        private_key: key.privateKey,
        encryption: box.encryption,
      })
      .execute();
  });
}

/** Makes sure the tenant has a current signing key (creating its first one when it has none). */
export async function ensureSigningKey(db: Kysely<DB>, box: SecretBox, tenantId: string): Promise<void> {
  if (await hasCurrentKey(db, tenantId)) return;
  await addKey(db, box, tenantId, {});
}

/**
 * A new current key; the previous one keeps signing and stays published until `now + overlapHours`
 * (0: it stops at once).
 */
export async function rotateSigningKey(
  db: Kysely<DB>,
  box: SecretBox,
  tenantId: string,
  overlapHours: number,
  now = new Date(),
): Promise<void> {
  await addKey(db, box, tenantId, { retireCurrentAt: new Date(now.getTime() + overlapHours * 3_600_000) });
}

/** The tenant's keys still in use at `now` (not yet retired), newest first. */
function keysInUse(db: ReadDb, tenantId: string, now: Date) {
  return db
    .selectFrom('webhook_signing_keys')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
}

/** The keys a tenant's receivers must trust at `now`: the current one first, then those retiring. */
export async function publishedSigningKeys(
  db: ReadDb,
  tenantId: string,
  now = new Date(),
): Promise<PublishedSigningKey[]> {
  const rows = await keysInUse(db, tenantId, now)
    .select(['kid', 'public_jwk', 'created_at', 'retires_at'])
    .execute();
  return rows.map((row) => ({
    kid: row.kid,
    jwk: (typeof row.public_jwk === 'string'
      ? JSON.parse(row.public_jwk)
      : row.public_jwk) as WebhookPublicJwk,
    created_at: row.created_at,
    retires_at: row.retires_at,
  }));
}

/** The private keys that sign at `now`, newest first. */
export async function activeSigningKeys(
  db: ReadDb,
  box: SecretBox,
  tenantId: string,
  now = new Date(),
): Promise<{ kid: string; privateKey: KeyObject }[]> {
  const rows = await keysInUse(db, tenantId, now).select(['kid', 'private_key', 'encryption']).execute();
  return rows.map((row) => ({
    kid: row.kid,
    privateKey: createPrivateKey({
      key: JSON.parse(box.open(row.private_key, row.encryption)) as JsonWebKey,
      format: 'jwk',
    }),
  }));
}
