// Regenerates db/types.ts from a freshly migrated embedded database (npm run codegen).
import { writeFile } from 'node:fs/promises';
import { openDatabase } from '../src/platform/database.js';
import { migrateToLatest } from '../src/platform/migrator.js';
import { renderTableTypes, tableTypesFile } from './table-types.js';

const database = await openDatabase({ dataDir: null });
try {
  await migrateToLatest(database.db);
  await writeFile(tableTypesFile, await renderTableTypes(database.db));
  console.log(`wrote ${tableTypesFile.pathname}`);
} finally {
  await database.close();
}
