import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/platform/database.js';
import { migrateToLatest } from '../src/platform/migrator.js';
import { engines } from './helpers/database.js';
import { databaseUrl, withDatabase } from './helpers/environment.js';

const allMigrations = ['0001-platform', '0002-domain'];

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

  it('keep money exact: numeric columns, never floating point', async () => {
    const database = open[0]!;
    const floats = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('real', 'double precision')`.execute(database.db);
    expect(floats.rows).toEqual([]);
  });
});
