import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.js';
import type { EventRow } from '../events/envelope.js';

// The delivery worker's statements: claiming due deliveries and recording what an attempt did.
//
// A claim is one statement. It picks due deliveries — pending or failed with next_attempt_at
// passed, or delivering under a lease that expired (the worker that held it died) — locks them
// FOR UPDATE SKIP LOCKED, so workers on every instance take disjoint sets without waiting for each
// other, and marks them delivering under a new lease with the attempt counted. The attempt count
// is also the claim's fencing token: a worker records its result only if the delivery still
// carries the count it claimed, so a worker that outlived its lease cannot overwrite the result of
// the one that took the delivery over.
//
// A strict-ordering endpoint gets one delivery at a time, in sequence: a delivery of it is claimed
// only when no delivery of a lower sequence is still undelivered (pending, failed or delivering)
// and none of it is delivering under a live lease.

/** What the claim statement returns: the delivery, its endpoint, and its event's columns if any. */
interface ClaimedRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  message_id: string;
  /** This attempt's number (1 for the first). */
  attempts: number;
  /** A delivery's own body (a test event), sent instead of its event's envelope. */
  payload: unknown;
  url: string;
  content_type: string;
  headers: unknown;
  signatures: string;
  white_label_id: string | null;
  failing_since: Date | null;
  event_id: string | null;
  event_type: string | null;
  resource_type: string | null;
  resource_id: string | null;
  data: unknown;
  changed_fields: string[] | null;
  occurred_at: Date | null;
  event_sequence: string | null;
}

type EventColumns =
  | 'event_id'
  | 'event_type'
  | 'resource_type'
  | 'resource_id'
  | 'data'
  | 'changed_fields'
  | 'occurred_at'
  | 'event_sequence';

/** A claimed delivery with what sending it needs: its endpoint and its event. */
export type ClaimedDelivery = Omit<ClaimedRow, EventColumns> & {
  /** The event, absent for a delivery that carries its own payload. */
  event: EventRow | null;
};

/** Claims up to `limit` due deliveries for `leaseMs`, as of `now`. */
export async function claimDeliveries(
  db: Kysely<DB>,
  options: { limit: number; now: Date; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const { now, limit } = options;
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  // Due within `now`'s millisecond: the database stamps next_attempt_at in microseconds, the clock
  // reads milliseconds, and a delivery queued a moment ago must not wait for the next poll.
  const dueBefore = new Date(now.getTime() + 1);
  // Each branch of the due test has a partial index: (next_attempt_at) over pending and failed
  // deliveries, (endpoint_id, sequence) over undelivered ones, so neither reads settled rows.
  const { rows } = await sql<ClaimedRow>`
    with claimed as (
      update webhook_deliveries d
      set status = 'delivering', locked_until = ${leaseUntil}::timestamptz, attempts = d.attempts + 1
      where d.id in (
        select c.id
        from webhook_deliveries c
        join webhook_endpoints e on e.id = c.endpoint_id
        where ((c.status in ('pending', 'failed') and c.next_attempt_at < ${dueBefore}::timestamptz)
               or (c.status = 'delivering' and c.locked_until < ${now}::timestamptz))
          and e.enabled and e.deleted_at is null
          and (not e.strict_ordering or not exists (
            select 1 from webhook_deliveries o
            where o.endpoint_id = c.endpoint_id and o.id <> c.id
              and o.status in ('pending', 'delivering', 'failed')
              and (o.sequence < c.sequence
                   or (o.status = 'delivering' and o.locked_until >= ${now}::timestamptz))
          ))
        order by c.next_attempt_at, c.sequence
        limit ${limit}
        for update of c skip locked
      )
      returning d.id, d.tenant_id, d.endpoint_id, d.event_id, d.message_id, d.attempts, d.payload
    )
    select claimed.id, claimed.tenant_id, claimed.endpoint_id, claimed.message_id, claimed.attempts,
      claimed.payload, e.url, e.content_type, e.headers, e.signatures, e.white_label_id, e.failing_since,
      ev.id as event_id, ev.type as event_type, ev.resource_type, ev.resource_id, ev.data,
      ev.changed_fields, ev.occurred_at, ev.sequence as event_sequence
    from claimed
    join webhook_endpoints e on e.id = claimed.endpoint_id
    left join events ev on ev.id = claimed.event_id
  `.execute(db);
  return rows.map((row) => ({
    id: row.id,
    tenant_id: row.tenant_id,
    endpoint_id: row.endpoint_id,
    message_id: row.message_id,
    attempts: Number(row.attempts),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    url: row.url,
    content_type: row.content_type,
    headers: row.headers,
    signatures: row.signatures,
    white_label_id: row.white_label_id,
    failing_since: row.failing_since,
    event:
      row.event_id !== null && row.event_type !== null && row.occurred_at !== null
        ? {
            id: row.event_id,
            type: row.event_type,
            resource_type: row.resource_type ?? '',
            resource_id: row.resource_id ?? '',
            data: row.data,
            changed_fields: row.changed_fields,
            occurred_at: row.occurred_at,
            sequence: row.event_sequence,
          }
        : null,
  }));
}

/** What became of a delivery after an attempt. */
export type Settlement =
  /** 2xx: done; the endpoint is healthy again. */
  | { status: 'succeeded' }
  /** A failure; `next` is the retry, or absent when that was the last attempt (dead). */
  | { status: 'failed'; next: Date | undefined }
  /** 410 Gone: the delivery is dead (the caller disables the endpoint). */
  | { status: 'gone' }
  /** The worker stopped mid-request: the delivery is due again at once, and says nothing of the endpoint. */
  | { status: 'released' };

export interface AttemptRecord {
  attemptedAt: Date;
  statusCode: number | undefined;
  durationMs: number;
  error: string | undefined;
  responseBody: string;
}

/**
 * Records an attempt and settles its delivery (if the claim is still this worker's), and keeps the
 * endpoint's failing_since: set on the first failure after a success, cleared by a success.
 * Returns the endpoint's failing_since after the attempt.
 */
export async function recordAttempt(
  db: Kysely<DB>,
  delivery: ClaimedDelivery,
  attempt: AttemptRecord,
  settlement: Settlement,
  now: Date,
): Promise<{ failingSince: Date | null; settled: boolean }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        tenant_id: delivery.tenant_id,
        delivery_id: delivery.id,
        attempted_at: attempt.attemptedAt,
        status_code: attempt.statusCode ?? null,
        duration_ms: attempt.durationMs,
        error: attempt.error ?? null,
        response_body: attempt.responseBody || null,
      })
      .execute();
    const status = {
      succeeded: 'succeeded',
      failed: settlement.status === 'failed' && settlement.next ? 'failed' : 'dead',
      gone: 'dead',
      released: 'pending',
    }[settlement.status];
    const next =
      settlement.status === 'failed' && settlement.next
        ? settlement.next
        : settlement.status === 'released'
          ? now
          : undefined;
    const updated = await trx
      .updateTable('webhook_deliveries')
      .set({
        status,
        locked_until: null,
        last_status_code: attempt.statusCode ?? null,
        last_error: attempt.error ?? null,
        ...(next ? { next_attempt_at: next } : {}),
      })
      .where('id', '=', delivery.id)
      .where('status', '=', 'delivering')
      .where('attempts', '=', delivery.attempts)
      .executeTakeFirst();
    const settled = Number(updated.numUpdatedRows) > 0;
    let failingSince = delivery.failing_since;
    if (settlement.status === 'succeeded') {
      failingSince = null;
      // Only when it was failing: every update of an endpoint moves its updated_at.
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', delivery.endpoint_id)
        .where('failing_since', 'is not', null)
        .execute();
    } else if (settlement.status !== 'released') {
      const marked = await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: now })
        .where('id', '=', delivery.endpoint_id)
        .where('failing_since', 'is', null)
        .returning('failing_since')
        .executeTakeFirst();
      if (marked) failingSince = marked.failing_since;
      else {
        const endpoint = await trx
          .selectFrom('webhook_endpoints')
          .select('failing_since')
          .where('id', '=', delivery.endpoint_id)
          .executeTakeFirst();
        failingSince = endpoint?.failing_since ?? null;
      }
    }
    return { failingSince, settled };
  });
}
