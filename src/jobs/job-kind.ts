import type { Emit, WriteTx } from '../domain/write.js';
import type { EventType } from '../events/event-catalog.js';
import type { ClaimedJob, JobKind, JobRow } from './jobs.repository.js';

// What the runner needs to know about a kind of job: how to run one, how it looks in its events,
// and what to clean up when its output expires.

/** A problem as RFC 9457 extension members: what a failed job shows and its failed event carries. */
export interface JobProblem {
  /** Stable snake_case reason, e.g. missing_prices. */
  code: string;
  title: string;
  detail: string;
  [extension: string]: unknown;
}

/** A failure that retrying cannot fix (bad input, missing data): the job fails at once with it. */
export class JobFailure extends Error {
  constructor(readonly problem: JobProblem) {
    super(problem.detail);
    this.name = 'JobFailure';
  }
}

export interface JobContext {
  /** Aborted when the lease is lost or the runner stops: the work should end soon after. */
  signal: AbortSignal;
  /** Records progress and renews the lease; throws when the job is no longer this worker's. */
  progress(progress: Record<string, unknown>): Promise<void>;
  /** Keeps a partial result that a later attempt starts from (an extract's snapshot). */
  saveResult(result: Record<string, unknown>): Promise<void>;
}

export interface JobOutcome {
  result: Record<string, unknown>;
  /** The final progress, stored with the result. */
  progress?: Record<string, unknown>;
  /** When the output stops being available (an extract's file). */
  expiresAt?: Date;
  /** Writes that commit with the completion (a performance result row), with their events. */
  alsoWrite?: (tx: WriteTx, emit: Emit) => Promise<void>;
}

export interface JobKindHandler {
  kind: JobKind;
  run(job: ClaimedJob, context: JobContext): Promise<JobOutcome>;
  /** The job as its status resource shows it: also the data its events carry. */
  present(row: JobRow): Record<string, unknown>;
  events: { completed: EventType; failed: EventType };
  /** Removes a job's output (its file) once it expired, or once the job failed. */
  removeOutput?(row: JobRow): Promise<void>;
  /** Removes, in the failing transaction, what a failed job kept for a retry (an extract's copy). */
  discard?(tx: WriteTx, row: JobRow): Promise<void>;
}

/** The problem of a job that failed on every attempt it was allowed. */
export function exhaustedProblem(attempts: number, lastError: string | null): JobProblem {
  return {
    code: 'attempts_exhausted',
    title: 'The job failed',
    detail: `The job failed on all ${attempts} attempts${lastError ? `; the last error: ${lastError}` : ''}`,
  };
}
