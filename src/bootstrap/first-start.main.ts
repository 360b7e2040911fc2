// The first start of an embedded data folder, run in a child process of the server: PGlite's
// WebAssembly memory grows while demo data loads and never shrinks, so the loading happens in a
// process that exits before the server opens the folder. The server holds the folder's lock
// meanwhile; this process takes none.
import { openDatabase } from '../platform/database.js';
import { migrateToLatest } from '../platform/migrator.js';
import { ensureSandbox } from './sandbox.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: first-start <data folder>\n');
  process.exit(2);
}
const database = await openDatabase({ dataDir });
try {
  await migrateToLatest(database.db);
  await ensureSandbox(database.db, dataDir);
} finally {
  await database.close();
}
