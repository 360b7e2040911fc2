import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type EventType,
  eventCatalog,
  eventTypes,
  isEventType,
  scopeForEvent,
} from '../../events/event-catalog.js';
import { readEvents, visibleEventTypes } from '../../events/event-log.js';
import type { Database } from '../../platform/database.js';
import { queryParameterError } from '../route-validation.js';
import { named } from '../schema-names.js';
import { eventJsonSchema } from './event-schemas.js';
import { maxLimit } from './pagination.js';
import { problemResponses, v1Security } from './v1-openapi.js';
import { pageParameters } from './v1-schemas.js';

// Polling the event log: GET /v1/events reads a tenant's events in sequence order after a cursor
// (the sequence of the last event seen), as GraphQL subscriptions and webhooks deliver them; GET
// /v1/event-types lists the catalog with each type's JSON Schema.

const envelope = named(
  z.object({
    event_id: z.string(),
    event_type: z.string(),
    created_at: z.iso.datetime(),
    sequence: z.int(),
    data: z
      .object({ object: z.record(z.string(), z.unknown()), changed_fields: z.array(z.string()) })
      .catchall(z.unknown()),
  }),
  'Event',
  'One event of the log; GET /v1/event-types gives each type’s exact schema.',
);

const eventPage = named(
  z.object({
    data: z.array(envelope),
    has_more: z.boolean(),
    next_cursor: z
      .string()
      .describe('The last sequence returned (or `after`): pass it as `after` next time.'),
  }),
  'EventPage',
);

const eventTypeList = named(
  z.object({
    data: z.array(
      z.object({
        type: z.string(),
        description: z.string(),
        scope: z.string().nullable().describe('The read scope needed to see it, besides events:read.'),
        schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the event.'),
      }),
    ),
  }),
  'EventTypeList',
);

const eventsQuery = z.strictObject({
  after: z.coerce
    .number({ error: 'must be a sequence number' })
    .int('must be a sequence number')
    .min(0, 'must be a sequence number')
    .optional()
    .describe(
      'Events after this sequence (the next_cursor of the previous read); from the oldest kept when absent.',
    ),
  types: z
    .string()
    .optional()
    .describe(
      'Comma-separated event types (position.updated) or families (position.*); every type when absent.',
    ),
  limit: pageParameters.limit.describe(`Events per read, 1 to ${maxLimit} (default 100).`),
});

/** `position.updated,cashflow.*` → the catalog types it names; an unknown name is refused. */
function typesOf(value: string): EventType[] {
  const types = new Set<EventType>();
  for (const name of value.split(',').map((part) => part.trim())) {
    const matching = name.endsWith('.*')
      ? eventTypes.filter((type) => type.startsWith(name.slice(0, -1)))
      : isEventType(name)
        ? [name]
        : [];
    if (matching.length === 0)
      throw queryParameterError('types', `${name || '(empty)'} is not an event type`);
    for (const type of matching) types.add(type);
  }
  return [...types];
}

export function registerEventRoutes(v1: FastifyInstance, deps: { database: Database }): void {
  v1.get(
    '/events',
    {
      config: { scope: 'events:read' },
      schema: {
        tags: ['Events'],
        operationId: 'listEvents',
        summary: 'Read events after a cursor',
        description:
          'The tenant’s events in sequence order — the same log, order and cursor as GraphQL subscriptions and webhooks. Events are kept at least 72 hours; a cursor older than that answers 410: take a fresh snapshot, then read events after it. Each event type also needs its family’s read scope.',
        security: v1Security('events:read'),
        querystring: eventsQuery,
        response: { 200: eventPage, ...problemResponses([400, 410]) },
      },
    },
    async (request) => {
      const query = request.query as z.infer<typeof eventsQuery>;
      const page = await readEvents(deps.database.db, request.viewer, {
        after: query.after ?? 0,
        ...(query.types ? { types: typesOf(query.types) } : {}),
        limit: query.limit ?? 100,
      });
      return { data: page.events, has_more: page.hasMore, next_cursor: String(page.next) };
    },
  );

  v1.get(
    '/event-types',
    {
      config: { scope: 'events:read' },
      schema: {
        tags: ['Events'],
        operationId: 'listEventTypes',
        summary: 'List the event types',
        description: 'Every event type the caller can receive, with its JSON Schema.',
        security: v1Security('events:read'),
        response: { 200: eventTypeList, ...problemResponses([]) },
      },
    },
    async (request) => ({
      data: visibleEventTypes(request.viewer).map((type) => ({
        type,
        description: eventCatalog[type],
        scope: scopeForEvent(type) ?? null,
        schema: eventJsonSchema(type),
      })),
    }),
  );
}
