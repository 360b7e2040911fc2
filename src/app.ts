import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from './auth/authenticator.js';
import { SigningKeyring, signingKeysRotatedChannel } from './auth/signing-keys.js';
import { runFirstStart } from './bootstrap/first-start.js';
import { ensureSandbox, hasSavedSandbox, type SandboxCredentials } from './bootstrap/sandbox.js';
import type { Config } from './config.js';
import { EventDispatcher } from './events/dispatcher.js';
import { attachGraphQLWebSocket } from './graphql/websocket.js';
import { createGraphQLServer } from './graphql/yoga.js';
import { DailyQuota } from './http/daily-quota.js';
import { IdempotencyRecords, idempotencyPruning } from './http/idempotency/idempotency-records.js';
import { RateLimiter } from './http/rate-limit.js';
import { buildServer } from './http/server.js';
import { UsageRecorder } from './http/usage-recorder.js';
import { calculationJob } from './jobs/calculations/calculation.job.js';
import { extractJob } from './jobs/extracts/extract.job.js';
import { type JobDeps, openExtractStore } from './jobs/job-deps.js';
import { JobRunner } from './jobs/job-runner.js';
import type { Broker } from './platform/broker.js';
import { createBroker } from './platform/create-broker.js';
import { lockDataDir } from './platform/data-dir.js';
import { type Database, openDatabase } from './platform/database.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { migrateToLatest } from './platform/migrator.js';
import { embeddedEncryptionKey, secretBox } from './platform/secret-box.js';
import { serverSecrets } from './platform/server-secrets.js';
import { DeliveryWorker } from './webhooks/worker.js';

export interface AppOptions {
  config: Config;
  logger?: Logger;
  /** An already open database (tests hand in an isolated one); otherwise opened from config. */
  database?: Database;
  broker?: Broker;
  /** Prefix for Redis keys and channels, so several deployments or test files share one Redis. */
  redisNamespace?: string;
  /** Create the demo tenant and sandbox client; defaults to true on the embedded default. */
  sandbox?: boolean;
  /**
   * The first-start entry point (src/bootstrap/first-start.main), which prepares a new embedded data
   * folder in a child process; without it that work happens in this process.
   */
  firstStartEntry?: string;
}

export interface App {
  config: Config;
  logger: Logger;
  server: FastifyInstance;
  database: Database;
  broker: Broker;
  metrics: Metrics;
  /** Publishes the event log (absent with ROLE=api: another instance's worker does it). */
  dispatcher?: EventDispatcher;
  /** Sends webhook deliveries (absent with ROLE=api). */
  deliveryWorker?: DeliveryWorker;
  /** Runs extracts and calculations (absent with ROLE=api). */
  jobRunner?: JobRunner;
  /** Where the server listens, e.g. http://127.0.0.1:4000. */
  url: string;
  sandbox?: { credentials: SandboxCredentials; created: boolean; file: string };
  /** Stops accepting, lets in-flight requests finish, then closes pools and releases the data folder. */
  close(): Promise<void>;
}

/** Composition: platform (database, broker) → migrations → first-start data → HTTP surfaces → listen. */
export async function startApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config);
  const cleanups: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  // Closes in reverse order of opening; calling it again waits for the first call.
  const cleanup = () => {
    closing ??= (async () => {
      for (const step of [...cleanups].reverse()) {
        await step().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
      }
    })();
    return closing;
  };
  try {
    const embeddedFolder = config.embedded && !options.database;
    const wantsSandbox = (options.sandbox ?? config.embedded) && config.role !== 'worker';
    let preparedInChild = false;
    if (embeddedFolder) {
      cleanups.push(
        await lockDataDir(config.dataDir, (error) => logger.error({ err: error }, 'data folder lock lost')),
      );
      if (wantsSandbox && options.firstStartEntry && !(await hasSavedSandbox(config.dataDir))) {
        await runFirstStart(options.firstStartEntry, config.dataDir);
        preparedInChild = true;
      }
    }
    const database =
      options.database ??
      (await openDatabase({
        url: config.databaseUrl,
        dataDir: config.dataDir,
        onError: (error) => logger.warn({ err: error }, 'database connection error'),
      }));
    if (!options.database) cleanups.push(() => database.close());
    const broker =
      options.broker ??
      (await createBroker(config.redisUrl, {
        ...(options.redisNamespace ? { namespace: options.redisNamespace } : {}),
        onError: (error) => logger.warn({ err: error }, 'redis connection error'),
      }));
    if (!options.broker) cleanups.push(() => broker.close());

    const metrics = createMetrics();
    metrics.observeDatabase(database);
    const migrations = await migrateToLatest(database.db);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'migrations applied');

    // Seals token signing keys and webhook secrets: the surfaces and the delivery worker need it.
    const key =
      config.encryptionKey ?? (embeddedFolder ? await embeddedEncryptionKey(config.dataDir) : undefined);
    if (!key) logger.warn('PORTICO_ENCRYPTION_KEY is not set: token signing keys are stored unencrypted');
    const box = secretBox(key);

    async function startSurfaces() {
      const keyring = new SigningKeyring(database.db, box);
      await keyring.open();
      cleanups.push(await broker.subscribe(signingKeysRotatedChannel, () => void keyring.load()));
      const authenticator = new Authenticator({
        db: database.db,
        broker,
        keyring,
        issuer: config.publicUrl,
        logger,
      });
      await authenticator.start();
      cleanups.push(() => authenticator.stop());
      // Usage records are written by background statements, not counted as the requests'.
      const usage = new UsageRecorder({ db: database.background, logger });
      usage.start();
      cleanups.push(() => usage.stop());
      const dailyQuota = new DailyQuota({ db: database.db, broker, logger, usage });
      await dailyQuota.start();
      cleanups.push(() => dailyQuota.close());
      const rateLimiter = new RateLimiter({ db: database.db, broker, defaults: config.rateLimit, logger });
      cleanups.push(() => rateLimiter.close());
      // Both count in Redis and fall back to each instance alone while it fails.
      const limits = {
        get degraded() {
          return rateLimiter.degraded || dailyQuota.degraded;
        },
      };
      metrics.observeLimits(limits);
      const idempotency = new IdempotencyRecords({ database, box });
      return {
        jobs,
        yoga: createGraphQLServer({ database, broker, logger, config, idempotency }),
        authenticator,
        dailyQuota,
        rateLimiter,
        limits,
        keyring,
        secrets: serverSecrets(database.db, box),
        box,
        idempotency,
      };
    }

    const sandbox = wantsSandbox ? await ensureSandbox(database.db, config.dataDir) : undefined;
    const jobs: JobDeps = {
      broker,
      publicUrl: config.publicUrl,
      store: openExtractStore(config, database),
    };

    // Background work: numbering and publishing the event log, sending webhooks, running jobs.
    let dispatcher: EventDispatcher | undefined;
    let deliveryWorker: DeliveryWorker | undefined;
    let jobRunner: JobRunner | undefined;
    if (config.role !== 'api') {
      const events = new EventDispatcher({
        database,
        broker,
        logger,
        retentionHours: config.eventRetentionHours,
      });
      const deliveries = new DeliveryWorker({
        database,
        broker,
        box,
        logger,
        allowPrivateTargets: config.webhookAllowPrivateTargets,
      });
      await events.start();
      cleanups.push(() => events.stop());
      await deliveries.start();
      cleanups.push(() => deliveries.stop());
      const runner = new JobRunner({
        database,
        broker,
        logger,
        leaseMs: config.jobs.leaseMs,
        concurrency: config.jobs.concurrency,
        handlers: {
          extract: extractJob({
            db: database.background,
            store: jobs.store,
            publicUrl: config.publicUrl,
            ttlMs: config.extracts.ttlMs,
            batchRows: config.extracts.batchRows,
            batchDelayMs: config.extracts.batchDelayMs,
          }),
          calculation: calculationJob({ db: database.background, publicUrl: config.publicUrl }),
        },
        maintenance: [idempotencyPruning],
        onOutcome: (kind, outcome) => metrics.jobOutcomes.inc({ kind, outcome }),
      });
      metrics.observeJobs(runner);
      await runner.start();
      cleanups.push(() => runner.stop());
      dispatcher = events;
      deliveryWorker = deliveries;
      jobRunner = runner;
    }
    // The child made it, so its secret is new and shown this once.
    if (sandbox && preparedInChild) sandbox.created = true;

    const surfaces = config.role === 'worker' ? undefined : await startSurfaces();
    const server = buildServer({
      config,
      logger,
      metrics,
      database,
      broker,
      ...(surfaces ? { surfaces } : {}),
    });
    cleanups.push(() => server.close());
    if (surfaces) {
      // Closed before the HTTP server (cleanups run in reverse), whose close waits for every socket.
      cleanups.push(
        attachGraphQLWebSocket(server.server, {
          yoga: surfaces.yoga,
          authenticator: surfaces.authenticator,
          dailyQuota: surfaces.dailyQuota,
          rateLimiter: surfaces.rateLimiter,
          maxMessageBytes: config.bodyLimitBytes,
          limits: config.graphql,
          logger,
        }).close,
      );
    }
    await server.listen({ port: config.port, host: config.host });
    const address = server.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

    return {
      config,
      logger,
      server,
      database,
      broker,
      metrics,
      ...(dispatcher ? { dispatcher } : {}),
      ...(deliveryWorker ? { deliveryWorker } : {}),
      ...(jobRunner ? { jobRunner } : {}),
      url,
      ...(sandbox ? { sandbox } : {}),
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
