import { type Kysely, sql } from 'kysely';

// The ordered event log and what feeds from it.
//
// events.sequence is each tenant's cursor: assigned after commit, by the one dispatcher that holds
// the tenant's event_streams row, in the order the dispatcher sees events become visible. An event
// that commits late simply gets a later number, so a reader that has seen N never finds one below N
// afterwards (identity values, which become visible out of order, cannot promise that). A trigger
// notifies `portico_events` with the tenant on every append; the notification is delivered at commit
// and is only a wake-up hint (the dispatcher also polls).
//
// Event types name resources in kebab-case (legal-entity.created), as JSON:API types do.
//
// Webhooks: an endpoint chooses symmetric (v1), asymmetric (v1a, Ed25519) or both signatures and
// optional strict ordering; tenants' Ed25519 signing keys are published as a JWK set; a delivery
// may carry its own payload (a test event, which is not in the log).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update events set type = replace(type, '_', '-'), resource_type = replace(resource_type, '_', '-');

    alter table events add column sequence bigint;
    create unique index events_sequence_key on events (tenant_id, sequence) where sequence is not null;
    create index events_unsequenced_idx on events (tenant_id, id) where sequence is null;

    create table event_streams (
      tenant_id uuid primary key references tenants(id) on delete cascade,
      last_sequence bigint not null default 0,
      -- Every event at or below this sequence may have been pruned by retention.
      pruned_through bigint not null default 0,
      updated_at timestamptz not null default now()
    );

    create function portico_events_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('portico_events', new.tenant_id::text);
      return null;
    end $$;
    create trigger events_notify after insert on events
      for each row execute function portico_events_notify();

    alter table webhook_endpoints
      add column signatures text not null default 'v1' check (signatures in ('v1', 'v1a', 'both')),
      add column strict_ordering boolean not null default false,
      add column deleted_at timestamptz;

    alter table webhook_deliveries
      alter column event_id drop not null,
      add column payload jsonb,
      add column sequence bigint,
      add constraint webhook_deliveries_event_or_payload check (event_id is not null or payload is not null);
    create index webhook_deliveries_ordering_idx on webhook_deliveries (endpoint_id, sequence)
      where status in ('pending', 'delivering', 'failed');

    create table webhook_signing_keys (
      id uuid primary key default portico_uuid_v7(),
      tenant_id uuid not null references tenants(id) on delete cascade,
      kid text not null unique,
      public_jwk jsonb not null,
      private_key text not null,
      encryption text not null default 'none',
      created_at timestamptz not null default now(),
      -- Set on rotation: the key keeps signing beside its successor until then, and is published
      -- until then too.
      retires_at timestamptz
    );
    create index webhook_signing_keys_tenant_idx on webhook_signing_keys (tenant_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table webhook_signing_keys;
    drop index webhook_deliveries_ordering_idx;
    delete from webhook_deliveries where event_id is null;
    alter table webhook_deliveries
      drop constraint webhook_deliveries_event_or_payload,
      drop column sequence,
      drop column payload,
      alter column event_id set not null;
    alter table webhook_endpoints drop column deleted_at, drop column strict_ordering, drop column signatures;
    drop trigger events_notify on events;
    drop function portico_events_notify();
    drop table event_streams;
    drop index events_unsequenced_idx;
    drop index events_sequence_key;
    alter table events drop column sequence;
    update events set type = replace(type, '-', '_'), resource_type = replace(resource_type, '-', '_');
  `.execute(db);
}
