import type { Config } from '../config.js';
import { lockDataDir } from '../platform/data-dir.js';
import { type Database, openDatabase } from '../platform/database.js';

/**
 * The CLI works on DATABASE_URL, or on the embedded data folder when no server holds it (the lock
 * makes "a server is running" a clear error instead of a corrupted folder).
 */
export async function openCliDatabase(config: Config): Promise<Database> {
  const unlock = config.embedded ? await lockDataDir(config.dataDir) : undefined;
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    return {
      ...database,
      close: async () => {
        await database.close();
        await unlock?.();
      },
    };
  } catch (error) {
    await unlock?.();
    throw error;
  }
}
