import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { WriteWithoutEventError, write } from '../domain/write.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { settleWithin } from '../platform/patience.js';
import {
  exhaustedProblem,
  JobFailure,
  type JobKindHandler,
  type JobOutcome,
  type JobProblem,
} from './job-kind.js';
import {
  type ClaimedJob,
  claimExhausted,
  claimJobs,
  completeJob,
  expireJobs,
  failJob,
  type JobKind,
  type JobRow,
  renewLease,
  retryJob,
  saveResult,
} from './jobs.repository.js';

// The one runner for background work, following graphile-worker's promises:
// - never lost once committed: a job is a row, inserted in the request's transaction;
// - at least once: it is claimed under a lease (jobs.repository.ts); a worker that dies leaves the
//   lease to run out and the next claim runs the job again, on any instance;
// - at most one attempt at a time: the lease is renewed while the job runs, and every statement the
//   worker makes about the job names the attempt it claimed (the fencing token);
// - bounded retries: a transient failure puts the job back with exponential backoff until
//   max_attempts; a JobFailure (bad input, missing data) fails it at once; stale locks of a job
//   that used its last attempt are swept to failed.
// Completion and failure commit with their event (extract.completed, calculation.failed, …).
//
// Every instance that is not ROLE=api runs one. It wakes on `jobs:due` (published after a job is
// enqueued), after each job it finishes, and on a timer. The same timer runs periodic upkeep:
// expiring outputs, sweeping stale locks, and the `maintenance` tasks it is given.

/** A hint for job runners: a job was enqueued. */
export const jobsChannel = 'jobs:due';

/** Periodic upkeep that is not a job of a tenant (pruning records). */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  /** Returns how many things it removed, for the log. */
  run(db: Kysely<DB>): Promise<number>;
}

export interface JobRunnerOptions {
  database: Database;
  broker: Broker;
  logger: Logger;
  /** One handler per kind (the table's check constraint names the kinds). */
  handlers: Record<JobKind, JobKindHandler>;
  maintenance?: readonly MaintenanceTask[];
  /** How long a claim holds a job before another worker may take it over (renewed while it runs). */
  leaseMs: number;
  /** Jobs in flight at once (default 2). */
  concurrency?: number;
  /** How often to look for due jobs without a wake-up (default 1 s). */
  pollMs?: number;
  /** How long stop() lets running jobs end before it releases them (default 5 s). */
  stopTimeoutMs?: number;
  clock?: () => Date;
  /** Told each outcome, for metrics. */
  onOutcome?: (kind: string, outcome: 'succeeded' | 'failed' | 'retried') => void;
}

/** The delay before attempt n + 1 after a transient failure: 2^n seconds, at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2 ** attempts, 300) * 1000;
}

export class JobRunner {
  readonly #db: Kysely<DB>;
  readonly #clock: () => Date;
  readonly #worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  readonly #stops: (() => Promise<void>)[] = [];
  readonly #lastMaintenance = new Map<string, number>();
  #started = false;
  #wanted = false;
  #loop: Promise<void> | undefined;
  #upkeep: Promise<void> | undefined;

  constructor(private readonly options: JobRunnerOptions) {
    this.#db = options.database.background;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Jobs running on this worker now. */
  get running(): number {
    return this.#running.size;
  }

  get concurrency(): number {
    return this.options.concurrency ?? 2;
  }

  async start(): Promise<void> {
    this.#started = true;
    const now = Date.now();
    for (const task of this.options.maintenance ?? []) this.#lastMaintenance.set(task.name, now);
    this.#stops.push(await this.options.broker.subscribe(jobsChannel, () => this.wake()));
    const poll = setInterval(() => {
      this.wake();
      this.#upkeep ??= this.upkeep().finally(() => {
        this.#upkeep = undefined;
      });
    }, this.options.pollMs ?? 1000);
    poll.unref();
    this.#stops.push(async () => clearInterval(poll));
    this.wake();
  }

  /** Claims nothing more; running jobs get stopTimeoutMs to end, then are released for any worker. */
  async stop(): Promise<void> {
    this.#started = false;
    for (const stop of this.#stops.splice(0)) await stop();
    await this.#loop;
    await this.#upkeep;
    const running = [...this.#running.values()];
    await settleWithin(
      running.map((run) => run.promise),
      this.options.stopTimeoutMs ?? 5000,
      () => {
        for (const run of running) run.abort.abort(new Error('the worker is stopping'));
      },
    );
  }

  wake(): void {
    if (!this.#started) return;
    this.#wanted = true;
    this.#loop ??= this.#drain().finally(() => {
      this.#loop = undefined;
      if (this.#wanted && this.#running.size < this.concurrency) this.wake();
    });
  }

  /** Resolves when no job is running on this worker (tests wait for a batch to finish). */
  async idle(): Promise<void> {
    while (this.#loop || this.#running.size > 0) {
      await this.#loop;
      await Promise.allSettled([...this.#running.values()].map((run) => run.promise));
    }
  }

  async #drain(): Promise<void> {
    while (this.#wanted && this.#started) {
      const free = this.concurrency - this.#running.size;
      if (free <= 0) return;
      this.#wanted = false;
      let claimed: ClaimedJob[];
      try {
        claimed = await claimJobs(this.#db, {
          limit: free,
          now: this.#clock(),
          leaseMs: this.options.leaseMs,
          worker: this.#worker,
        });
      } catch (error) {
        this.options.logger.error({ err: error }, 'claiming jobs failed');
        return;
      }
      for (const job of claimed) this.#track(job);
      if (claimed.length === free) this.#wanted = true;
    }
  }

  #track(job: ClaimedJob): void {
    const abort = new AbortController();
    const promise = this.#run(job, abort)
      .catch((error) => {
        // The outcome could not be recorded (the database went away): the lease runs out and the
        // job runs again.
        this.options.logger.error({ err: error, job: job.id }, 'recording a job outcome failed');
      })
      .finally(() => {
        this.#running.delete(job.id);
        this.wake();
      });
    this.#running.set(job.id, { promise, abort });
  }

  async #run(job: ClaimedJob, abort: AbortController): Promise<void> {
    const handler = this.#handler(job);
    const log = this.options.logger.child({ job: job.id, kind: job.kind, attempt: job.attempts });
    const lease = () => new Date(this.#clock().getTime() + this.options.leaseMs);
    const lost = () => abort.abort(new Error('the job’s lease was lost'));
    // Renewed at a third of the lease, so two renewals can fail before another worker may claim it.
    const heartbeat = setInterval(() => {
      renewLease(this.#db, job, lease()).then(
        (held) => held || lost(),
        (error) => log.warn({ err: error }, 'renewing a job lease failed'),
      );
    }, this.options.leaseMs / 3);
    heartbeat.unref();
    let outcome: JobOutcome;
    try {
      log.info('job started');
      outcome = await handler.run(job, {
        signal: abort.signal,
        progress: async (progress) => {
          if (!(await renewLease(this.#db, job, lease(), progress))) lost();
          abort.signal.throwIfAborted();
        },
        saveResult: async (result) => {
          if (!(await saveResult(this.#db, job, result))) lost();
          abort.signal.throwIfAborted();
        },
      });
    } catch (error) {
      clearInterval(heartbeat);
      if (error instanceof JobFailure) {
        log.info({ problem: error.problem }, 'job failed');
        await this.#fail(job, handler, error.problem);
      } else if (abort.signal.aborted) {
        // Stopping: released for any worker now. A lost lease: someone else has it; nothing to do.
        if (this.#started) log.warn({ reason: String(abort.signal.reason) }, 'job abandoned');
        else await retryJob(this.#db, job, this.#clock(), 'the worker stopped');
      } else if (job.attempts >= job.max_attempts) {
        log.error({ err: error }, 'job failed on its last attempt');
        await this.#fail(job, handler, exhaustedProblem(job.attempts, messageOf(error)));
      } else {
        const runAt = new Date(this.#clock().getTime() + retryDelayMs(job.attempts));
        log.warn({ err: error, runAt }, 'job failed; it will be retried');
        if (await retryJob(this.#db, job, runAt, messageOf(error)))
          this.options.onOutcome?.(job.kind, 'retried');
      }
      return;
    }
    clearInterval(heartbeat);
    await this.#complete(job, handler, outcome);
    log.info('job succeeded');
  }

  async #complete(job: ClaimedJob, handler: JobKindHandler, outcome: JobOutcome): Promise<void> {
    const settled = await this.#settle(job, async (tx, emit) => {
      const row = await completeJob(tx, job, outcome);
      if (!row) return;
      await outcome.alsoWrite?.(tx, emit);
      emit({ type: handler.events.completed, resourceId: row.id, data: handler.present(row) });
    });
    if (settled) this.options.onOutcome?.(job.kind, 'succeeded');
  }

  async #fail(job: ClaimedJob, handler: JobKindHandler, problem: JobProblem): Promise<void> {
    const settled = await this.#settle(job, async (tx, emit) => {
      const row = await failJob(tx, job, problem);
      if (!row) return;
      await handler.discard?.(tx, row);
      emit({ type: handler.events.failed, resourceId: row.id, data: handler.present(row) });
    });
    if (!settled) return;
    this.options.onOutcome?.(job.kind, 'failed');
    // After the commit: on the embedded engine a store's own statements would wait for this transaction.
    await this.#removeOutput(job);
  }

  async #removeOutput(row: JobRow): Promise<void> {
    await this.#handler(row)
      .removeOutput?.(row)
      .catch((error) =>
        this.options.logger.warn({ err: error, job: row.id }, 'removing a job’s output failed'),
      );
  }

  #handler(job: { kind: string }): JobKindHandler {
    return this.options.handlers[job.kind as JobKind];
  }

  /** A settling write: with its event, or nothing when the lease was lost to another worker. */
  async #settle(job: ClaimedJob, change: Parameters<typeof write>[2]): Promise<boolean> {
    try {
      await write(this.#db, { tenantId: job.tenant_id, whiteLabelId: job.white_label_id }, change);
      return true;
    } catch (error) {
      if (!(error instanceof WriteWithoutEventError)) throw error;
      this.options.logger.warn({ job: job.id }, 'job outcome dropped: another worker holds the job');
      return false;
    }
  }

  /** Expired outputs, stale locks of exhausted jobs, and the maintenance tasks that are due (all, forced). */
  async upkeep(options: { force?: boolean } = {}): Promise<void> {
    const log = this.options.logger;
    try {
      const now = this.#clock();
      for (const row of await expireJobs(this.#db, now)) await this.#removeOutput(row);
      for (const job of await claimExhausted(this.#db, now, this.#worker)) {
        await this.#fail(job, this.#handler(job), exhaustedProblem(job.attempts, job.last_error));
      }
      for (const task of this.options.maintenance ?? []) {
        const due = now.getTime() - (this.#lastMaintenance.get(task.name) ?? 0) >= task.everyMs;
        if (!due && !options.force) continue;
        this.#lastMaintenance.set(task.name, now.getTime());
        const removed = await task.run(this.#db);
        if (removed > 0) log.info({ task: task.name, removed }, 'maintenance done');
      }
    } catch (error) {
      log.warn({ err: error }, 'job upkeep failed');
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
