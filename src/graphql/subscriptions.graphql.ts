import { InsufficientScopeError } from '../auth/viewer.js';
import { ValidationError } from '../domain/errors.js';
import type { Row } from '../domain/resources/resources.service.js';
import type { EventEnvelope } from '../events/envelope.js';
import { type EventType, isEventType, scopeForEvent } from '../events/event-catalog.js';
import { visibleEventTypes } from '../events/event-log.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { localId } from './resources/graphql-names.js';
import { resourceObjectType } from './resources/resource-types.graphql.js';
import { CredentialEnded, type FeedItem, openEventFeed } from './subscriptions/event-feed.js';

// Subscriptions: the tenant's ordered event log, replayed after a cursor and then live, over
// graphql-ws and SSE alike. `events` carries any event type the caller may read; typed
// subscriptions carry one kind of change with the resource as a GraphQL object. The sequence is
// the cursor on every one of them, as in /v1/events: resume with `after` = the last one received.

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type FieldBuilder = PothosSchemaTypes.ObjectFieldBuilder<Types, EventEnvelope>;

const sequenceDescription =
  'This event’s place in the tenant’s log, an integer sent as a string (an opaque cursor): pass the last one received as `after` to resume with nothing missed and nothing twice. The same number as `sequence` in /v1/events and webhook bodies.';

/** The fields every event payload has. */
function eventFields(t: FieldBuilder) {
  return {
    eventId: t.string({
      description: 'The event’s id (evt_…), the same in /v1/events and webhook deliveries.',
      resolve: (event) => event.event_id,
    }),
    eventType: t.string({
      description: 'What happened, `<resource>.<change>` (the event catalog).',
      resolve: (event) => event.event_type,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (event) => event.created_at }),
    sequence: t.string({ description: sequenceDescription, resolve: (event) => String(event.sequence) }),
    changedFields: t.stringList({
      description: 'For an update, the attributes it changed (v1 names); empty otherwise.',
      resolve: (event) => event.data.changed_fields,
    }),
  };
}

const EventType$ = builder.objectRef<EventEnvelope>('Event').implement({
  description: 'One event of the tenant’s log, as /v1/events and webhooks carry it.',
  fields: (t) => ({
    ...eventFields(t),
    data: t.field({
      type: 'JSON',
      description:
        'The ids of the resource and of what it refers to (`position_id`, `portfolio_id`, …), `object` (the resource in its /v1 shape) and `changed_fields`.',
      resolve: (event) => event.data,
    }),
  }),
});

/** A typed payload: the event's fields and the resource as the event recorded it. */
function resourceEventType(name: string, resource: string, field: string, description: string) {
  return builder.objectRef<EventEnvelope>(name).implement({
    description,
    fields: (t) => ({
      ...eventFields(t),
      [field]: t.field({
        type: resourceObjectType(resource),
        description: `The ${resource} as this event recorded it (its state right after the change).`,
        // The record is keyed by column, as rows are, so the resource type resolves it as it would a row
        // (the described types are held loosely typed: resource-types.graphql.ts).
        resolve: (event) => event.data.object as Row as never,
      }),
    }),
  });
}

const PositionUpdatedEvent = resourceEventType(
  'PositionUpdatedEvent',
  'position',
  'position',
  'A position changed (position.updated).',
);
const CashflowPostedEvent = resourceEventType(
  'CashflowPostedEvent',
  'cashflow',
  'cashflow',
  'A cashflow was booked: created as posted, or moved from expected to posted (cashflow.posted).',
);

builder.subscriptionType({
  description:
    'Events of the tenant’s log over graphql-ws or SSE: with `after`, the events after that sequence first, then live ones, in order, each once; without it, live ones from now. Narrowed to the caller’s white label (and tenant-wide events) and to the types its scopes cover.',
});

/** `after` as a sequence; absent or null: live from now. */
function readAfter(after: string | null | undefined): number | undefined {
  if (after === null || after === undefined) return undefined;
  const sequence = /^\d{1,15}$/.test(after) ? Number(after) : Number.NaN;
  if (!Number.isSafeInteger(sequence)) {
    throw new ValidationError('after', 'must be the sequence of an event, a whole number as a string');
  }
  return sequence;
}

/** The requested types, each known and readable with the caller's scopes; none: all it may read. */
function readTypes(context: GraphQLContext, requested: readonly string[] | null | undefined): EventType[] {
  const visible = visibleEventTypes(context.viewer);
  if (!requested) return visible;
  if (requested.length === 0) {
    throw new ValidationError('types', 'must name at least one event type (leave it out for every type)');
  }
  const unknown = requested.filter((type) => !isEventType(type));
  if (unknown.length > 0) {
    throw new ValidationError(
      'types',
      `unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    );
  }
  const types = [...new Set(requested as EventType[])];
  for (const type of types) {
    const scope = scopeForEvent(type);
    if (scope && !context.viewer.scopes.has(scope)) throw new InsufficientScopeError(scope);
  }
  return types;
}

function feed(
  context: GraphQLContext,
  types: readonly EventType[],
  after: string | null | undefined,
  accept?: (event: EventEnvelope) => boolean,
) {
  return openEventFeed({
    hub: context.events,
    db: context.database.background,
    viewer: context.viewer,
    types,
    after: readAfter(after),
    ...(accept ? { accept } : {}),
    ended: context.credentialEnded,
  });
}

/** A feed item as the payload: the last item of a feed whose credential ended is that error. */
function payload(item: FeedItem): EventEnvelope {
  if (item instanceof CredentialEnded) throw item.error;
  return item;
}

const afterArgument = {
  required: false,
  description:
    'Resume after this sequence (the last one received): the log’s events after it first, then live ones. Absent: live events from now.',
} as const;

builder.subscriptionField('events', (t) =>
  t.field({
    type: EventType$,
    description:
      'Events of the given types (all the caller may read when absent). Each type needs events:read and the read scope of its family.',
    authScopes: { scope: 'events:read' },
    args: {
      types: t.arg.stringList({
        required: false,
        description:
          'Event types such as position.updated (the event catalog); all readable ones when absent.',
      }),
      after: t.arg.string(afterArgument),
    },
    subscribe: (_root, args, context) => feed(context, readTypes(context, args.types), args.after),
    resolve: payload,
  }),
);

const forPortfolio = (portfolioId: string) => (event: EventEnvelope) =>
  event.data.portfolio_id === portfolioId;

/** A typed subscription to one event type of the resources of one portfolio. */
function portfolioSubscription(
  name: string,
  options: {
    type: typeof PositionUpdatedEvent | typeof CashflowPostedEvent;
    description: string;
    scope: 'positions:read' | 'cashflows:read';
    eventType: 'position.updated' | 'cashflow.posted';
  },
): void {
  builder.subscriptionField(name, (t) =>
    t.field({
      type: options.type,
      description: options.description,
      authScopes: { scope: options.scope },
      args: {
        portfolioId: t.arg.id({ required: true, description: 'The portfolio (a global id).' }),
        after: t.arg.string(afterArgument),
      },
      subscribe: (_root, args, context) =>
        feed(
          context,
          [options.eventType],
          args.after,
          forPortfolio(localId(String(args.portfolioId), 'portfolio', 'portfolioId')),
        ),
      resolve: payload,
    }),
  );
}

portfolioSubscription('positionUpdated', {
  type: PositionUpdatedEvent,
  description: 'Changes to the positions of one portfolio (position.updated).',
  scope: 'positions:read',
  eventType: 'position.updated',
});

portfolioSubscription('cashflowPosted', {
  type: CashflowPostedEvent,
  description: 'Cashflows of one portfolio as they are booked (cashflow.posted).',
  scope: 'cashflows:read',
  eventType: 'cashflow.posted',
});
