import { type Kysely, sql } from 'kysely';

// Secrets the server keeps for itself and every instance must share: the key that signs v1 list
// cursors first. Each is created once, on first use, and sealed like the signing keys
// (`encryption` says how; 'none' when PORTICO_ENCRYPTION_KEY is not set).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table server_secrets (
      name text primary key,
      secret text not null,
      encryption text not null default 'none',
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table server_secrets`.execute(db);
}
