import { type Kysely, sql } from 'kysely';

// Migrations are frozen once released: they use raw SQL and import nothing from src/, so a later
// refactor can never change what an old migration does.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Time-ordered UUIDs keep cursor pagination on (tenant_id, id) chronological and index-friendly.
    create function portico_uuid_v7() returns uuid language sql volatile as $$
      select encode(
        set_bit(set_bit(
          overlay(uuid_send(gen_random_uuid())
            placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
            from 1 for 6),
          52, 1), 53, 1),
        'hex')::uuid
    $$;

    create function portico_touch_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end
    $$;

    create table tenants (
      id uuid primary key default portico_uuid_v7(),
      name text not null check (length(name) between 1 and 200),
      external_reference varchar(256) check (external_reference ~ '^[A-Za-z0-9 _-]*$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger tenants_touch before update on tenants
      for each row execute function portico_touch_updated_at();

    create table white_labels (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      external_reference varchar(256) check (external_reference ~ '^[A-Za-z0-9 _-]*$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, name)
    );
    create index white_labels_page_idx on white_labels (tenant_id, id);
    create index white_labels_updated_idx on white_labels (tenant_id, updated_at, id);
    create index white_labels_external_reference_idx on white_labels (tenant_id, external_reference)
      where external_reference is not null;
    create trigger white_labels_touch before update on white_labels
      for each row execute function portico_touch_updated_at();

    -- OAuth clients (credentials), not to be confused with the wealth-management "clients" table.
    create table oauth_clients (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      white_label_id uuid references white_labels(id) on delete cascade,
      client_id text not null unique,
      name text not null check (length(name) between 1 and 200),
      secret_hash text,
      scopes text[] not null default '{}',
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index oauth_clients_tenant_idx on oauth_clients (tenant_id, id);
    create trigger oauth_clients_touch before update on oauth_clients
      for each row execute function portico_touch_updated_at();

    create table oauth_client_keys (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      oauth_client_id uuid not null references oauth_clients(id) on delete cascade,
      kid text not null,
      public_jwk jsonb not null,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      unique (oauth_client_id, kid)
    );

    create table api_keys (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      white_label_id uuid references white_labels(id) on delete cascade,
      public_id text not null unique,
      secret_hash text not null,
      name text not null check (length(name) between 1 and 200),
      description text check (length(description) <= 2000),
      scopes text[] not null default '{}',
      created_by text,
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index api_keys_tenant_idx on api_keys (tenant_id, id);
    -- Only edits move updated_at; recording last use is bookkeeping, not a change to the key.
    create trigger api_keys_touch before update of name, description, scopes, expires_at, revoked_at
      on api_keys for each row execute function portico_touch_updated_at();

    -- Token signing keys; private_key is encrypted when a key-encryption key is configured.
    create table signing_keys (
      id uuid primary key default portico_uuid_v7(),
      kid text not null unique,
      alg text not null default 'ES256',
      public_jwk jsonb not null,
      private_key text not null,
      encryption text not null default 'none',
      activated_at timestamptz,
      retired_at timestamptz,
      created_at timestamptz not null default now()
    );

    -- The event log (transactional outbox). tx_id records the writing transaction so readers can
    -- order by commit visibility instead of trusting identity values, which become visible out of order.
    create table events (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      white_label_id uuid references white_labels(id) on delete cascade,
      type text not null,
      resource_type text not null,
      resource_id text not null,
      data jsonb not null default '{}',
      changed_fields text[] not null default '{}',
      tx_id xid8 not null default pg_current_xact_id(),
      occurred_at timestamptz not null default now()
    );
    create index events_tenant_idx on events (tenant_id, id);
    create index events_tx_idx on events (tx_id, id);
    create index events_occurred_idx on events (occurred_at);

    create table webhook_endpoints (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      white_label_id uuid references white_labels(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      description text check (length(description) <= 2000),
      url text not null check (length(url) <= 2048),
      event_types text[] not null default '{}',
      content_type text not null default 'application/json',
      headers jsonb not null default '{}',
      enabled boolean not null default true,
      disabled_reason text,
      failing_since timestamptz,
      external_reference varchar(256) check (external_reference ~ '^[A-Za-z0-9 _-]*$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index webhook_endpoints_tenant_idx on webhook_endpoints (tenant_id, id);
    create trigger webhook_endpoints_touch before update on webhook_endpoints
      for each row execute function portico_touch_updated_at();

    -- Several live secrets per endpoint make rotation possible without downtime.
    create table webhook_secrets (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
      secret text not null,
      encryption text not null default 'none',
      expires_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index webhook_secrets_endpoint_idx on webhook_secrets (endpoint_id);

    create table webhook_deliveries (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
      event_id bigint not null references events(id) on delete cascade,
      message_id text not null,
      status text not null default 'pending'
        check (status in ('pending', 'delivering', 'succeeded', 'failed', 'dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      locked_until timestamptz,
      last_status_code integer,
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (endpoint_id, event_id)
    );
    create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
      where status in ('pending', 'failed');
    create index webhook_deliveries_tenant_idx on webhook_deliveries (tenant_id, endpoint_id, id);
    create trigger webhook_deliveries_touch before update on webhook_deliveries
      for each row execute function portico_touch_updated_at();

    create table webhook_attempts (
      id bigint generated always as identity primary key,
      tenant_id uuid not null references tenants(id) on delete cascade,
      delivery_id uuid not null references webhook_deliveries(id) on delete cascade,
      attempted_at timestamptz not null default now(),
      status_code integer,
      duration_ms integer,
      error text,
      response_body text
    );
    create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id);

    create table idempotency_keys (
      tenant_id uuid not null references tenants(id) on delete cascade,
      credential_id text not null,
      key uuid not null,
      method text not null,
      path text not null,
      request_hash text not null,
      state text not null default 'running' check (state in ('running', 'completed')),
      response_status integer,
      response_headers jsonb,
      response_body bytea,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (tenant_id, credential_id, key)
    );
    create index idempotency_keys_expires_idx on idempotency_keys (expires_at);

    -- Background work (extracts, calculations), claimed with FOR UPDATE SKIP LOCKED under a lease.
    create table jobs (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      white_label_id uuid references white_labels(id) on delete cascade,
      kind text not null check (kind in ('extract', 'calculation')),
      dataset text not null,
      params jsonb not null default '{}',
      status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      result jsonb,
      error jsonb,
      attempts integer not null default 0,
      max_attempts integer not null default 5,
      run_at timestamptz not null default now(),
      locked_until timestamptz,
      locked_by text,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    );
    -- One running job per dataset: the second request gets 409.
    create unique index jobs_one_active_idx on jobs (tenant_id, kind, dataset)
      where status in ('queued', 'running');
    create index jobs_due_idx on jobs (run_at) where status in ('queued', 'running');
    create index jobs_tenant_idx on jobs (tenant_id, id);
    create trigger jobs_touch before update on jobs
      for each row execute function portico_touch_updated_at();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table jobs, idempotency_keys, webhook_attempts, webhook_deliveries, webhook_secrets,
      webhook_endpoints, events, signing_keys, api_keys, oauth_client_keys, oauth_clients,
      white_labels, tenants;
    drop function portico_touch_updated_at();
    drop function portico_uuid_v7();
  `.execute(db);
}
