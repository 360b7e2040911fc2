import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { type JobContext, JobFailure, type JobKindHandler } from '../src/jobs/job-kind.js';
import { JobRunner, retryDelayMs } from '../src/jobs/job-runner.js';
import { type ClaimedJob, insertJob, type JobRow } from '../src/jobs/jobs.repository.js';
import type { Broker } from '../src/platform/broker.js';
import { createBroker } from '../src/platform/create-broker.js';
import { createLogger } from '../src/platform/logger.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

// The job runner's promises, on each engine, with a clock the test moves and a handler the test
// scripts: bounded retries with backoff, an immediate failure for a JobFailure, a lease taken over
// from a worker that stopped renewing it (whose late outcome is then dropped), and the sweep of a
// job whose lease ran out on its last attempt. Every outcome commits with its event.

const logger = createLogger({ logLevel: 'silent' });
const leaseMs = 60_000;

describe.each(engines)('the job runner on %s', (engine) => {
  let database: TestDatabase;
  let broker: Broker;
  let tenantId: string;
  let now: Date;
  let script: (job: ClaimedJob, context: JobContext) => Promise<Record<string, unknown>>;
  const runners: JobRunner[] = [];
  const discarded: string[] = [];

  const handler = (): JobKindHandler => ({
    kind: 'calculation',
    events: { completed: 'calculation.completed', failed: 'calculation.failed' },
    present: (row) => ({ id: row.id, status: row.status }),
    run: async (job, context) => ({ result: await script(job, context) }),
    discard: async (tx, row) => {
      // Inside the failing transaction: the row it sees is already failed.
      const seen = await tx
        .selectFrom('jobs')
        .select('status')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      discarded.push(`${row.id} ${seen.status}`);
    },
  });
  const runner = async () => {
    const started = new JobRunner({
      database,
      broker,
      logger,
      leaseMs,
      pollMs: 3_600_000,
      clock: () => now,
      handlers: { extract: handler(), calculation: handler() },
    });
    await started.start();
    runners.push(started);
    return started;
  };
  const enqueue = () =>
    insertJob(
      database.db,
      { tenantId, whiteLabelId: null },
      {
        kind: 'calculation',
        dataset: 'valuation',
        params: {},
        createdBy: 'test',
      },
    );
  const job = (id: string) =>
    database.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow() as Promise<JobRow>;
  const eventsOf = async (id: string) =>
    (
      await database.db
        .selectFrom('events')
        .select('type')
        .where('resource_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((event) => event.type);
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  const runDue = async (worker: JobRunner) => {
    worker.wake();
    await worker.idle();
  };

  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    broker = await createBroker(undefined);
    tenantId = (await createTenant(database.db, 'Jobs')).id;
  });
  beforeEach(() => {
    // The database's clock runs too: keep the test's ahead of it so queued jobs are due.
    now = new Date(Date.now() + 1000);
  });
  afterAll(async () => {
    for (const started of runners) await started.stop();
    await broker?.close();
    await database?.close();
  });

  it('retries a transient failure with backoff, then succeeds and says so in one event', async () => {
    const worker = await runner();
    let calls = 0;
    script = async () => {
      calls++;
      if (calls < 3) throw new Error(`flaky ${calls}`);
      return { calls };
    };
    const { id } = await enqueue();
    await runDue(worker);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'flaky 1' });
    // Not due before its backoff.
    advance(retryDelayMs(1) - 10);
    await runDue(worker);
    expect(calls).toBe(1);
    advance(20);
    await runDue(worker);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 2, last_error: 'flaky 2' });
    advance(retryDelayMs(2));
    await runDue(worker);
    expect(await job(id)).toMatchObject({ status: 'succeeded', attempts: 3, result: { calls: 3 } });
    expect(await eventsOf(id)).toEqual(['calculation.completed']);
  });

  it('fails at once on a JobFailure, and after max_attempts on anything else', async () => {
    const worker = await runner();
    script = async () => {
      throw new JobFailure({ code: 'missing_prices', title: 'No prices', detail: 'none' });
    };
    const failing = await enqueue();
    await runDue(worker);
    expect(await job(failing.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'missing_prices' },
    });
    expect(await eventsOf(failing.id)).toEqual(['calculation.failed']);

    script = async () => {
      throw new Error('always');
    };
    const { id } = await enqueue();
    await database.db.updateTable('jobs').set({ max_attempts: 2 }).where('id', '=', id).execute();
    await runDue(worker);
    advance(retryDelayMs(1));
    await runDue(worker);
    expect(await job(id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: { code: 'attempts_exhausted' },
    });
    expect(await eventsOf(id)).toEqual(['calculation.failed']);
  });

  it('hands a job whose lease ran out to another worker, and drops the first one’s late outcome', async () => {
    const first = await runner();
    const second = await runner();
    let release: () => void = () => {};
    let firstContext: JobContext | undefined;
    script = async (_job, context) => {
      if (!firstContext) {
        firstContext = context;
        // The first worker hangs (as if its process froze) until the test lets it go.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { by: 'first' };
      }
      return { by: 'second' };
    };
    const { id } = await enqueue();
    first.wake();
    await expect.poll(() => firstContext !== undefined).toBe(true);
    // Still held: the second worker finds nothing due.
    await runDue(second);
    expect((await job(id)).attempts).toBe(1);

    advance(leaseMs + 1);
    await runDue(second);
    expect(await job(id)).toMatchObject({ status: 'succeeded', attempts: 2, result: { by: 'second' } });
    // The first worker's progress is refused and its outcome changes nothing.
    await expect(firstContext?.progress({ rows: 1 })).rejects.toThrow(/lease/);
    release();
    await first.idle();
    expect(await job(id)).toMatchObject({ status: 'succeeded', result: { by: 'second' } });
    expect(await eventsOf(id)).toEqual(['calculation.completed']);
  });

  it('sweeps a job whose lease ran out on its last attempt to failed', async () => {
    const worker = await runner();
    const { id } = await enqueue();
    await database.db
      .updateTable('jobs')
      .set({
        status: 'running',
        attempts: 5,
        locked_until: new Date(now.getTime() - 1000),
        locked_by: 'gone',
      })
      .where('id', '=', id)
      .execute();
    await runDue(worker);
    expect((await job(id)).status).toBe('running');
    await worker.upkeep();
    expect(await job(id)).toMatchObject({ status: 'failed', error: { code: 'attempts_exhausted' } });
    expect(await eventsOf(id)).toEqual(['calculation.failed']);
  });
});
