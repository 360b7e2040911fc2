import type { Viewer } from '../auth/viewer.js';
import type { Database } from '../platform/database.js';
import type { EventHub } from './subscriptions/event-hub.js';

/** What every resolver receives: the authenticated viewer and the database. */
export interface GraphQLContext {
  database: Database;
  viewer: Viewer;
  requestId: string;
  /** Live events for subscriptions (one per process). */
  events: EventHub;
  /**
   * Over SSE: aborted, with the GraphQLError to end on, when the request's credential stops working
   * (a WebSocket is closed instead: websocket.ts).
   */
  credentialEnded?: AbortSignal | undefined;
}
