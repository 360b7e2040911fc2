import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/database.js';
import { migrateToLatest } from '../../src/platform/migrator.js';
import { PGliteDialect } from '../../src/platform/pglite-dialect.js';
import { RedisBroker } from '../../src/platform/redis-broker.js';
import { textParsedTypes } from '../../src/platform/type-parsers.js';
import { databaseUrl, redisUrl, withDatabase } from './environment.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Postgres: a migrated template database each test file clones. */
    templateDatabase: string | null;
    /** PGlite: a migrated data-directory tarball each test file loads (always built). */
    pgliteTemplate: string;
  }
}

/**
 * Migrates once, then every test file clones the result: a fresh, isolated database per file
 * without paying for migrations (or PGlite's initdb) each time.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.CI === 'true' && (!databaseUrl || !redisUrl)) {
    throw new Error(
      'CI=true but DATABASE_URL and/or REDIS_URL is not set: CI must test on Postgres and Redis, never silently on the embedded defaults.',
    );
  }
  if (redisUrl) {
    const broker = new RedisBroker(redisUrl);
    try {
      await broker.ping();
    } catch (error) {
      throw new Error(`REDIS_URL is set but Redis does not answer: ${(error as Error).message}`);
    } finally {
      await broker.close();
    }
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'portico-template-'));
  const file = path.join(folder, 'pgdata.tar');
  const pglite = await PGlite.create({ parsers: textParsedTypes });
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  await db.destroy();
  project.provide('pgliteTemplate', file);
  const teardown = [() => rm(folder, { recursive: true, force: true })];

  project.provide('templateDatabase', null);
  if (databaseUrl) {
    const name = `portico_template_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const template = await openDatabase({ url: withDatabase(databaseUrl, name) });
    await migrateToLatest(template.db);
    await template.close();
    project.provide('templateDatabase', name);
    teardown.push(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
  }
  return async () => {
    for (const step of teardown) await step();
  };
}
