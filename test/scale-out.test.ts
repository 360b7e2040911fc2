import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationNames } from '../src/platform/migrator.js';
import { adminQuery } from './helpers/database.js';
import { databaseUrl, redisUrl, withDatabase } from './helpers/environment.js';

// Production mode: several stateless instances on one Postgres and one Redis. They start together
// on an empty database (migrations take a lock, so exactly one applies them) and serve the same data.
describe.runIf(databaseUrl && redisUrl)('several instances on one Postgres and Redis', () => {
  const name = `portico_scale_${randomBytes(5).toString('hex')}`;
  const apps: App[] = [];
  const admin = adminQuery;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await admin(`drop database if exists ${name} with (force)`);
  });

  it('start concurrently on an empty database and share state', async () => {
    await admin(`create database ${name}`);
    const config = loadConfig({
      DATABASE_URL: withDatabase(databaseUrl!, name),
      REDIS_URL: redisUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const namespace = `test-${randomUUID()}`;
    apps.push(...(await Promise.all([1, 2, 3].map(() => startApp({ config, redisNamespace: namespace })))));
    for (const app of apps) {
      const ready = await (await fetch(`${app.url}/readyz`)).json();
      expect(ready.status).toBe('ready');
    }
    const applied = await apps[0]!.database.db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    expect(applied).toHaveLength(migrationNames.length);

    // One instance publishes, another receives: fan-out goes through the shared Redis.
    const received = new Promise<string>((resolve) => {
      void apps[2]!.broker.subscribe('hello', resolve);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await apps[0]!.broker.publish('hello', 'from instance 1');
    expect(await received).toBe('from instance 1');
  });
});
