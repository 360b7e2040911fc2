import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTableTypes, tableTypesFile } from '../db/table-types.js';
import { printedSchema } from '../src/graphql/schema.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';

describe('generated artifacts are in sync (run `npm run codegen` when these fail)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await isolatedDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('db/types.ts matches the migrated database', async () => {
    expect(await renderTableTypes(database.db)).toBe(await readFile(tableTypesFile, 'utf8'));
  });

  it('schema/schema.graphql matches the code-first schema', async () => {
    expect(printedSchema()).toBe(
      await readFile(new URL('../schema/schema.graphql', import.meta.url), 'utf8'),
    );
  });
});
