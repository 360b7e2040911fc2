import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { ResourceDescription } from '../../domain/resource.js';
import { type FilterValues, matchingRowsQuery } from '../../domain/resources/resources.repository.js';
import type { TenantScope } from '../../domain/write.js';
import { type ClaimedJob, saveResult } from '../jobs.repository.js';

// An extract's snapshot: its rows copied into extract_rows by one statement of a repeatable-read
// transaction, together with the event sequence that copy is consistent with (the watermark).
//
// The watermark holds when, in the snapshot, every committed event of the tenant already has its
// sequence: then every event at or below the stream's last sequence is in the copy, and every event
// that commits later is numbered above it (numbers only grow). The transaction therefore starts by
// locking the tenant's stream row — the dispatcher numbers under that lock, so a numbering that
// committed after the snapshot makes the lock fail with a serialization error — and gives up (to
// try again a moment later) while the snapshot still sees events the dispatcher has not numbered.
// The lock is held only for the copy, which is one INSERT … SELECT inside the database.

export interface Snapshot {
  /** The tenant's event sequence the rows are consistent with: read /v1/events after it. */
  event_sequence: string;
  snapshot_at: string;
  row_count: number;
}

/** The events of the snapshot are still being numbered: try again soon. */
class UnnumberedEvents extends Error {}

/** How long to wait for the dispatcher to number the events a snapshot sees before giving up. */
const settleTimeoutMs = 30_000;

/**
 * A row's described fields as a JSON object of the values v1 shows: decimals as text, instants in
 * ISO 8601 UTC with milliseconds (what Date#toISOString writes), dates as YYYY-MM-DD.
 */
function recordJson(resource: ResourceDescription): RawBuilder<unknown> {
  const table = resource.table;
  const pairs = Object.entries(resource.fields).map(([column, spec]) => {
    const ref = sql.ref(`${table}.${column}`);
    const value =
      spec.type === 'datetime'
        ? sql`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : spec.type === 'decimal' || spec.type === 'money' || spec.type === 'date'
          ? sql`${ref}::text`
          : ref;
    return sql`${sql.lit(column)}, ${value}`;
  });
  return sql`jsonb_build_object(${sql.join(pairs)})`;
}

async function copyOnce(
  db: Kysely<DB>,
  job: ClaimedJob,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
): Promise<Snapshot | undefined> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // The first statement fixes the snapshot; the lock is taken in it. now() is the transaction's start.
      const stream = await sql<{ last_sequence: string; at: Date }>`
        select last_sequence, now() as at from event_streams where tenant_id = ${scope.tenantId} for update
      `.execute(tx);
      const [locked] = stream.rows;
      const unnumbered = await tx
        .selectFrom('events')
        .select('id')
        .where('tenant_id', '=', scope.tenantId)
        .where('sequence', 'is', null)
        .limit(1)
        .executeTakeFirst();
      if (unnumbered) throw new UnnumberedEvents();
      await tx.deleteFrom('extract_rows').where('job_id', '=', job.id).execute();
      const matching = matchingRowsQuery(tx, resource, scope, filters)
        .select([
          sql`${job.id}::uuid`.as('job_id'),
          sql`row_number() over (order by ${sql.ref(`${resource.table}.id`)})`.as('ordinal'),
          recordJson(resource).as('data'),
        ])
        .orderBy(`${resource.table}.id`);
      const inserted = await tx
        .insertInto('extract_rows')
        .columns(['job_id', 'ordinal', 'data'])
        .expression(matching)
        .executeTakeFirst();
      const snapshot: Snapshot = {
        // A tenant without a stream row has never had an event numbered.
        event_sequence: String(locked?.last_sequence ?? 0),
        snapshot_at: (locked ? new Date(locked.at) : new Date()).toISOString(),
        row_count: Number(inserted.numInsertedOrUpdatedRows ?? 0n),
      };
      // Recorded with the copy, so a worker that takes the job over finds both or neither.
      if (!(await saveResult(tx, job, { snapshot }))) return undefined;
      return snapshot;
    });
}

const serializationFailure = '40001';

/**
 * Copies the rows and records the watermark; undefined when the job was lost to another worker.
 * Retries while the dispatcher catches up or a numbering raced the snapshot.
 */
export async function takeSnapshot(
  db: Kysely<DB>,
  job: ClaimedJob,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
  signal: AbortSignal,
): Promise<Snapshot | undefined> {
  const deadline = Date.now() + settleTimeoutMs;
  for (;;) {
    try {
      return await copyOnce(db, job, resource, scope, filters);
    } catch (error) {
      const retry =
        error instanceof UnnumberedEvents || (error as { code?: string }).code === serializationFailure;
      if (!retry) throw error;
      if (Date.now() > deadline) throw new Error('The event log was not numbered in time for a snapshot');
      await sleep(50, undefined, { signal });
    }
  }
}

/** The copied rows after `ordinal`, in order: what the file is written from. */
export async function copiedRows(
  db: Kysely<DB>,
  jobId: string,
  after: number,
  limit: number,
): Promise<{ ordinal: number; data: Record<string, unknown> }[]> {
  const rows = await db
    .selectFrom('extract_rows')
    .select(['ordinal', 'data'])
    .where('job_id', '=', jobId)
    .where('ordinal', '>', String(after))
    .orderBy('ordinal')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ordinal: Number(row.ordinal),
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
  }));
}
