import { type Kysely, sql } from 'kysely';

// Per-tenant rate-limit overrides (admin CLI `tenant limits`). Null means the deployment's default
// (RATE_LIMIT_PER_MINUTE, RATE_LIMIT_BURST).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table tenants
      add column rate_limit_per_minute integer check (rate_limit_per_minute > 0),
      add column rate_limit_burst integer check (rate_limit_burst > 0);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table tenants drop column rate_limit_burst, drop column rate_limit_per_minute;
  `.execute(db);
}
