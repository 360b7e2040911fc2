import { type Kysely, sql } from 'kysely';

// Soft deletes for the wealth domain: a deleted row keeps its id with deleted_at set, ordinary reads
// skip it, and v1 delta reads report it as a tombstone. Setting deleted_at is an update, so each
// table's <table>_touch trigger (before update, every column) moves updated_at with it and the
// existing (tenant_id, updated_at, id) index serves tombstone deltas unchanged.
//
// Natural keys only bind live rows: each table-level unique constraint of 0002 becomes a unique index
// on the same columns where deleted_at is null, so a deleted row never blocks re-creating its key.
// The dropped constraints carry the names Postgres generated for them in 0002 (note the 63-byte
// truncation of the instrument_holdings one); down restores them under those same names.

/** The wealth domain's tables as 0002 created them (0005 retypes the same ones). */
export const domainTables = [
  'industries',
  'issuers',
  'instruments',
  'instrument_prices',
  'clients',
  'users',
  'legal_entities',
  'legal_entity_ownerships',
  'reporting_entities',
  'role_assignments',
  'depositories',
  'accounts',
  'portfolios',
  'positions',
  'account_holdings',
  'instrument_holdings',
  'lots',
  'cashflows',
  'transactions',
  'performance_results',
  'investment_limits',
];

interface NaturalKey {
  table: string;
  /** The constraint 0002 created, as Postgres named it. */
  constraint: string;
  /** The partial unique index that replaces it. */
  index: string;
  columns: string;
}

const naturalKeys: NaturalKey[] = [
  {
    table: 'industries',
    constraint: 'industries_tenant_id_code_key',
    index: 'industries_code_key',
    columns: 'tenant_id, code',
  },
  {
    table: 'instruments',
    constraint: 'instruments_tenant_id_isin_key',
    index: 'instruments_isin_key',
    columns: 'tenant_id, isin',
  },
  {
    table: 'instrument_prices',
    constraint: 'instrument_prices_instrument_id_price_date_key',
    index: 'instrument_prices_date_key',
    columns: 'instrument_id, price_date',
  },
  {
    table: 'users',
    constraint: 'users_client_id_email_key',
    index: 'users_email_key',
    columns: 'client_id, email',
  },
  {
    table: 'legal_entity_ownerships',
    constraint: 'legal_entity_ownerships_owner_id_owned_id_key',
    index: 'legal_entity_ownerships_pair_key',
    columns: 'owner_id, owned_id',
  },
  {
    table: 'positions',
    constraint: 'positions_account_id_portfolio_id_instrument_id_key',
    index: 'positions_instrument_key',
    columns: 'account_id, portfolio_id, instrument_id',
  },
  {
    table: 'account_holdings',
    constraint: 'account_holdings_account_id_holding_date_key',
    index: 'account_holdings_date_key',
    columns: 'account_id, holding_date',
  },
  {
    table: 'instrument_holdings',
    constraint: 'instrument_holdings_depository_id_instrument_id_holding_dat_key',
    index: 'instrument_holdings_date_key',
    columns: 'depository_id, instrument_id, holding_date',
  },
  {
    table: 'performance_results',
    constraint: 'performance_results_portfolio_id_period_start_period_end_key',
    index: 'performance_results_period_key',
    columns: 'portfolio_id, period_start, period_end',
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    ...domainTables.map(
      (table) => `alter table ${table} add column deleted_at timestamptz;
        create index ${table}_live_page_idx on ${table} (tenant_id, id) where deleted_at is null;`,
    ),
    ...naturalKeys.map(
      ({ table, constraint, index, columns }) => `alter table ${table} drop constraint ${constraint};
        create unique index ${index} on ${table} (${columns}) where deleted_at is null;`,
    ),
  ];
  await sql.raw(statements.join('\n')).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Dropping deleted_at would bring every deleted row back to life (and could make the restored
  // constraints fail on a re-created key), so down refuses while any soft-deleted row remains.
  const deleted = await sql<{ table_name: string }>`${sql.raw(
    domainTables
      .map(
        (table) =>
          `select '${table}' as table_name where exists (select from ${table} where deleted_at is not null)`,
      )
      .join(' union all '),
  )}`.execute(db);
  if (deleted.rows.length > 0) {
    const tables = deleted.rows.map((row) => row.table_name).join(', ');
    throw new Error(`Cannot undo 0003-soft-deletes: soft-deleted rows remain in ${tables}; purge them first`);
  }
  const statements = [
    ...naturalKeys.map(
      ({ table, constraint, index, columns }) => `drop index ${index};
        alter table ${table} add constraint ${constraint} unique (${columns});`,
    ),
    ...domainTables.map(
      (table) => `drop index ${table}_live_page_idx;
        alter table ${table} drop column deleted_at;`,
    ),
  ];
  await sql.raw(statements.join('\n')).execute(db);
}
