import { z } from 'zod';
import { describedResources, kebab } from '../../domain/resource.js';
import { type EventType, eventCatalog, resourceOf } from '../../events/event-catalog.js';
import { calculationStatus, extractStatus } from './job-schemas.js';
import { resourceSchemas } from './v1-schemas.js';

// Each event type's JSON Schema: the envelope every channel carries, with data.object typed as the
// resource's v1 record where the event is about a described resource. Served by GET /v1/event-types
// and written to schema/events/ (npm run codegen), so integrators can validate what they receive.

const envelopeOf = (type: string, object: z.ZodType) =>
  z
    .object({
      event_id: z
        .string()
        .regex(/^evt_\d+$/)
        .describe('The event’s id; the webhook-id of every delivery of it.'),
      event_type: z.literal(type),
      created_at: z.iso.datetime().describe('When the change committed.'),
      sequence: z.int().min(1).describe('The tenant’s cursor: read, replay and resume after it.'),
      data: z
        .object({
          object: object.describe('The resource as it is after the change (as it was, for a deletion).'),
          changed_fields: z.array(z.string()).describe('For updates: the fields the change touched.'),
        })
        .catchall(
          z
            .string()
            .describe('The ids of the resource and of what it refers to (position_id, portfolio_id, …).'),
        )
        .describe('The resource and the ids of its parents, so no follow-up call is needed.'),
    })
    .describe(eventCatalog[type as EventType] ?? type);

const anyObject = z.record(z.string(), z.unknown());

/** A job's events carry its status resource. */
const jobStatusSchemas: Record<string, z.ZodType> = {
  extract: extractStatus,
  calculation: calculationStatus,
};

/** The envelope of `type`, with its object's v1 record schema (tombstone fields allowed on deletion). */
export function eventSchema(type: EventType): z.ZodType {
  const jobStatus = jobStatusSchemas[resourceOf(type)];
  if (jobStatus) return envelopeOf(type, jobStatus);
  const resource = describedResources().find((candidate) => kebab(candidate.name) === resourceOf(type));
  if (!resource) return envelopeOf(type, anyObject);
  const record = resourceSchemas(resource).record as z.ZodObject;
  const object = type.endsWith('.deleted') ? record.extend({ deleted_at: z.iso.datetime() }) : record;
  return envelopeOf(type, object);
}

const jsonSchemas = new Map<EventType, Record<string, unknown>>();

/** `eventSchema` as a standalone JSON Schema (draft 2020-12), computed once per type. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  let schema = jsonSchemas.get(type);
  if (!schema) {
    schema = {
      $id: `https://portico.dev/schemas/events/${type}.json`,
      ...(z.toJSONSchema(eventSchema(type), { target: 'draft-2020-12', io: 'output' }) as Record<
        string,
        unknown
      >),
    };
    jsonSchemas.set(type, schema);
  }
  return schema;
}

/** Where `npm run codegen` writes them: schema/events/<type>.json. */
export const eventSchemasFolder = new URL('../../../schema/events/', import.meta.url);

/** A type's schema file as codegen writes it. */
export const renderEventSchema = (type: EventType) => `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`;
