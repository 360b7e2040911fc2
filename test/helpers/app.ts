import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { isolatedDatabase, type TestDatabase } from './database.js';
import { databaseUrl, redisUrl } from './environment.js';
import { freePort } from './processes.js';

export interface TestApp extends App {
  database: TestDatabase;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
}

/**
 * A real Portico on a random loopback port, on this file's own database and its own Redis
 * namespace. Pass `env` to override configuration as an operator would.
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    /** Share a database between instances; the instance that did not open it leaves it open. */
    database?: TestDatabase;
    /** Share a Redis namespace between instances (defaults to one of its own). */
    redisNamespace?: string;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await isolatedDatabase());
  const config = loadConfig({
    ...(databaseUrl && database.url ? { DATABASE_URL: database.url } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    // A fixed port (not 0) so PUBLIC_URL, the token issuer, is the address clients really use.
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // A budget no test of another feature spends; test/rate-limit.test.ts sets its own.
    RATE_LIMIT_BURST: '1000000',
    RATE_LIMIT_PER_MINUTE: '60000000',
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = await startApp({
    config,
    logger: createLogger(config, sink),
    database,
    redisNamespace: options.redisNamespace ?? `test-${randomUUID()}`,
    sandbox: false,
  });
  return {
    ...app,
    database,
    logs,
    close: async () => {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}
