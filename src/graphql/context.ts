import type { Database } from '../platform/database.js';

/** What every resolver receives; the viewer (credential, tenant, scopes) joins it with authentication. */
export interface GraphQLContext {
  database: Database;
  requestId: string;
}
