import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import { eventsChannel, type PublishedEvents } from '../../events/dispatcher.js';
import type { Broker } from '../../platform/broker.js';
import type { Logger } from '../../platform/logger.js';

// One broker subscription per tenant and process, however many GraphQL subscriptions of that tenant
// the process serves: the hub joins `events:<tenant>` when the first one starts and leaves it when
// the last one ends, and copies each published batch into every subscriber's inbox. It also reads
// each followed stream's last sequence on a timer, so a subscriber learns that events were
// numbered even when their publication never arrived (a dispatcher that stopped between its
// commit and its publish): the feed then reads them from the log (event-feed.ts).

/** One event as published: its envelope, and what deciding who sees it needs (seesWhiteLabel). */
export type LiveEvent = PublishedEvents['events'][number];

/** What an inbox holds when its feed comes for it. */
export interface InboxContents {
  /** Published events in the order they arrived (not necessarily in sequence order). */
  events: LiveEvent[];
  /** Events were dropped because the feed fell too far behind: read the log instead. */
  overflowed: boolean;
  /** The stream had reached this sequence at least one check ago: anything up to it is overdue. */
  overdue: number;
}

/** A subscriber's side of the hub: what arrived since it last looked. */
export class Inbox {
  #events: LiveEvent[] = [];
  #overflowed = false;
  #overdue = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onLeave: (inbox: Inbox) => void,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  receive(events: readonly LiveEvent[]): void {
    if (this.#closed) return;
    if (this.#events.length + events.length > this.capacity) {
      // The log has them all: the feed reads it rather than the process holding an unbounded queue.
      this.#events = [];
      this.#overflowed = true;
    } else {
      this.#events.push(...events);
    }
    this.#notify();
  }

  streamReached(sequence: number): void {
    if (this.#closed || sequence <= this.#overdue) return;
    this.#overdue = sequence;
    this.#notify();
  }

  /** Waits until something arrived; undefined once the hub closed or the feed interrupted it. */
  async take(): Promise<InboxContents | undefined> {
    while (!this.#closed && this.#events.length === 0 && !this.#overflowed && this.#overdue === 0) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    if (this.#closed) return undefined;
    const contents = { events: this.#events, overflowed: this.#overflowed, overdue: this.#overdue };
    this.#events = [];
    this.#overflowed = false;
    this.#overdue = 0;
    return contents;
  }

  /** The hub is closing, or the feed is stopping: a waiting take returns undefined. */
  close(): void {
    this.#closed = true;
    this.#events = [];
    this.#notify();
  }

  /** The feed is done with it. */
  leave(): void {
    this.close();
    this.onLeave(this);
  }

  #notify(): void {
    this.#wake?.();
  }
}

interface Followed {
  inboxes: Set<Inbox>;
  /** Resolves with the broker unsubscribe once the subscription is live. */
  subscribed: Promise<() => Promise<void>>;
  /** The last sequence read at the previous check. */
  lastChecked: number;
}

export interface EventHubOptions {
  broker: Broker;
  /** For the stream checks (background work: not counted as a request's statements). */
  db: Kysely<DB>;
  logger: Logger;
  /** How often followed streams are checked for events whose publication did not arrive. */
  checkMs: number;
  /** Most events an inbox holds for a feed that is behind (the rest are read from the log). */
  inboxCapacity?: number;
}

export class EventHub {
  readonly #tenants = new Map<string, Followed>();
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #closed = false;

  constructor(private readonly options: EventHubOptions) {}

  /** Follows the tenant's live events; resolves once the broker subscription is live. */
  async join(tenantId: string): Promise<Inbox> {
    if (this.#closed) throw new Error('The event hub is closed');
    let followed = this.#tenants.get(tenantId);
    if (!followed) {
      const entry: Followed = {
        inboxes: new Set(),
        subscribed: Promise.resolve(async () => {}),
        lastChecked: 0,
      };
      entry.subscribed = this.options.broker.subscribe(eventsChannel(tenantId), (message) =>
        this.#deliver(entry, message),
      );
      followed = entry;
      this.#tenants.set(tenantId, followed);
      this.#startChecks();
    }
    const entry = followed;
    const inbox = new Inbox(this.options.inboxCapacity ?? 10_000, (left) =>
      this.#leave(tenantId, entry, left),
    );
    entry.inboxes.add(inbox);
    try {
      await entry.subscribed;
    } catch (error) {
      inbox.leave();
      throw error;
    }
    return inbox;
  }

  /** The tenant stream's last sequence: every event up to it is numbered and readable in the log. */
  async lastSequence(tenantId: string): Promise<number> {
    const stream = await this.options.db
      .selectFrom('event_streams')
      .select('last_sequence')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(stream?.last_sequence ?? 0);
  }

  /** Ends every feed and leaves every channel (shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const followed = [...this.#tenants.values()];
    this.#tenants.clear();
    for (const entry of followed) for (const inbox of entry.inboxes) inbox.close();
    await Promise.all(followed.map((entry) => this.#unsubscribe(entry)));
  }

  #deliver(entry: Followed, message: string): void {
    let published: PublishedEvents;
    try {
      published = JSON.parse(message) as PublishedEvents;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'ignored a malformed events message');
      return;
    }
    for (const inbox of entry.inboxes) inbox.receive(published.events);
  }

  #leave(tenantId: string, entry: Followed, inbox: Inbox): void {
    if (!entry.inboxes.delete(inbox) || entry.inboxes.size > 0) return;
    if (this.#tenants.get(tenantId) === entry) this.#tenants.delete(tenantId);
    if (this.#tenants.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    void this.#unsubscribe(entry);
  }

  async #unsubscribe(entry: Followed): Promise<void> {
    try {
      await (await entry.subscribed)();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not leave an events channel');
    }
  }

  #startChecks(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#check(), this.options.checkMs);
    this.#timer.unref();
  }

  /**
   * One statement for every followed stream. A subscriber is told the sequence read at the previous
   * check, which had a whole interval to be published: only a publication that went missing (or
   * is very late) sends its feed to the log.
   */
  async #check(): Promise<void> {
    if (this.#checking || this.#tenants.size === 0) return;
    this.#checking = true;
    try {
      const rows = await this.options.db
        .selectFrom('event_streams')
        .select(['tenant_id', 'last_sequence'])
        .where('tenant_id', 'in', [...this.#tenants.keys()])
        .execute();
      for (const row of rows) {
        const entry = this.#tenants.get(row.tenant_id);
        if (!entry) continue;
        if (entry.lastChecked > 0) for (const inbox of entry.inboxes) inbox.streamReached(entry.lastChecked);
        entry.lastChecked = Number(row.last_sequence);
      }
    } catch (error) {
      if (!this.#closed) this.options.logger.warn({ err: error }, 'could not check the event streams');
    } finally {
      this.#checking = false;
    }
  }
}
