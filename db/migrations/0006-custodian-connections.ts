import { type Kysely, sql } from 'kysely';

// Custodian connections: a client authorises Portico at its custodian (an OAuth-style flow through
// the custodian's own pages), the completed flow leaves an authority saying which accounts Portico
// may read there and until when, and what the custodian delivers is kept as it came.
//
// Flows and authorities are Portico's own bookkeeping, like API keys: tenant- and white-label-owned,
// never soft-deleted (a flow ends completed or failed, an authority is revoked). Snapshots are a
// described domain table with the frame 0002, 0003 and 0005 give every client-owned table.
//
// A flow keeps only the SHA-256 of its `state` token: the token is the callback's one secret, and
// whoever reads the table must not be able to complete someone's flow with it.

const externalReference = `external_reference varchar(256) check (external_reference ~ '^[A-Za-z0-9 _-]*$')`;
const timestamps = `created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()`;
const clientOwned = `tenant_id uuid not null references tenants(id) on delete cascade,
  white_label_id uuid references white_labels(id) on delete cascade,
  client_id uuid not null references clients(id) on delete cascade`;
const touch = (table: string) => `create trigger ${table}_touch before update on ${table}
  for each row execute function portico_touch_updated_at();`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table custodian_auth_flows (
      id uuid primary key default portico_uuid_v7(),
      ${clientOwned},
      depository_id uuid not null references depositories(id) on delete cascade,
      custodian text not null check (custodian ~ '^[a-z][a-z0-9_-]{0,63}$'),
      state text not null default 'pending' check (state in ('pending', 'completed', 'failed')),
      redirect_uri text not null check (length(redirect_uri) between 1 and 2048),
      state_hash text not null unique,
      failure_reason text check (length(failure_reason) between 1 and 200),
      expires_at timestamptz(3) not null,
      completed_at timestamptz(3),
      authority_id uuid,
      ${externalReference},
      ${timestamps},
      check ((state = 'completed') = (completed_at is not null and authority_id is not null)),
      check ((state = 'failed') = (failure_reason is not null))
    );
    create index custodian_auth_flows_page_idx on custodian_auth_flows (tenant_id, id);
    ${touch('custodian_auth_flows')}

    create table custodian_authorities (
      id uuid primary key default portico_uuid_v7(),
      ${clientOwned},
      depository_id uuid not null references depositories(id) on delete cascade,
      flow_id uuid not null unique references custodian_auth_flows(id) on delete cascade,
      custodian text not null check (custodian ~ '^[a-z][a-z0-9_-]{0,63}$'),
      account_ids jsonb not null check (jsonb_typeof(account_ids) = 'array'),
      valid_until timestamptz(3) not null,
      status text not null default 'active' check (status in ('active', 'revoked')),
      revoked_at timestamptz(3),
      ${timestamps},
      check ((status = 'revoked') = (revoked_at is not null))
    );
    create index custodian_authorities_page_idx on custodian_authorities (tenant_id, id);
    ${touch('custodian_authorities')}
    -- The flow and its authority point at each other; either goes only with the other.
    alter table custodian_auth_flows add constraint custodian_auth_flows_authority_id_fkey
      foreign key (authority_id) references custodian_authorities(id) on delete cascade;

    create table custodian_snapshots (
      id uuid primary key default portico_uuid_v7(),
      ${clientOwned},
      depository_id uuid not null references depositories(id) on delete cascade,
      account_id uuid not null references accounts(id) on delete cascade,
      authority_id uuid references custodian_authorities(id) on delete set null,
      snapshot_date date not null,
      received_at timestamptz(3) not null default now(),
      payload jsonb not null check (jsonb_typeof(payload) = 'object'),
      ${externalReference},
      ${timestamps},
      deleted_at timestamptz(3)
    );
    create index custodian_snapshots_page_idx on custodian_snapshots (tenant_id, id);
    create index custodian_snapshots_updated_idx on custodian_snapshots (tenant_id, updated_at, id);
    create index custodian_snapshots_external_reference_idx on custodian_snapshots (tenant_id, external_reference)
      where external_reference is not null;
    create index custodian_snapshots_client_idx on custodian_snapshots (tenant_id, client_id);
    create index custodian_snapshots_live_page_idx on custodian_snapshots (tenant_id, id) where deleted_at is null;
    create index custodian_snapshots_account_idx on custodian_snapshots (tenant_id, account_id, snapshot_date);
    create index custodian_snapshots_date_idx on custodian_snapshots (tenant_id, snapshot_date);
    ${touch('custodian_snapshots')}
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table custodian_snapshots, custodian_authorities, custodian_auth_flows`.execute(db);
}
