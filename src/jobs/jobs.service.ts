import type { Viewer } from '../auth/viewer.js';
import { ConflictError } from '../domain/errors.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import { jobsChannel } from './job-runner.js';
import {
  activeExtract,
  insertJob,
  type JobRow,
  type NewJob,
  oneActiveExtractIndex,
} from './jobs.repository.js';

/** A second extract of a dataset while one is queued or running (seed 000: "409 export already running"). */
export class ExtractRunningError extends ConflictError {
  constructor(
    readonly dataset: string,
    readonly active: JobRow | undefined,
  ) {
    super(
      `An extract of ${dataset} is already ${active?.status ?? 'running'}${active ? ` (${active.id})` : ''}; ask again once it has finished`,
    );
  }
}

/**
 * Enqueues a job in the caller's transaction (an idempotent request's, when there is one) and wakes
 * the runners once it commits. The unique index is what refuses a second active extract; the
 * insert runs in its own savepoint so that refusal leaves the caller's transaction usable.
 */
export async function enqueueJob(
  database: Database,
  broker: Broker,
  viewer: Viewer,
  job: Omit<NewJob, 'createdBy'>,
): Promise<JobRow> {
  let row: JobRow;
  try {
    row = await database.db
      .transaction()
      .execute((tx) => insertJob(tx, viewer, { ...job, createdBy: viewer.credential.publicId }));
  } catch (error) {
    const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
    if (code === '23505' && constraint === oneActiveExtractIndex) {
      throw new ExtractRunningError(
        job.dataset,
        await activeExtract(database.db, viewer.tenantId, job.dataset),
      );
    }
    throw error;
  }
  database.afterCommit(() => broker.publish(jobsChannel, row.id));
  return row;
}
