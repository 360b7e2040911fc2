// What every channel carries for one event — GraphQL subscriptions, /v1/events and webhook bodies
// alike: {event_id, event_type, created_at, sequence, data}. data holds the ids of the resource and
// of what it refers to (position_id, portfolio_id, …), the complete resource in its v1 shape
// (`object`), so no follow-up call is needed, and the fields an update changed.

export interface EventEnvelope {
  event_id: string;
  event_type: string;
  created_at: string;
  /** The tenant's cursor: events are read, replayed and delivered in this order. */
  sequence: number;
  data: Record<string, unknown> & { object: Record<string, unknown>; changed_fields: string[] };
}

/** An event row as the log stores it (after the dispatcher gave it its sequence). */
export interface EventRow {
  id: string | number | bigint;
  type: string;
  resource_type: string;
  resource_id: string;
  data: unknown;
  changed_fields: string[] | null;
  occurred_at: Date;
  sequence: string | number | bigint | null;
}

/** `evt_1234`: the event's id on every channel, and the webhook-id of every delivery of it. */
export const eventIdOf = (id: EventRow['id']) => `evt_${id}`;

export function envelopeOf(row: EventRow): EventEnvelope {
  const object = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
  const ids: Record<string, unknown> = { [`${row.resource_type.replaceAll('-', '_')}_id`]: row.resource_id };
  for (const [field, value] of Object.entries(object)) {
    if (field.endsWith('_id') && typeof value === 'string') ids[field] = value;
  }
  return {
    event_id: eventIdOf(row.id),
    event_type: row.type,
    created_at: row.occurred_at.toISOString(),
    sequence: Number(row.sequence),
    data: { ...ids, object, changed_fields: [...(row.changed_fields ?? [])] },
  };
}
