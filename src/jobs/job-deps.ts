import type { Config } from '../config.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import { directoryStore, type ExtractStore, largeObjectStore } from './extracts/extract-store.js';

/** What the job routes need besides the database (threaded from the composition root). */
export interface JobDeps {
  /** Tells job runners a job was enqueued. */
  broker: Broker;
  /** The base of status and download URLs. */
  publicUrl: string;
  /** Where extract files are kept. */
  store: ExtractStore;
}

/** The configured extract storage (EXTRACT_STORAGE, EXTRACTS_DIR). */
export function openExtractStore(config: Config, database: Database): ExtractStore {
  return config.extracts.storage === 'directory'
    ? directoryStore(config.extracts.dir)
    : largeObjectStore(database.background);
}
