import { randomBytes } from 'node:crypto';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import * as platform from '../db/migrations/0001-platform.js';
import * as domain from '../db/migrations/0002-domain.js';
import * as softDeletes from '../db/migrations/0003-soft-deletes.js';
import * as serverSecrets from '../db/migrations/0004-server-secrets.js';
import * as millisecondTimestamps from '../db/migrations/0005-millisecond-timestamps.js';
import * as custodianConnections from '../db/migrations/0006-custodian-connections.js';
import * as eventStreams from '../db/migrations/0007-event-streams.js';
import * as tenantRateLimits from '../db/migrations/0008-tenant-rate-limits.js';
import * as credentialQuotas from '../db/migrations/0009-credential-quotas.js';
import * as idempotencyRecords from '../db/migrations/0010-idempotency-records.js';
import * as jobRunner from '../db/migrations/0011-job-runner.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { write } from '../src/domain/write.js';
import { type Database, openDatabase } from '../src/platform/database.js';
import { migrateToLatest } from '../src/platform/migrator.js';
import { engines } from './helpers/database.js';
import { databaseUrl, withDatabase } from './helpers/environment.js';

const allMigrations = [
  '0001-platform',
  '0002-domain',
  '0003-soft-deletes',
  '0004-server-secrets',
  '0005-millisecond-timestamps',
  '0006-custodian-connections',
  '0007-event-streams',
  '0008-tenant-rate-limits',
  '0009-credential-quotas',
  '0010-idempotency-records',
  '0011-job-runner',
];

/** A migrator over the same migrations as src/platform/migrator.ts, for stepping down and to a target. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run below the typed schema.
function stepper(db: Kysely<any>): Migrator {
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
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Everything a migration can change, as sorted text: columns, constraints, indexes, triggers. */
// biome-ignore lint/suspicious/noExplicitAny: introspection reads below the typed schema.
async function schemaOf(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ line: string }>`
    select format('column %s.%s %s null=%s default=%s', table_name, column_name, data_type, is_nullable,
      column_default) as line
      from information_schema.columns where table_schema = 'public' and table_name not like 'kysely_%'
    union all
    select format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      from pg_constraint where connamespace = 'public'::regnamespace
    union all
    select format('index %s', indexdef) from pg_indexes
      where schemaname = 'public' and tablename not like 'kysely_%'
    union all
    select format('trigger %s', pg_get_triggerdef(oid)) from pg_trigger where not tgisinternal`.execute(db);
  return rows.map((r) => r.line).sort();
}

const domainTables = [
  'tenants',
  'white_labels',
  'clients',
  'users',
  'role_assignments',
  'legal_entities',
  'legal_entity_ownerships',
  'reporting_entities',
  'depositories',
  'accounts',
  'portfolios',
  'issuers',
  'industries',
  'instruments',
  'instrument_prices',
  'positions',
  'account_holdings',
  'instrument_holdings',
  'lots',
  'cashflows',
  'transactions',
  'performance_results',
  'investment_limits',
  'custodian_snapshots',
];
const platformTables = [
  'oauth_clients',
  'oauth_client_keys',
  'api_keys',
  'signing_keys',
  'events',
  'webhook_endpoints',
  'webhook_secrets',
  'webhook_deliveries',
  'webhook_attempts',
  'idempotency_keys',
  'jobs',
  'custodian_auth_flows',
  'event_streams',
  'webhook_signing_keys',
  'custodian_authorities',
  'credential_usage',
];

/** A database with nothing in it: a new Postgres database, or a PGlite straight out of initdb. */
async function emptyDatabase(engine: string): Promise<Database> {
  if (engine === 'pglite') return openDatabase({ dataDir: null });
  const name = `portico_empty_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const database = await openDatabase({ url: withDatabase(databaseUrl!, name) });
  return {
    ...database,
    close: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: databaseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

describe.each(engines)('migrations on %s', (engine) => {
  const open: Database[] = [];
  afterAll(async () => {
    for (const database of open) await database.close();
  });

  it('build the whole schema from an empty database, once', async () => {
    const database = await emptyDatabase(engine);
    open.push(database);
    expect(await migrateToLatest(database.db)).toEqual({ applied: allMigrations });
    expect(await migrateToLatest(database.db)).toEqual({ applied: [] });
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'`.execute(database.db);
    const names = tables.rows.map((r) => r.table_name);
    for (const table of [...domainTables, ...platformTables]) expect(names).toContain(table);
  });

  it('give every tenant-owned table the shared frame and indexes', async () => {
    const database = open[0]!;
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns where table_schema = 'public'`.execute(
      database.db,
    );
    const has = (table: string, column: string) =>
      columns.rows.some((r) => r.table_name === table && r.column_name === column);
    const indexes = await sql<{ tablename: string; indexdef: string }>`
      select tablename, indexdef from pg_indexes where schemaname = 'public'`.execute(database.db);
    const indexed = (table: string, key: string) =>
      indexes.rows.some((r) => r.tablename === table && r.indexdef.includes(`(${key})`));
    for (const table of domainTables.filter((t) => t !== 'tenants')) {
      for (const column of ['id', 'tenant_id', 'external_reference', 'created_at', 'updated_at']) {
        expect(has(table, column), `${table}.${column}`).toBe(true);
      }
      expect(indexed(table, 'tenant_id, id'), `${table} (tenant_id, id)`).toBe(true);
      expect(indexed(table, 'tenant_id, updated_at, id'), `${table} (tenant_id, updated_at, id)`).toBe(true);
    }
    expect(indexed('transactions', 'tenant_id, account_id, trade_date')).toBe(true);
    expect(indexed('cashflows', 'tenant_id, account_id, value_date')).toBe(true);
    expect(indexed('positions', 'tenant_id, portfolio_id, id')).toBe(true);
    expect(indexed('issuers', 'tenant_id, industry_id')).toBe(true);
    expect(indexed('account_holdings', 'account_id, holding_date')).toBe(true);
    expect(indexed('instrument_holdings', 'depository_id, instrument_id, holding_date')).toBe(true);
  });

  it('undo 0003-soft-deletes exactly, and refuse to while a soft-deleted row would come back', async () => {
    const database = await emptyDatabase(engine);
    open.push(database);
    const migrator = stepper(database.db);
    expect((await migrator.migrateTo('0002-domain')).error).toBeUndefined();
    const before = await schemaOf(database.db);

    const toSoftDeletes = async () => {
      const { error, results } = await migrator.migrateTo('0003-soft-deletes');
      expect(error).toBeUndefined();
      expect(results?.map((result) => result.migrationName)).toEqual(['0003-soft-deletes']);
    };
    await toSoftDeletes();
    expect(await schemaOf(database.db)).not.toEqual(before);
    const down = await migrator.migrateDown();
    expect(down.error).toBeUndefined();
    expect(down.results).toEqual([
      expect.objectContaining({ migrationName: '0003-soft-deletes', status: 'Success' }),
    ]);
    expect(await schemaOf(database.db)).toEqual(before);

    await toSoftDeletes();
    const tenantId = (await createTenant(database.db, 'Down')).id;
    await write(database.db, { tenantId, whiteLabelId: null }, async (tx, emit) => {
      const row = await tx
        .insertInto('industries')
        .values({ tenant_id: tenantId, code: 'IT', name: 'IT', sector: 'Technology', deleted_at: new Date() })
        .returningAll()
        .executeTakeFirstOrThrow();
      emit({ type: 'industry.deleted', resourceId: row.id, data: row });
    });
    const refused = await migrator.migrateDown();
    expect(String(refused.error)).toContain('soft-deleted rows remain in industries');
    expect(await migrateToLatest(database.db)).toEqual({ applied: allMigrations.slice(3) });
  });

  // Each migration after the soft deletes only adds: stepping down leaves exactly the schema before it.
  it.each(allMigrations.slice(5).map((name, index) => [name, allMigrations[index + 4] as string]))(
    'undo %s exactly',
    async (migration, previous) => {
      const database = await emptyDatabase(engine);
      open.push(database);
      const migrator = stepper(database.db);
      expect((await migrator.migrateTo(previous)).error).toBeUndefined();
      const before = await schemaOf(database.db);
      expect((await migrator.migrateTo(migration)).error).toBeUndefined();
      expect(await schemaOf(database.db)).not.toEqual(before);
      expect((await migrator.migrateDown()).error).toBeUndefined();
      expect(await schemaOf(database.db)).toEqual(before);
    },
  );

  it('keep money exact: numeric columns, never floating point', async () => {
    const database = open[0]!;
    const floats = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('real', 'double precision')`.execute(database.db);
    expect(floats.rows).toEqual([]);
  });
});
