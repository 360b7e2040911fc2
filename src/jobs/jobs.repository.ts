import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, Jobs } from '../../db/types.js';
import { isUuid } from '../domain/errors.js';
import type { ReadDb, TenantScope } from '../domain/write.js';

// The job runner's statements. A claim is one statement: due jobs — queued with run_at passed, or
// running under a lease that expired (the worker that held it died) — are locked FOR UPDATE SKIP
// LOCKED, so workers on every instance take disjoint sets without waiting for each other, and are
// marked running under a new lease with the attempt counted. The attempt count is the claim's
// fencing token: every later statement about the job names the attempt it holds, so a worker that
// outlived its lease changes nothing once another has taken the job over.

export type JobRow = Selectable<Jobs>;
export type JobKind = 'extract' | 'calculation';

/** A job as its worker holds it: the row, with the attempt that is its fencing token. */
export interface ClaimedJob extends JobRow {
  attempts: number;
}

export interface NewJob {
  kind: JobKind;
  dataset: string;
  subjectId?: string;
  params: Record<string, unknown>;
  createdBy: string;
}

/** The unique index behind "one active extract per tenant and dataset". */
export const oneActiveExtractIndex = 'jobs_one_active_extract_idx';

export async function insertJob(db: ReadDb, scope: TenantScope, job: NewJob): Promise<JobRow> {
  return db
    .insertInto('jobs')
    .values({
      tenant_id: scope.tenantId,
      white_label_id: scope.whiteLabelId,
      kind: job.kind,
      dataset: job.dataset,
      subject_id: job.subjectId ?? null,
      params: JSON.stringify(job.params),
      created_by: job.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The caller's job of this kind; a credential bound to a white label sees that white label's only. */
function visibleJobs(db: ReadDb, scope: TenantScope, kind: JobKind) {
  let query = db.selectFrom('jobs').where('tenant_id', '=', scope.tenantId).where('kind', '=', kind);
  if (scope.whiteLabelId) query = query.where('white_label_id', '=', scope.whiteLabelId);
  return query;
}

export async function findJob(
  db: ReadDb,
  scope: TenantScope,
  kind: JobKind,
  id: string,
): Promise<JobRow | undefined> {
  if (!isUuid(id)) return undefined;
  return visibleJobs(db, scope, kind).selectAll().where('id', '=', id).executeTakeFirst();
}

/** The active extract of a dataset, which a second request is told about. */
export async function activeExtract(
  db: ReadDb,
  tenantId: string,
  dataset: string,
): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'extract')
    .where('dataset', '=', dataset)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
}

/** One page of the caller's jobs of a kind in id (creation) order, one row more than asked for. */
export async function listJobs(
  db: ReadDb,
  scope: TenantScope,
  kind: JobKind,
  page: { limit: number; cursorId?: string | undefined },
  filters: {
    dataset?: string | undefined;
    /** Only these datasets (what the caller may read). */
    datasets?: readonly string[] | undefined;
    subjectId?: string | undefined;
    status?: string | undefined;
  },
): Promise<JobRow[]> {
  let query = visibleJobs(db, scope, kind).selectAll();
  if (filters.dataset) query = query.where('dataset', '=', filters.dataset);
  if (filters.datasets) {
    if (filters.datasets.length === 0) return [];
    query = query.where('dataset', 'in', filters.datasets);
  }
  if (filters.subjectId) query = query.where('subject_id', '=', filters.subjectId);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (page.cursorId) query = query.where('id', '>', page.cursorId);
  return query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

export async function claimJobs(
  db: Kysely<DB>,
  options: { limit: number; now: Date; leaseMs: number; worker: string },
): Promise<ClaimedJob[]> {
  const { now, limit, worker } = options;
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  // Due within `now`'s millisecond: run_at is stamped in microseconds, the clock reads milliseconds.
  const dueBefore = new Date(now.getTime() + 1);
  const { rows } = await sql<JobRow>`
    update jobs j
    set status = 'running', attempts = j.attempts + 1, locked_until = ${leaseUntil}::timestamptz,
      locked_by = ${worker}, started_at = coalesce(j.started_at, ${now}::timestamptz)
    where j.id in (
      select id from jobs
      where ((status = 'queued' and run_at < ${dueBefore}::timestamptz)
             or (status = 'running' and locked_until < ${now}::timestamptz))
        and attempts < max_attempts
      order by run_at, id
      limit ${limit}
      for update skip locked
    )
    returning j.*
  `.execute(db);
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

/**
 * Running jobs whose lease ran out on their last allowed attempt: no worker will claim them again,
 * so they are failed (graphile-worker's "stale locks swept"). Locked like a claim, so one sweeper
 * takes each.
 */
export async function claimExhausted(db: Kysely<DB>, now: Date, worker: string): Promise<ClaimedJob[]> {
  const { rows } = await sql<JobRow>`
    update jobs j set locked_by = ${worker}
    where j.id in (
      select id from jobs
      where status = 'running' and locked_until < ${now}::timestamptz and attempts >= max_attempts
      limit 100
      for update skip locked
    )
    returning j.*
  `.execute(db);
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

/** The claim's own row, if the worker still holds it: every settling statement is narrowed so. */
function held(db: ReadDb, job: ClaimedJob) {
  return db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .where('status', '=', 'running');
}

/** Extends the lease (and records progress); false when the job is no longer this worker's. */
export async function renewLease(
  db: ReadDb,
  job: ClaimedJob,
  leaseUntil: Date,
  progress?: Record<string, unknown>,
): Promise<boolean> {
  const renewed = await held(db, job)
    .set({
      locked_until: leaseUntil,
      ...(progress ? { progress: JSON.stringify(progress) } : {}),
    })
    .returning('id')
    .executeTakeFirst();
  return renewed !== undefined;
}

/** Records what the job produced so far (kept by a retry: an extract's snapshot). */
export async function saveResult(
  db: ReadDb,
  job: ClaimedJob,
  result: Record<string, unknown>,
): Promise<boolean> {
  const saved = await held(db, job)
    .set({ result: JSON.stringify(result) })
    .returning('id')
    .executeTakeFirst();
  return saved !== undefined;
}

export async function completeJob(
  db: ReadDb,
  job: ClaimedJob,
  outcome: {
    result: Record<string, unknown>;
    expiresAt?: Date | undefined;
    progress?: Record<string, unknown>;
  },
): Promise<JobRow | undefined> {
  return held(db, job)
    .set({
      status: 'succeeded',
      result: JSON.stringify(outcome.result),
      ...(outcome.progress ? { progress: JSON.stringify(outcome.progress) } : {}),
      expires_at: outcome.expiresAt ?? null,
      locked_until: null,
      finished_at: sql<Date>`now()`,
    })
    .returningAll()
    .executeTakeFirst();
}

export async function failJob(
  db: ReadDb,
  job: ClaimedJob,
  problem: Record<string, unknown>,
): Promise<JobRow | undefined> {
  return held(db, job)
    .set({
      status: 'failed',
      error: JSON.stringify(problem),
      locked_until: null,
      finished_at: sql<Date>`now()`,
    })
    .returningAll()
    .executeTakeFirst();
}

/** Back in the queue after a transient failure, due at `runAt`. */
export async function retryJob(
  db: ReadDb,
  job: ClaimedJob,
  runAt: Date,
  lastError: string,
): Promise<boolean> {
  const retried = await held(db, job)
    .set({ status: 'queued', run_at: runAt, locked_until: null, locked_by: null, last_error: lastError })
    .returning('id')
    .executeTakeFirst();
  return retried !== undefined;
}

/** Succeeded jobs whose output expired, marked expired; returns them so their files are removed. */
export async function expireJobs(db: Kysely<DB>, now: Date): Promise<JobRow[]> {
  return db
    .updateTable('jobs')
    .set({ status: 'expired' })
    .where('status', '=', 'succeeded')
    .where('expires_at', '<=', now)
    .returningAll()
    .execute();
}
