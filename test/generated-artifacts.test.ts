import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTableTypes, tableTypesFile } from '../db/table-types.js';
import { printedSchema } from '../src/graphql/schema.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

describe.each(engines)(
  'generated artifacts are in sync (run `npm run codegen` when these fail) on %s',
  (engine) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await isolatedDatabase(engine);
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
  },
);
