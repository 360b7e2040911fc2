import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { Viewer } from '../auth/viewer.js';
import { describedResources, kebab } from '../domain/resource.js';
import { hasWhiteLabel } from '../domain/resources/resources.repository.js';
import { type EventEnvelope, type EventRow, envelopeOf } from './envelope.js';
import { type EventType, eventTypes, scopeForEvent } from './event-catalog.js';

// Reading the ordered log: every channel that replays (/v1/events, GraphQL subscriptions after a
// cursor) reads it here, narrowed to what the caller may see — its tenant, its white label (and the
// reference data all white labels share), and the event types its scopes cover.

/** The cursor is older than the retention window: events after it may be gone. */
export class ExpiredCursorError extends Error {
  readonly code = 'cursor_expired';
  constructor(
    readonly after: number,
    readonly oldest: number,
  ) {
    super(
      `Events after ${after} are no longer kept (the log starts after ${oldest}): take a fresh snapshot, then read events after the sequence it reports`,
    );
    this.name = 'ExpiredCursorError';
  }
}

/**
 * The resources every white label of a tenant shares (instruments, issuers, industries, prices):
 * their events carry no white label and reach every reader. Any other event without a white label
 * belongs to the tenant-wide data a white-label credential does not see, as on every other surface.
 */
export const sharedResourceTypes: readonly string[] = describedResources()
  .filter((resource) => !hasWhiteLabel(resource))
  .map((resource) => kebab(resource.name));

/** Whether a reader of `viewerWhiteLabel` (null: tenant-wide) sees an event; one rule for every channel. */
export function seesWhiteLabel(
  viewerWhiteLabel: string | null,
  event: { whiteLabelId: string | null; resourceType: string },
): boolean {
  if (!viewerWhiteLabel || event.whiteLabelId === viewerWhiteLabel) return true;
  return event.whiteLabelId === null && sharedResourceTypes.includes(event.resourceType);
}

/** The event types a viewer's scopes let it see. */
export function visibleEventTypes(viewer: Pick<Viewer, 'scopes'>): EventType[] {
  return eventTypes.filter((type) => {
    const scope = scopeForEvent(type);
    return scope === undefined || viewer.scopes.has(scope);
  });
}

export interface EventPage {
  events: EventEnvelope[];
  hasMore: boolean;
  /** The sequence to read after next: the last event's, or `after` when there was none. */
  next: number;
}

export interface ReadEventsOptions {
  /** Events with a greater sequence; 0 for the oldest kept. */
  after: number;
  /** Only these types (already checked against the catalog); every visible type when absent. */
  types?: readonly EventType[];
  limit: number;
}

export async function readEvents(
  db: Kysely<DB>,
  viewer: Pick<Viewer, 'tenantId' | 'whiteLabelId' | 'scopes'>,
  options: ReadEventsOptions,
): Promise<EventPage> {
  const visible = new Set(visibleEventTypes(viewer));
  const types = (options.types ?? [...visible]).filter((type) => visible.has(type));
  if (options.after > 0) {
    const stream = await db
      .selectFrom('event_streams')
      .select('pruned_through')
      .where('tenant_id', '=', viewer.tenantId)
      .executeTakeFirst();
    const oldest = Number(stream?.pruned_through ?? 0);
    if (options.after < oldest) throw new ExpiredCursorError(options.after, oldest);
  }
  if (types.length === 0) return { events: [], hasMore: false, next: options.after };
  let query = db
    .selectFrom('events')
    .select([
      'id',
      'type',
      'resource_type',
      'resource_id',
      'data',
      'changed_fields',
      'occurred_at',
      'sequence',
    ])
    .where('tenant_id', '=', viewer.tenantId)
    .where('sequence', '>', String(options.after))
    .where('type', 'in', types);
  if (viewer.whiteLabelId) {
    const whiteLabelId = viewer.whiteLabelId;
    query = query.where((eb) =>
      eb.or([
        eb('white_label_id', '=', whiteLabelId),
        eb.and([eb('white_label_id', 'is', null), eb('resource_type', 'in', [...sharedResourceTypes])]),
      ]),
    );
  }
  const rows = (await query
    .orderBy('sequence')
    .limit(options.limit + 1)
    .execute()) as EventRow[];
  const events = rows.slice(0, options.limit).map(envelopeOf);
  return {
    events,
    hasMore: rows.length > options.limit,
    next: events.at(-1)?.sequence ?? options.after,
  };
}
