import { type Kysely, sql } from 'kysely';
import { domainTables } from './0003-soft-deletes.js';

// Domain timestamps are stored to the millisecond, the precision every surface shows (RFC 3339 with
// milliseconds, JavaScript dates). A v1 delta cursor carries the updated_at of its last row and
// resumes at (updated_at, id) > (that, its id): with microseconds in the table and milliseconds in
// the cursor, rows inside the same millisecond would be skipped or repeated. The touch trigger's
// now() is rounded by the column type like any other value.

const columns = ['created_at', 'updated_at', 'deleted_at'];

async function retype(db: Kysely<unknown>, type: string): Promise<void> {
  for (const table of domainTables) {
    const changes = columns.map((column) => `alter column ${column} type ${type}`).join(', ');
    await sql.raw(`alter table ${table} ${changes}`).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await retype(db, 'timestamptz(3)');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await retype(db, 'timestamptz');
}
