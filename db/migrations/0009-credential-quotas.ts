import { type Kysely, sql } from 'kysely';

// A daily quota per credential (admin CLI `--daily-quota`, PATCH /v1/api-keys): null means none.
// credential_usage holds what each credential asked for per UTC day (GET /v1/usage); instances add
// their counts to it every few seconds, so a row is a sum, never a log line per request.
// credential_id is the API key's id or the OAuth client's client_id, as the viewer names it.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table oauth_clients add column daily_quota integer check (daily_quota > 0);
    alter table api_keys add column daily_quota integer check (daily_quota > 0);
    -- A new quota is an edit of the key, like a new name.
    drop trigger api_keys_touch on api_keys;
    create trigger api_keys_touch
      before update of name, description, scopes, expires_at, revoked_at, daily_quota
      on api_keys for each row execute function portico_touch_updated_at();

    create table credential_usage (
      tenant_id uuid not null references tenants(id) on delete cascade,
      -- The credential's, so the usual tenant and white-label predicate scopes the reading.
      white_label_id uuid references white_labels(id) on delete cascade,
      credential_id text not null,
      credential_kind text not null check (credential_kind in ('api_key', 'oauth_client')),
      day date not null,
      requests bigint not null default 0,
      refused bigint not null default 0,
      primary key (tenant_id, credential_id, day)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table credential_usage;
    drop trigger api_keys_touch on api_keys;
    create trigger api_keys_touch before update of name, description, scopes, expires_at, revoked_at
      on api_keys for each row execute function portico_touch_updated_at();
    alter table api_keys drop column daily_quota;
    alter table oauth_clients drop column daily_quota;
  `.execute(db);
}
