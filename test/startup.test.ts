import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';

// Start-up sends as little SQL as it can: the usual start finds the schema current and a signing key
// in place, in one statement each.
describe('start-up', () => {
  let database: TestDatabase;
  afterAll(async () => {
    await database?.close();
  });

  it('costs two statements once the database has its schema and a signing key', async () => {
    database = await isolatedDatabase();
    const first = await startTestApp({ database });
    await first.close();

    const before = database.statements();
    const later = await startTestApp({ database });
    const spent = database.statements() - before;
    await later.close();
    // The migration check and the signing keys (the sandbox's tenant is a third on the embedded default).
    expect(spent).toBe(2);
  });
});
