import { type Kysely, type RawBuilder, sql } from 'kysely';

// The wealth domain. Every table here is tenant-owned and shares the same frame (see ownedTable):
// a time-ordered id, tenant, optional external reference, database-maintained timestamps, and the
// indexes cursor pagination (tenant_id, id), delta reads (tenant_id, updated_at, id) and reference
// lookups need. Client-owned tables also carry client_id and the client's white label, so a
// white-label-scoped credential is enforced with one predicate and no join.

type Ownership = 'tenant' | 'client';

function ownedTable(name: string, owner: Ownership, columns: string, extra = ''): RawBuilder<unknown> {
  const clientColumns =
    owner === 'client'
      ? `white_label_id uuid references white_labels(id) on delete cascade,
      client_id uuid not null references clients(id) on delete cascade,`
      : '';
  const clientIndex =
    owner === 'client' ? `create index ${name}_client_idx on ${name} (tenant_id, client_id);` : '';
  return sql.raw(`
    create table ${name} (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      ${clientColumns}
      ${columns},
      external_reference varchar(256) check (external_reference ~ '^[A-Za-z0-9 _-]*$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
      ${extra ? `, ${extra}` : ''}
    );
    create index ${name}_page_idx on ${name} (tenant_id, id);
    create index ${name}_updated_idx on ${name} (tenant_id, updated_at, id);
    create index ${name}_external_reference_idx on ${name} (tenant_id, external_reference)
      where external_reference is not null;
    ${clientIndex}
    create trigger ${name}_touch before update on ${name}
      for each row execute function portico_touch_updated_at();
  `);
}

const currency = `char(3) not null check (currency ~ '^[A-Z]{3}$')`;
const money = 'numeric(24, 6)';
const quantity = 'numeric(28, 10)';

export async function up(db: Kysely<unknown>): Promise<void> {
  const tables = [
    ownedTable(
      'industries',
      'tenant',
      `code text not null check (length(code) between 1 and 32),
       name text not null check (length(name) between 1 and 200),
       sector text not null check (length(sector) between 1 and 200)`,
      'unique (tenant_id, code)',
    ),
    ownedTable(
      'issuers',
      'tenant',
      `name text not null check (length(name) between 1 and 200),
       industry_id uuid references industries(id) on delete set null,
       country char(2) check (country ~ '^[A-Z]{2}$'),
       lei char(20) check (lei ~ '^[A-Z0-9]{20}$')`,
    ),
    sql.raw('create index issuers_industry_idx on issuers (tenant_id, industry_id);'),
    ownedTable(
      'instruments',
      'tenant',
      `isin char(12) check (isin ~ '^[A-Z]{2}[A-Z0-9]{9}[0-9]$'),
       name text not null check (length(name) between 1 and 200),
       kind text not null check (kind in ('bond', 'loan', 'equity', 'fund', 'etf', 'cash', 'deposit')),
       currency ${currency},
       issuer_id uuid references issuers(id) on delete set null,
       maturity_date date,
       coupon_rate numeric(12, 8) check (coupon_rate >= 0),
       coupon_frequency smallint check (coupon_frequency in (1, 2, 4, 12))`,
      'unique (tenant_id, isin)',
    ),
    sql.raw(`create index instruments_issuer_idx on instruments (tenant_id, issuer_id);
      create index instruments_kind_idx on instruments (tenant_id, kind);`),
    ownedTable(
      'instrument_prices',
      'tenant',
      `instrument_id uuid not null references instruments(id) on delete cascade,
       price_date date not null,
       price ${quantity} not null check (price >= 0),
       currency ${currency}`,
      'unique (instrument_id, price_date)',
    ),
    sql.raw('create index instrument_prices_date_idx on instrument_prices (tenant_id, price_date);'),
    ownedTable(
      'clients',
      'tenant',
      `white_label_id uuid references white_labels(id) on delete cascade,
       name text not null check (length(name) between 1 and 200),
       kind text not null default 'family' check (kind in ('individual', 'family', 'institution')),
       base_currency char(3) not null default 'EUR' check (base_currency ~ '^[A-Z]{3}$')`,
    ),
    sql.raw('create index clients_white_label_idx on clients (tenant_id, white_label_id, id);'),
    ownedTable(
      'users',
      'client',
      `name text not null check (length(name) between 1 and 200),
       email text not null check (email ~ '^[^@\\s]+@[^@\\s]+$' and length(email) <= 320)`,
      'unique (client_id, email)',
    ),
    ownedTable(
      'legal_entities',
      'client',
      `name text not null check (length(name) between 1 and 200),
       kind text not null check (kind in ('person', 'company', 'trust', 'foundation', 'partnership')),
       country char(2) check (country ~ '^[A-Z]{2}$'),
       registration_number text check (length(registration_number) <= 64)`,
    ),
    ownedTable(
      'legal_entity_ownerships',
      'client',
      `owner_id uuid not null references legal_entities(id) on delete cascade,
       owned_id uuid not null references legal_entities(id) on delete cascade,
       share_percent numeric(7, 4) not null check (share_percent > 0 and share_percent <= 100)`,
      'unique (owner_id, owned_id), check (owner_id <> owned_id)',
    ),
    sql.raw('create index legal_entity_ownerships_owned_idx on legal_entity_ownerships (owned_id);'),
    ownedTable(
      'reporting_entities',
      'client',
      `parent_id uuid references reporting_entities(id) on delete cascade,
       legal_entity_id uuid references legal_entities(id) on delete set null,
       name text not null check (length(name) between 1 and 200)`,
      'check (parent_id <> id)',
    ),
    sql.raw('create index reporting_entities_parent_idx on reporting_entities (parent_id);'),
    ownedTable(
      'role_assignments',
      'client',
      `user_id uuid not null references users(id) on delete cascade,
       role text not null check (role in ('owner', 'admin', 'advisor', 'viewer')),
       legal_entity_id uuid references legal_entities(id) on delete cascade,
       reporting_entity_id uuid references reporting_entities(id) on delete cascade`,
    ),
    sql.raw('create index role_assignments_user_idx on role_assignments (user_id);'),
    ownedTable(
      'depositories',
      'client',
      `name text not null check (length(name) between 1 and 200),
       bic text check (bic ~ '^[A-Z0-9]{8}([A-Z0-9]{3})?$')`,
    ),
    ownedTable(
      'accounts',
      'client',
      `legal_entity_id uuid references legal_entities(id) on delete set null,
       depository_id uuid references depositories(id) on delete set null,
       name text not null check (length(name) between 1 and 200),
       account_number text check (length(account_number) <= 64),
       kind text not null default 'custody' check (kind in ('custody', 'cash', 'margin')),
       currency ${currency},
       opened_on date,
       closed_on date`,
    ),
    sql.raw('create index accounts_depository_idx on accounts (tenant_id, depository_id);'),
    ownedTable(
      'portfolios',
      'client',
      `reporting_entity_id uuid references reporting_entities(id) on delete set null,
       name text not null check (length(name) between 1 and 200),
       base_currency char(3) not null check (base_currency ~ '^[A-Z]{3}$')`,
    ),
    ownedTable(
      'positions',
      'client',
      `portfolio_id uuid not null references portfolios(id) on delete cascade,
       account_id uuid not null references accounts(id) on delete cascade,
       instrument_id uuid not null references instruments(id) on delete restrict,
       quantity ${quantity},
       par ${money},
       cost ${money},
       mark_price ${quantity},
       market_value ${money},
       currency ${currency},
       as_of date not null`,
      // A position is held either as a unit quantity (equities, funds) or a par amount (bonds, loans).
      'check ((quantity is null) <> (par is null)), unique (account_id, portfolio_id, instrument_id)',
    ),
    sql.raw(`create index positions_portfolio_idx on positions (tenant_id, portfolio_id, id);
      create index positions_account_idx on positions (tenant_id, account_id, id);
      create index positions_instrument_idx on positions (tenant_id, instrument_id);`),
    ownedTable(
      'account_holdings',
      'client',
      `account_id uuid not null references accounts(id) on delete cascade,
       holding_date date not null,
       market_value ${money} not null,
       cash_balance ${money} not null default 0,
       currency ${currency},
       lines jsonb not null default '[]'`,
      'unique (account_id, holding_date)',
    ),
    sql.raw('create index account_holdings_date_idx on account_holdings (tenant_id, holding_date);'),
    ownedTable(
      'instrument_holdings',
      'client',
      `depository_id uuid not null references depositories(id) on delete cascade,
       instrument_id uuid not null references instruments(id) on delete restrict,
       holding_date date not null,
       quantity ${quantity} not null,
       market_value ${money},
       currency ${currency}`,
      'unique (depository_id, instrument_id, holding_date)',
    ),
    sql.raw(`create index instrument_holdings_instrument_idx on instrument_holdings (tenant_id, instrument_id, holding_date);
      create index instrument_holdings_date_idx on instrument_holdings (tenant_id, holding_date);`),
    ownedTable(
      'lots',
      'client',
      `account_id uuid not null references accounts(id) on delete cascade,
       position_id uuid references positions(id) on delete cascade,
       instrument_id uuid not null references instruments(id) on delete restrict,
       acquired_on date not null,
       quantity ${quantity} not null check (quantity > 0),
       cost_price ${quantity} not null,
       cost ${money} not null,
       currency ${currency},
       closed_on date`,
    ),
    sql.raw(`create index lots_account_idx on lots (tenant_id, account_id, id);
      create index lots_position_idx on lots (position_id);
      create index lots_instrument_idx on lots (tenant_id, instrument_id);`),
    ownedTable(
      'cashflows',
      'client',
      `account_id uuid not null references accounts(id) on delete cascade,
       portfolio_id uuid references portfolios(id) on delete set null,
       position_id uuid references positions(id) on delete set null,
       instrument_id uuid references instruments(id) on delete restrict,
       kind text not null check (kind in ('coupon', 'principal', 'dividend', 'fee', 'interest', 'deposit', 'withdrawal', 'tax')),
       status text not null check (status in ('expected', 'posted')),
       amount ${money} not null,
       currency ${currency},
       value_date date not null`,
    ),
    sql.raw(`create index cashflows_account_idx on cashflows (tenant_id, account_id, value_date);
      create index cashflows_value_date_idx on cashflows (tenant_id, value_date);
      create index cashflows_portfolio_idx on cashflows (tenant_id, portfolio_id, id);
      create index cashflows_position_idx on cashflows (position_id);
      create index cashflows_instrument_idx on cashflows (tenant_id, instrument_id);`),
    ownedTable(
      'transactions',
      'client',
      `account_id uuid not null references accounts(id) on delete cascade,
       portfolio_id uuid references portfolios(id) on delete set null,
       instrument_id uuid references instruments(id) on delete restrict,
       kind text not null check (kind in ('buy', 'sell', 'deposit', 'withdrawal', 'coupon', 'dividend', 'fee', 'interest', 'transfer_in', 'transfer_out', 'tax')),
       trade_date date not null,
       settle_date date,
       quantity ${quantity},
       price ${quantity},
       amount ${money} not null,
       currency ${currency},
       description text check (length(description) <= 500)`,
    ),
    sql.raw(`create index transactions_account_idx on transactions (tenant_id, account_id, trade_date);
      create index transactions_trade_date_idx on transactions (tenant_id, trade_date);
      create index transactions_portfolio_idx on transactions (tenant_id, portfolio_id, id);
      create index transactions_instrument_idx on transactions (tenant_id, instrument_id);`),
    ownedTable(
      'performance_results',
      'client',
      `portfolio_id uuid not null references portfolios(id) on delete cascade,
       period_start date not null,
       period_end date not null,
       currency ${currency},
       start_value ${money} not null,
       end_value ${money} not null,
       net_flows ${money} not null default 0,
       time_weighted_return numeric(18, 10) not null,
       money_weighted_return numeric(18, 10)`,
      'unique (portfolio_id, period_start, period_end), check (period_end >= period_start)',
    ),
    sql.raw(
      'create index performance_results_portfolio_idx on performance_results (tenant_id, portfolio_id, period_end);',
    ),
    ownedTable(
      'investment_limits',
      'client',
      `portfolio_id uuid not null references portfolios(id) on delete cascade,
       name text not null check (length(name) between 1 and 200),
       kind text not null check (kind in ('max_issuer_weight', 'max_industry_weight', 'max_instrument_weight', 'min_cash_weight', 'max_currency_weight')),
       target text check (length(target) <= 64),
       min_percent numeric(7, 4) check (min_percent between 0 and 100),
       max_percent numeric(7, 4) check (max_percent between 0 and 100)`,
      'check (min_percent is not null or max_percent is not null)',
    ),
    sql.raw('create index investment_limits_portfolio_idx on investment_limits (tenant_id, portfolio_id);'),
  ];
  for (const statement of tables) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table investment_limits, performance_results, transactions, cashflows, lots,
      instrument_holdings, account_holdings, positions, portfolios, accounts, depositories,
      role_assignments, reporting_entities, legal_entity_ownerships, legal_entities, users, clients,
      instrument_prices, instruments, issuers, industries;
  `.execute(db);
}
