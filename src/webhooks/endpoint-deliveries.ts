import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.js';
import { ConflictError, isUuid, NotFoundError, ValidationError } from '../domain/errors.js';
import { type Page, type PageRequest, pageOf } from '../domain/pagination.js';
import type { ReadDb } from '../domain/write.js';
import { type EventEnvelope, eventIdOf } from '../events/envelope.js';
import type { EndpointRow } from './endpoints.repository.js';
import { endpointRecord } from './endpoints.service.js';

// An endpoint's deliveries as its owner sees them (each with its attempts), and the deliveries
// an owner asks for: a test event, a replay of one delivery, a replay of everything since a time.
// Deliveries are the worker's bookkeeping, not domain data: they are written here directly, as
// the dispatcher writes them, and never reach the event log. A replay keeps the delivery's
// webhook-id (the event id), so receivers that deduplicate recognise it.

export const deliveryStatuses = ['pending', 'delivering', 'succeeded', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** The synthetic event a test delivery carries; it is in no log and in no subscription. */
export const testEventType = 'webhook-endpoint.test';
/** How far back a replay may reach (the event log keeps at least this much). */
export const replayWindowHours = 72;
/** The most of a response body an attempt shows. */
export const responseExcerptBytes = 1024;

export interface AttemptView {
  attempted_at: string;
  status_code: number | null;
  duration_ms: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface DeliveryView {
  id: string;
  endpoint_id: string;
  event_id: string | null;
  event_type: string | null;
  message_id: string;
  test: boolean;
  status: DeliveryStatus;
  sequence: number | null;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  attempts: AttemptView[];
}

/** At most `bytes` bytes of UTF-8, cut between characters. */
export function excerpt(text: string | null, bytes = responseExcerptBytes): string | null {
  if (text === null) return null;
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let used = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (used + size > bytes) break;
    used += size;
    end += character.length;
  }
  return text.slice(0, end);
}

function deliveries(db: ReadDb, endpoint: Pick<EndpointRow, 'tenant_id' | 'id'>) {
  return db
    .selectFrom('webhook_deliveries')
    .leftJoin('events', 'events.id', 'webhook_deliveries.event_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.endpoint_id',
      'webhook_deliveries.event_id',
      'webhook_deliveries.message_id',
      'webhook_deliveries.status',
      'webhook_deliveries.sequence',
      'webhook_deliveries.next_attempt_at',
      'webhook_deliveries.last_status_code',
      'webhook_deliveries.last_error',
      'webhook_deliveries.payload',
      'webhook_deliveries.created_at',
      'webhook_deliveries.updated_at',
      'events.type as event_type',
    ])
    .where('webhook_deliveries.tenant_id', '=', endpoint.tenant_id)
    .where('webhook_deliveries.endpoint_id', '=', endpoint.id);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveries>['executeTakeFirstOrThrow']>>;

async function withAttempts(db: ReadDb, tenantId: string, rows: DeliveryRow[]): Promise<DeliveryView[]> {
  const ids = rows.map((row) => row.id);
  const attempts =
    ids.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .select(['delivery_id', 'attempted_at', 'status_code', 'duration_ms', 'error', 'response_body'])
          .where('tenant_id', '=', tenantId)
          .where('delivery_id', 'in', ids)
          .orderBy('id')
          .execute();
  return rows.map((row) => {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      event_type?: string;
    } | null;
    const settled = row.status === 'succeeded' || row.status === 'dead';
    return {
      id: row.id,
      endpoint_id: row.endpoint_id,
      event_id: row.event_id === null ? null : eventIdOf(row.event_id),
      event_type: row.event_type ?? payload?.event_type ?? null,
      message_id: row.message_id,
      test: row.event_id === null,
      status: row.status as DeliveryStatus,
      sequence: row.sequence === null ? null : Number(row.sequence),
      next_attempt_at: settled ? null : row.next_attempt_at.toISOString(),
      last_status_code: row.last_status_code,
      last_error: row.last_error,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      attempts: attempts
        .filter((attempt) => attempt.delivery_id === row.id)
        .map((attempt) => ({
          attempted_at: attempt.attempted_at.toISOString(),
          status_code: attempt.status_code,
          duration_ms: attempt.duration_ms,
          error: attempt.error,
          response_excerpt: excerpt(attempt.response_body),
        })),
    };
  });
}

/** The endpoint's deliveries in creation order, each with its attempts (oldest first). */
export async function listDeliveries(
  db: Kysely<DB>,
  endpoint: EndpointRow,
  filters: { status?: DeliveryStatus },
  page: PageRequest,
): Promise<Page<DeliveryView>> {
  let query = deliveries(db, endpoint)
    .orderBy('webhook_deliveries.id')
    .limit(page.limit + 1);
  if (filters.status) query = query.where('webhook_deliveries.status', '=', filters.status);
  if (page.cursorId) query = query.where('webhook_deliveries.id', '>', page.cursorId);
  const rows = await query.execute();
  const shown = pageOf(rows, page);
  return { ...shown, rows: await withAttempts(db, endpoint.tenant_id, shown.rows) };
}

export async function getDelivery(db: Kysely<DB>, endpoint: EndpointRow, id: string): Promise<DeliveryView> {
  const row = isUuid(id)
    ? await deliveries(db, endpoint).where('webhook_deliveries.id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new NotFoundError('webhook delivery', id);
  const [view] = await withAttempts(db, endpoint.tenant_id, [row]);
  if (!view) throw new NotFoundError('webhook delivery', id);
  return view;
}

function requireEnabled(endpoint: EndpointRow): void {
  if (!endpoint.enabled) {
    throw new ConflictError(
      'The webhook endpoint is disabled: enable it before sending or replaying deliveries',
    );
  }
}

/**
 * A delivery of a synthetic webhook-endpoint.test event, carried in the delivery itself (it is not
 * in the event log): the endpoint's record, so a receiver can check its signature and parsing.
 */
export async function sendTestEvent(
  db: Kysely<DB>,
  endpoint: EndpointRow,
  now = new Date(),
): Promise<DeliveryView> {
  requireEnabled(endpoint);
  const messageId = `msg_${randomUUID().replaceAll('-', '')}`;
  const record = endpointRecord(endpoint);
  const envelope: EventEnvelope = {
    event_id: messageId,
    event_type: testEventType,
    created_at: now.toISOString(),
    sequence: 0,
    data: { webhook_endpoint_id: endpoint.id, object: { ...record }, changed_fields: [] },
  };
  const { id } = await db
    .insertInto('webhook_deliveries')
    .values({
      tenant_id: endpoint.tenant_id,
      endpoint_id: endpoint.id,
      event_id: null,
      message_id: messageId,
      payload: JSON.stringify(envelope),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return getDelivery(db, endpoint, id);
}

/** A delivery being attempted right now (its worker's lease has not run out) is left alone. */
const notInFlight = sql<boolean>`not (webhook_deliveries.status = 'delivering' and coalesce(webhook_deliveries.locked_until > now(), false))`;

/**
 * Sends one delivery again: back to pending, due now. Its webhook-id stays the same; its past
 * attempts stay in its history. The attempt count is left as it is: the worker uses it as its
 * claim's fencing token (a worker whose lease ran out must not record over a later claim), so a
 * replay continues the delivery's retry schedule rather than restarting it.
 */
export async function replayDelivery(
  db: Kysely<DB>,
  endpoint: EndpointRow,
  id: string,
): Promise<DeliveryView> {
  requireEnabled(endpoint);
  const current = await getDelivery(db, endpoint, id);
  const updated = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql`now()`, locked_until: null })
    .where('tenant_id', '=', endpoint.tenant_id)
    .where('endpoint_id', '=', endpoint.id)
    .where('id', '=', current.id)
    .where(notInFlight)
    .returning('id')
    .executeTakeFirst();
  if (!updated) {
    throw new ConflictError(
      'The delivery is being attempted right now; replay it once the attempt has ended',
    );
  }
  return getDelivery(db, endpoint, id);
}

/**
 * Replays every event of the log since `since` (at most 72 hours before `now`) that the endpoint
 * subscribes to: a delivery is created for each event that had none, and each existing one goes
 * back to pending (unless it is being attempted right now). Returns how many were scheduled.
 */
export async function replaySince(
  db: Kysely<DB>,
  endpoint: EndpointRow,
  since: Date,
  now = new Date(),
): Promise<{ deliveries: number }> {
  if (since.getTime() < now.getTime() - replayWindowHours * 3_600_000) {
    throw new ValidationError('since', `must be at most ${replayWindowHours} hours ago`);
  }
  if (since.getTime() > now.getTime()) throw new ValidationError('since', 'must not be in the future');
  requireEnabled(endpoint);
  // Like the dispatcher: an endpoint of a white label hears its own events and the tenant-wide ones.
  const { rows } = await sql<{ id: string }>`
    insert into webhook_deliveries (tenant_id, endpoint_id, event_id, message_id, sequence)
    select events.tenant_id, ${endpoint.id}::uuid, events.id, 'evt_' || events.id, events.sequence
    from events
    where events.tenant_id = ${endpoint.tenant_id}::uuid
      and events.sequence is not null
      and events.occurred_at >= ${since.toISOString()}::timestamptz
      and events.type = any(${[...endpoint.event_types]}::text[])
      and (${endpoint.white_label_id}::uuid is null or events.white_label_id is null
           or events.white_label_id = ${endpoint.white_label_id}::uuid)
    order by events.sequence
    on conflict (endpoint_id, event_id) do update
      set status = 'pending', next_attempt_at = now(), locked_until = null
      where ${notInFlight}
    returning webhook_deliveries.id
  `.execute(db);
  return { deliveries: rows.length };
}
