import type { ReadDb } from '../domain/write.js';
import type { Viewer } from './viewer.js';

/** A credential's daily quota, null when it has none (or no longer exists). */
export async function findDailyQuota(
  db: ReadDb,
  credential: Pick<Viewer['credential'], 'kind' | 'id'>,
): Promise<number | null> {
  const row =
    credential.kind === 'api_key'
      ? await db
          .selectFrom('api_keys')
          .select('daily_quota')
          .where('id', '=', credential.id)
          .executeTakeFirst()
      : await db
          .selectFrom('oauth_clients')
          .select('daily_quota')
          .where('client_id', '=', credential.id)
          .executeTakeFirst();
  return row?.daily_quota ?? null;
}
