import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/platform/database.js';
import { databaseUrl, withDatabase } from './environment.js';

export interface TestDatabase extends Database {
  /** The URL of this database on Postgres; undefined on the embedded engine. */
  url: string | undefined;
}

export type EngineName = 'postgres' | 'pglite';

/** The engines this run can test: PGlite always, Postgres when DATABASE_URL is set. */
export const engines: EngineName[] = databaseUrl ? ['postgres', 'pglite'] : ['pglite'];

/** The engine the suite runs on: Postgres when DATABASE_URL is set, else the embedded default. */
export const defaultEngine: EngineName = databaseUrl ? 'postgres' : 'pglite';

/**
 * A migrated database of its own: a clone of the template database on Postgres, or a PGlite
 * loaded from the migrated template. close() drops it.
 */
export async function isolatedDatabase(engine: EngineName = defaultEngine): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  if (engine === 'postgres') {
    if (!databaseUrl || !template) throw new Error('Postgres tests need DATABASE_URL');
    const name = `portico_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create database ${name} template ${template}`);
    const url = withDatabase(databaseUrl, name);
    const database = await openDatabase({ url, poolSize: 5 });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        await adminQuery(`drop database if exists ${name} with (force)`);
      },
    };
  }
  const tarball = inject('pgliteTemplate');
  const database = await openDatabase({ dataDir: null, loadDataDir: new Blob([await readFile(tarball)]) });
  return { ...database, url: undefined };
}

/** Runs `text` on the server's maintenance connection (create and drop databases). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
