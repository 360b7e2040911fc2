import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { Viewer } from '../../auth/viewer.js';
import type { EventEnvelope } from '../../events/envelope.js';
import type { EventType } from '../../events/event-catalog.js';
import { type EventPage, ExpiredCursorError, readEvents, seesWhiteLabel } from '../../events/event-log.js';
import type { EventHub, LiveEvent } from './event-hub.js';

// A subscription's events: what the log holds after the client's cursor, then what is published,
// in sequence order, each once. The feed joins the hub before it reads anything, so an event
// published while the log is read waits in the inbox; it then keeps `cursor`, the sequence up to
// which every event of the tenant stream (visible to this subscriber or not) is accounted for.
// A published event at or below the cursor is a duplicate; one beyond cursor + 1 means some were
// numbered but not (yet) heard — their publication was lost, is late, or came from another
// instance out of order — so the feed reads the log up to it before going on. The hub's stream
// check does the same for a lost publication with no later one to reveal it.

/** The last item of a feed whose credential stopped working (SSE): resolvers turn it into the error. */
export class CredentialEnded {
  constructor(readonly error: GraphQLError) {}
}

export type FeedItem = EventEnvelope | CredentialEnded;

export interface EventFeedOptions {
  hub: EventHub;
  /** Where the log is read (the background handle: a subscription is not a request). */
  db: Kysely<DB>;
  viewer: Pick<Viewer, 'tenantId' | 'whiteLabelId' | 'scopes'>;
  /** The types to deliver, already checked against the catalog and the viewer's scopes. */
  types: readonly EventType[];
  /** Replay the log after this sequence first; without it the feed starts at the stream's end. */
  after: number | undefined;
  /** A narrower filter (a typed subscription's portfolio), applied to the log and live alike. */
  accept?: (envelope: EventEnvelope) => boolean;
  /** Aborted with a GraphQLError when the credential stops working: the feed yields it and ends. */
  ended?: AbortSignal | undefined;
  /** Events per log read. */
  pageSize?: number;
}

/** The error a resumed subscription gets for a cursor older than the retention window. */
export function cursorExpired(error: ExpiredCursorError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: 'CURSOR_EXPIRED', after: String(error.after), oldest: String(error.oldest) },
  });
}

/**
 * Opens the feed. An `after` older than the retention window fails here, before any event, so the
 * client gets CURSOR_EXPIRED as the subscription's one result.
 */
export async function openEventFeed(options: EventFeedOptions): Promise<AsyncIterableIterator<FeedItem>> {
  const { hub, db, viewer } = options;
  const pageSize = options.pageSize ?? 500;
  const types = new Set<string>(options.types);
  const accept = options.accept ?? (() => true);
  const read = async (after: number): Promise<EventPage> => {
    try {
      return await readEvents(db, viewer, { after, types: options.types, limit: pageSize });
    } catch (error) {
      throw error instanceof ExpiredCursorError ? cursorExpired(error) : error;
    }
  };
  // What readEvents would have returned to this subscriber, and its own filter.
  const visible = (live: LiveEvent) =>
    types.has(live.envelope.event_type) && seesWhiteLabel(viewer.whiteLabelId, live) && accept(live.envelope);

  const inbox = await hub.join(viewer.tenantId);
  let cursor: number;
  let firstPage: EventPage | undefined;
  let firstHorizon = 0;
  try {
    firstHorizon = await hub.lastSequence(viewer.tenantId);
    if (options.after === undefined) {
      cursor = firstHorizon;
    } else {
      cursor = options.after;
      firstPage = await read(options.after);
    }
  } catch (error) {
    inbox.leave();
    throw error;
  }

  return new Repeater<FeedItem>(async (push, stop) => {
    let stopping = false;
    void stop.then(() => {
      stopping = true;
      inbox.close();
    });
    const interrupt = () => inbox.close();
    options.ended?.addEventListener('abort', interrupt, { once: true });

    /** Delivers the log after the cursor, page by page, and moves the cursor past all of it. */
    const catchUp = async (page?: EventPage, horizon?: number) => {
      // Every event up to the stream's last sequence is numbered: reading the log covers them all.
      const covered = horizon ?? (await hub.lastSequence(viewer.tenantId));
      let after = cursor;
      let current = page ?? (await read(after));
      for (;;) {
        for (const envelope of current.events) {
          if (stopping) return;
          if (accept(envelope)) await push(envelope);
        }
        after = current.next;
        if (!current.hasMore || stopping) break;
        current = await read(after);
      }
      cursor = Math.max(cursor, covered, after);
    };

    try {
      if (firstPage) await catchUp(firstPage, firstHorizon);
      firstPage = undefined;
      while (!stopping && !options.ended?.aborted) {
        const arrived = await inbox.take();
        if (!arrived) break;
        if (arrived.overflowed || arrived.overdue > cursor) await catchUp();
        for (const live of arrived.events) {
          if (stopping) break;
          const sequence = live.envelope.sequence;
          if (sequence <= cursor) continue;
          if (sequence > cursor + 1) {
            await catchUp();
            if (sequence <= cursor) continue;
          }
          cursor = sequence;
          if (visible(live)) await push(live.envelope);
        }
      }
      const reason = options.ended?.reason;
      if (!stopping && options.ended?.aborted && reason instanceof GraphQLError) {
        await push(new CredentialEnded(reason));
      }
    } finally {
      options.ended?.removeEventListener('abort', interrupt);
      inbox.leave();
    }
    stop();
  });
}
