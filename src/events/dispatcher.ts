import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { type EventEnvelope, type EventRow, envelopeOf } from './envelope.js';
import { sharedResourceTypes } from './event-log.js';

// The dispatcher publishes what writes appended to the log. For each tenant with unpublished
// events it takes the tenant's stream row (FOR UPDATE SKIP LOCKED: one dispatcher per tenant
// across every instance, the others move on), numbers the events it can see in id order after the
// stream's last sequence, creates the webhook deliveries they call for, and commits — then
// publishes them to live subscribers. Numbers are handed out after commit, one dispatcher at a time,
// so they increase in the order events became visible: an event that committed late gets a later
// number, and no reader ever finds one below a number it has seen.
//
// It is woken by NOTIFY (the events trigger) and polls as well, since a notification sent while no
// one listened is gone. If it stops between its commit and its publish, nothing is lost: the events
// are in the log with their numbers (pollers and webhook deliveries read the log), and subscribers
// fill any gap from the log when the next event arrives or their own timer fires.

/** Live events of one tenant, as published between instances. */
export const eventsChannel = (tenantId: string) => `events:${tenantId}`;
/** A hint for delivery workers: deliveries were created. */
export const deliveriesChannel = 'webhooks:due';

/** What travels on eventsChannel: the envelopes, each with what seesWhiteLabel needs. */
export interface PublishedEvents {
  events: { whiteLabelId: string | null; resourceType: string; envelope: EventEnvelope }[];
}

export interface DispatcherOptions {
  database: Database;
  broker: Broker;
  logger: Logger;
  /** How often to look for unpublished events without a notification. */
  pollMs?: number;
  /** Events numbered per transaction. */
  batchSize?: number;
  /** Events older than this are pruned (72 hours at least, as promised to pollers). */
  retentionHours: number;
}

interface SequencedRow extends EventRow {
  tenant_id: string;
  white_label_id: string | null;
}

export class EventDispatcher {
  readonly #db: Kysely<DB>;
  readonly #pending = new Set<string>();
  readonly #stops: (() => Promise<void>)[] = [];
  #draining: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly options: DispatcherOptions) {
    this.#db = options.database.background;
  }

  async start(): Promise<void> {
    const unlisten = await this.options.database.listen('portico_events', (tenantId) => this.wake(tenantId));
    this.#stops.push(unlisten);
    const poll = setInterval(() => void this.#poll(), this.options.pollMs ?? 1000);
    poll.unref();
    this.#stops.push(async () => clearInterval(poll));
    const prune = setInterval(() => void this.prune().catch((error) => this.#failed(error)), 3_600_000);
    prune.unref();
    this.#stops.push(async () => clearInterval(prune));
    // What waited while no dispatcher ran is looked for now, off the start-up path.
    void this.#poll();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const stop of this.#stops.splice(0)) await stop();
    await this.#draining;
  }

  /** Schedules a tenant's stream (a notification, or a test that wants it now). */
  wake(tenantId: string): void {
    if (this.#stopped) return;
    this.#pending.add(tenantId);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Resolves once every stream scheduled so far has been published. */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #poll(): Promise<void> {
    try {
      const tenants = await this.#db
        .selectFrom('events')
        .select('tenant_id')
        .distinct()
        .where('sequence', 'is', null)
        .execute();
      for (const { tenant_id } of tenants) this.wake(tenant_id);
    } catch (error) {
      this.#failed(error);
    }
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0 && !this.#stopped) {
      const [tenantId] = this.#pending;
      if (!tenantId) break;
      this.#pending.delete(tenantId);
      try {
        // A full batch may have left more behind.
        while ((await this.dispatch(tenantId)) === (this.options.batchSize ?? 500)) {}
      } catch (error) {
        this.#failed(error);
      }
    }
  }

  /** Numbers and publishes one batch of a tenant's unpublished events; returns how many. */
  async dispatch(tenantId: string): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    await this.#db
      .insertInto('event_streams')
      .values({ tenant_id: tenantId })
      .onConflict((conflict) => conflict.column('tenant_id').doNothing())
      .execute();
    const published = await this.#db.transaction().execute(async (trx) => {
      const stream = await trx
        .selectFrom('event_streams')
        .select('last_sequence')
        .where('tenant_id', '=', tenantId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      // Another instance is publishing this tenant's stream; its notification reaches it too.
      if (!stream) return [];
      const pending = await trx
        .selectFrom('events')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('sequence', 'is', null)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (pending.length === 0) return [];
      const last = Number(stream.last_sequence);
      const ids = pending.map((row) => String(row.id));
      const sequences = ids.map((_, index) => String(last + index + 1));
      const { rows } = await sql<SequencedRow>`
        update events set sequence = numbered.sequence
        from unnest(${ids}::bigint[], ${sequences}::bigint[]) as numbered(id, sequence)
        where events.id = numbered.id
        returning events.id, events.tenant_id, events.white_label_id, events.type, events.resource_type,
          events.resource_id, events.data, events.changed_fields, events.occurred_at, events.sequence
      `.execute(trx);
      await trx
        .updateTable('event_streams')
        .set({ last_sequence: String(last + ids.length), updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .execute();
      // An endpoint of a white label hears what a reader of it would see (seesWhiteLabel).
      await sql`
        insert into webhook_deliveries (tenant_id, endpoint_id, event_id, message_id, sequence)
        select events.tenant_id, endpoints.id, events.id, 'evt_' || events.id, events.sequence
        from events
        join webhook_endpoints endpoints on endpoints.tenant_id = events.tenant_id
        where events.id = any(${ids}::bigint[])
          and endpoints.enabled and endpoints.deleted_at is null
          and events.type = any(endpoints.event_types)
          and (endpoints.white_label_id is null or endpoints.white_label_id = events.white_label_id
               or (events.white_label_id is null and events.resource_type = any(${[...sharedResourceTypes]}::text[])))
        on conflict (endpoint_id, event_id) do nothing
      `.execute(trx);
      return rows.sort((a, b) => Number(a.sequence) - Number(b.sequence));
    });
    if (published.length > 0) await this.#publish(tenantId, published);
    return published.length;
  }

  async #publish(tenantId: string, rows: SequencedRow[]): Promise<void> {
    const message: PublishedEvents = {
      events: rows.map((row) => ({
        whiteLabelId: row.white_label_id,
        resourceType: row.resource_type,
        envelope: envelopeOf(row),
      })),
    };
    await this.options.broker.publish(eventsChannel(tenantId), JSON.stringify(message));
    await this.options.broker.publish(deliveriesChannel, tenantId);
  }

  /** Drops published events older than the retention window and records how far each log is gone. */
  async prune(): Promise<void> {
    await pruneEvents(this.#db, this.options.retentionHours);
  }

  #failed(error: unknown): void {
    if (!this.#stopped) this.options.logger.error({ err: error }, 'event dispatch failed');
  }
}

/**
 * Deletes published events older than `hours` (unpublished ones wait for their number, and one a
 * webhook is still retrying — the schedule outlasts 72 hours — waits for its delivery to settle),
 * and raises each tenant's pruned_through to the highest sequence deleted: a cursor below it is
 * expired.
 */
export async function pruneEvents(db: Kysely<DB>, hours: number): Promise<void> {
  await sql`
    with pruned as (
      delete from events
      where sequence is not null and occurred_at < now() - make_interval(hours => ${hours})
        and not exists (
          select 1 from webhook_deliveries
          where webhook_deliveries.event_id = events.id
            and webhook_deliveries.status in ('pending', 'delivering', 'failed')
        )
      returning tenant_id, sequence
    )
    insert into event_streams (tenant_id, pruned_through)
    select tenant_id, max(sequence) from pruned group by tenant_id
    on conflict (tenant_id) do update
      set pruned_through = greatest(event_streams.pruned_through, excluded.pruned_through)
  `.execute(db);
}
