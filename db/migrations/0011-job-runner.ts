import { type Kysely, sql } from 'kysely';

// Background jobs: extracts and calculations share one table and one runner (src/jobs/).
//
// A job is claimed under a lease (locked_until, locked_by) and its attempt count is the claim's
// fencing token, as for webhook deliveries: a worker that outlived its lease cannot settle a job
// another worker took over. Only extracts are limited to one active job per tenant and dataset
// (seed 000: "409 export already running"); calculations of different portfolios run side by side.
//
// An extract first copies its rows into extract_rows in one repeatable-read statement (the
// snapshot, with the event sequence it is consistent with), then writes its file from that copy in
// batches, recording progress; a worker that takes it over after a crash rewrites the file from the
// same copy, so the file keeps its watermark. Files live in a directory or, with extract_files, in
// Postgres large objects.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table jobs drop constraint jobs_status_check;
    alter table jobs add constraint jobs_status_check
      check (status in ('queued', 'running', 'succeeded', 'failed', 'expired'));
    drop index jobs_one_active_idx;
    create unique index jobs_one_active_extract_idx on jobs (tenant_id, dataset)
      where kind = 'extract' and status in ('queued', 'running');
    alter table jobs
      add column subject_id uuid,
      add column progress jsonb,
      add column last_error text,
      add column started_at timestamptz,
      add column expires_at timestamptz;
    create index jobs_subject_idx on jobs (tenant_id, subject_id) where subject_id is not null;
    create index jobs_expiry_idx on jobs (expires_at) where status = 'succeeded' and expires_at is not null;

    create table extract_rows (
      job_id uuid not null references jobs(id) on delete cascade,
      ordinal bigint not null,
      data jsonb not null,
      primary key (job_id, ordinal)
    );

    -- A row per file being written or written (size and checksum are set when it is finished); the
    -- large object goes with its row however the row goes (removed, replaced, or its job or tenant
    -- deleted), so no object outlives the file it held.
    create table extract_files (
      job_id uuid primary key references jobs(id) on delete cascade,
      oid oid not null,
      size bigint,
      checksum text,
      created_at timestamptz not null default now()
    );
    create function portico_extract_files_unlink() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from pg_largeobject_metadata where oid = old.oid) then
        perform lo_unlink(old.oid);
      end if;
      return null;
    end $$;
    create trigger extract_files_unlink after delete on extract_files
      for each row execute function portico_extract_files_unlink();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table extract_files, extract_rows;
    drop function portico_extract_files_unlink();
    delete from jobs where status = 'expired' or (kind = 'calculation' and status in ('queued', 'running'));
    drop index jobs_one_active_extract_idx;
    alter table jobs
      drop column subject_id,
      drop column progress,
      drop column last_error,
      drop column started_at,
      drop column expires_at;
    alter table jobs drop constraint jobs_status_check;
    alter table jobs add constraint jobs_status_check
      check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
    create unique index jobs_one_active_idx on jobs (tenant_id, kind, dataset)
      where status in ('queued', 'running');
  `.execute(db);
}
