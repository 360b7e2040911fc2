import { type Kysely, sql } from 'kysely';

// An idempotency record is written only in the transaction of the effect it answers for, so it is
// either complete or absent: no running state and no lease. A request in flight is told apart by
// the transaction-scoped advisory lock it holds. Keys belong to the tenant (two of its credentials
// sharing a key share its record), and the stored answer is sealed like other secrets, because a
// created API key or webhook secret is part of the answer it replays.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from idempotency_keys;
    alter table idempotency_keys
      drop constraint idempotency_keys_pkey,
      drop column state,
      drop column locked_until,
      drop column response_body,
      alter column response_status set not null,
      alter column response_headers set not null,
      add column response_body text not null,
      add column response_encryption text not null,
      add primary key (tenant_id, key);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from idempotency_keys;
    alter table idempotency_keys
      drop constraint idempotency_keys_pkey,
      drop column response_encryption,
      drop column response_body,
      alter column response_status drop not null,
      alter column response_headers drop not null,
      add column response_body bytea,
      add column locked_until timestamptz,
      add column state text not null default 'running' check (state in ('running', 'completed')),
      add primary key (tenant_id, credential_id, key);
  `.execute(db);
}
