import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import * as platform from '../../db/migrations/0001-platform.js';
import * as domain from '../../db/migrations/0002-domain.js';
import * as softDeletes from '../../db/migrations/0003-soft-deletes.js';
import * as serverSecrets from '../../db/migrations/0004-server-secrets.js';
import * as millisecondTimestamps from '../../db/migrations/0005-millisecond-timestamps.js';
import * as custodianConnections from '../../db/migrations/0006-custodian-connections.js';
import * as eventStreams from '../../db/migrations/0007-event-streams.js';
import * as tenantRateLimits from '../../db/migrations/0008-tenant-rate-limits.js';
import * as credentialQuotas from '../../db/migrations/0009-credential-quotas.js';
import * as idempotencyRecords from '../../db/migrations/0010-idempotency-records.js';
import * as jobRunner from '../../db/migrations/0011-job-runner.js';

// Listed explicitly (not read from the folder) so the set is typed and identical under tsx and in a
// compiled build. Names sort in the order they apply.
const migrations: Record<string, Migration> = {
  '0001-platform': platform,
  '0002-domain': domain,
  '0003-soft-deletes': softDeletes,
  '0004-server-secrets': serverSecrets,
  '0005-millisecond-timestamps': millisecondTimestamps,
  '0006-custodian-connections': custodianConnections,
  '0007-event-streams': eventStreams,
  '0008-tenant-rate-limits': tenantRateLimits,
  '0009-credential-quotas': credentialQuotas,
  '0010-idempotency-records': idempotencyRecords,
  '0011-job-runner': jobRunner,
};

/** Every migration this build knows, in the order they apply. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies every pending migration; safe to run from several instances at once (Kysely takes a lock).
 * Most starts find nothing to do, so one read answers that before the migrator's own half-dozen
 * statements of lock tables and locking.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before (and below) the typed schema.
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  if (await everyMigrationApplied(db)) return { applied: [] };
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

// biome-ignore lint/suspicious/noExplicitAny: see migrateToLatest.
async function everyMigrationApplied(db: Kysely<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((row) => row.name));
    return Object.keys(migrations).every((name) => applied.has(name));
  } catch {
    return false; // no migration table yet: a new database
  }
}
