import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { SecretBox } from './secret-box.js';

/**
 * Secrets every instance must share (migration 0004): each is created by whichever instance asks
 * first and read by the rest; asked for once per process. Sealed by the secret box at rest.
 */
export interface ServerSecrets {
  get(name: string): Promise<Buffer>;
}

export function serverSecrets(db: Kysely<DB>, box: SecretBox): ServerSecrets {
  const loaded = new Map<string, Promise<Buffer>>();
  const load = async (name: string): Promise<Buffer> => {
    await db
      .insertInto('server_secrets')
      .values({ name, secret: box.seal(randomBytes(32).toString('base64url')), encryption: box.encryption })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('server_secrets')
      .select(['secret', 'encryption'])
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return Buffer.from(box.open(row.secret, row.encryption), 'base64url');
  };
  return {
    get(name) {
      let secret = loaded.get(name);
      if (!secret) {
        secret = load(name);
        // A failed load (the database briefly away) is tried again by the next request.
        secret.catch(() => loaded.delete(name));
        loaded.set(name, secret);
      }
      return secret;
    },
  };
}
