import { sql } from 'kysely';
import type { ReadDb } from '../domain/write.js';

// Signing keys belong to the deployment, not to a tenant, so they live outside the tenant write path.

/** Keys that may still verify a token: current, or retired less than `graceSeconds` ago. */
export async function listPublishedKeys(db: ReadDb, graceSeconds: number) {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('retired_at', 'is', null),
        eb('retired_at', '>', sql<Date>`now() - make_interval(secs => ${graceSeconds}::int)`),
      ]),
    )
    .where('activated_at', 'is not', null)
    .orderBy('activated_at', 'desc')
    .execute();
}

export async function findCurrentSigningKid(db: ReadDb): Promise<string | undefined> {
  const row = await db
    .selectFrom('signing_keys')
    .select('kid')
    .where('retired_at', 'is', null)
    .where('activated_at', 'is not', null)
    .executeTakeFirst();
  return row?.kid;
}

export interface NewSigningKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKey: string;
  encryption: string;
}

/**
 * Makes `key` the one current signing key (retiring the previous one) under a transaction-scoped
 * advisory lock, so instances starting together never create two current keys. With
 * `onlyIfNone`, an existing current key wins and nothing is inserted.
 */
export async function activateSigningKey(
  db: ReadDb,
  key: NewSigningKey,
  options: { onlyIfNone: boolean },
): Promise<{ kid: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('portico.signing_keys'))`.execute(trx);
    const current = await findCurrentSigningKid(trx);
    if (current && options.onlyIfNone) return { kid: current, created: false };
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: sql`now()` })
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        public_jwk: JSON.stringify(key.publicJwk),
        private_key: key.privateKey,
        encryption: key.encryption,
        activated_at: sql`now()`,
      })
      .execute();
    return { kid: key.kid, created: true };
  });
}
