import { type Kysely, type Migration, Migrator } from 'kysely';
import * as platform from '../../db/migrations/0001-platform.js';
import * as domain from '../../db/migrations/0002-domain.js';

// Listed explicitly (not read from the folder) so the set is typed and identical under tsx and in a
// compiled build. Names sort in the order they apply.
const migrations: Record<string, Migration> = {
  '0001-platform': platform,
  '0002-domain': domain,
};

export interface MigrationReport {
  applied: string[];
}

/** Applies every pending migration; safe to run from several instances at once (Kysely takes a lock). */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before (and below) the typed schema.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`.replace('  ', ' '), {
      cause: error,
    });
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
