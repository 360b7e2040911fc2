import type { Viewer } from '../auth/viewer.js';
import type { Database } from '../platform/database.js';

/** What every resolver receives: the authenticated viewer and the database. */
export interface GraphQLContext {
  database: Database;
  viewer: Viewer;
  requestId: string;
}
