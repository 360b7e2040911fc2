import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.js';
import { type EventType, resourceOf } from './event-catalog.js';

export interface ChangeEvent {
  type: EventType;
  resourceId: string;
  /** The resource as it is after the change (or as it was, for a deletion). */
  data: Record<string, unknown>;
  changedFields?: readonly string[];
  /** Defaults to the writer's white label; set it when the resource belongs to a specific one. */
  whiteLabelId?: string | null;
}

/** Appends events to the log inside the caller's transaction: they commit or vanish with the change. */
export async function appendEvents(
  trx: Transaction<DB>,
  tenantId: string,
  whiteLabelId: string | null,
  events: readonly ChangeEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('events')
    .values(
      events.map((event) => ({
        tenant_id: tenantId,
        white_label_id: event.whiteLabelId === undefined ? whiteLabelId : event.whiteLabelId,
        type: event.type,
        resource_type: resourceOf(event.type),
        resource_id: event.resourceId,
        data: JSON.stringify(event.data),
        changed_fields: [...(event.changedFields ?? [])],
      })),
    )
    .execute();
}
