import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { WriteWithoutEventError, write } from '../domain/write.js';
import { deliveriesChannel } from '../events/dispatcher.js';
import { envelopeOf } from '../events/envelope.js';
import type { Broker } from '../platform/broker.js';
import type { Database } from '../platform/database.js';
import type { Logger } from '../platform/logger.js';
import { settleWithin } from '../platform/patience.js';
import type { SecretBox } from '../platform/secret-box.js';
import { deliveryBody } from './delivery-body.js';
import { type DeliveryResponse, sendDelivery } from './delivery-http.js';
import { deliveryTimeoutMs, failingLimitMs, nextAttemptAt, retryAfterMs } from './delivery-schedule.js';
import { type ClaimedDelivery, claimDeliveries, recordAttempt, type Settlement } from './delivery-store.js';
import { endpointColumns } from './endpoints.repository.js';
import { endpointRecord, type SignatureMode } from './endpoints.service.js';
import { signatureHeader } from './signing.js';
import { signingMaterial } from './signing-material.js';
import { resolveTarget, type TargetOptions } from './target-guard.js';

// The delivery worker sends what the dispatcher queued (one webhook_deliveries row per event and
// endpoint), following Standard Webhooks. Every instance that is not ROLE=api runs one; they share
// the work through claims (delivery-store.ts), so any number may run against one database.
//
// At least once: a delivery is marked delivering under a lease before it is sent and settled after
// the response. A worker that dies in between leaves the lease to expire, and the next claim sends
// the delivery again with the same webhook-id (the event id), which receivers deduplicate on.
//
// It wakes on `webhooks:due` (the dispatcher publishes it after queuing deliveries), after each
// delivery it finishes, and on a timer, which also picks up retries as they fall due.

export interface DeliveryWorkerOptions {
  database: Database;
  broker: Broker;
  /** Opens the sealed endpoint secrets and signing keys. */
  box: SecretBox;
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: http and private addresses are allowed targets. */
  allowPrivateTargets: boolean;
  /** The time every decision is taken at (claims, leases, the retry schedule); tests move it. */
  clock?: () => Date;
  /** Deliveries in flight at once (default 8). */
  concurrency?: number;
  /** How long a claim holds a delivery before another worker may take it over (default 60 s). */
  leaseMs?: number;
  /** How often to look for due deliveries without a wake-up (default 1 s). */
  pollMs?: number;
  /** The limit on one request (default 15 s). */
  timeoutMs?: number;
  /** How long stop() lets in-flight requests run before cutting them off (default 10 s). */
  stopTimeoutMs?: number;
  /** The jitter's source (default Math.random). */
  random?: () => number;
  /** Resolves target host names (default: the system resolver; tests give their own). */
  lookup?: TargetOptions['lookup'];
}

/** The event a disabled endpoint emits. */
export const endpointDisabledEvent = 'webhook-endpoint.disabled';

/** disabled_reason values the worker sets. */
export const disabledReasons = { gone: 'gone', failing: 'failing for 5 days' } as const;

/** Headers an endpoint's custom headers may not set: the worker's own and the connection's. */
const reservedHeaders = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
]);

export class DeliveryWorker {
  readonly #db: Kysely<DB>;
  readonly #clock: () => Date;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stops: (() => Promise<void>)[] = [];
  /** Cuts off in-flight requests when stop() runs out of patience. */
  readonly #abort = new AbortController();
  #running = false;
  #wanted = false;
  #loop: Promise<void> | undefined;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.#db = options.database.background;
    this.#clock = options.clock ?? (() => new Date());
    this.#concurrency = options.concurrency ?? 8;
    this.#timeoutMs = options.timeoutMs ?? deliveryTimeoutMs;
    this.#leaseMs = options.leaseMs ?? 60_000;
    if (this.#leaseMs <= this.#timeoutMs) {
      // A lease shorter than a request would hand a delivery to a second worker while the first is
      // still sending it.
      throw new RangeError('The delivery lease must be longer than the request timeout');
    }
  }

  /** Listens for wake-ups, starts the poll timer and looks for due deliveries at once. */
  async start(): Promise<void> {
    this.#running = true;
    this.#stops.push(await this.options.broker.subscribe(deliveriesChannel, () => this.wake()));
    const poll = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
    poll.unref();
    this.#stops.push(async () => clearInterval(poll));
    this.wake();
  }

  /**
   * Claims nothing more and lets in-flight deliveries finish; after stopTimeoutMs the rest are cut
   * off and released (due again at once, for any instance).
   */
  async stop(): Promise<void> {
    this.#running = false;
    for (const stop of this.#stops.splice(0)) await stop();
    await this.#loop;
    await settleWithin([...this.#inFlight], this.options.stopTimeoutMs ?? 10_000, () => this.#abort.abort());
  }

  /** Looks for due deliveries now (a wake-up, or a test that wants it). */
  wake(): void {
    if (!this.#running) return;
    this.#wanted = true;
    this.#loop ??= this.#drain().finally(() => {
      this.#loop = undefined;
      // A delivery that finished while the loop was ending asked for another look.
      if (this.#wanted && this.#inFlight.size < this.#concurrency) this.wake();
    });
  }

  /** Claims one batch (up to the free concurrency), sends it and waits for every result; returns how many. */
  async runOnce(): Promise<number> {
    const claimed = await this.#claim(Math.max(1, this.#concurrency - this.#inFlight.size));
    await Promise.all(claimed.map((delivery) => this.#track(delivery)));
    return claimed.length;
  }

  async #drain(): Promise<void> {
    while (this.#wanted && this.#running) {
      const free = this.#concurrency - this.#inFlight.size;
      // Full: the next delivery to finish wakes the loop again.
      if (free <= 0) return;
      this.#wanted = false;
      let claimed: ClaimedDelivery[];
      try {
        claimed = await this.#claim(free);
      } catch (error) {
        this.options.logger.error({ err: error }, 'claiming webhook deliveries failed');
        return;
      }
      for (const delivery of claimed) void this.#track(delivery).finally(() => this.wake());
      // A full batch may have left more behind.
      if (claimed.length === free) this.#wanted = true;
    }
  }

  #claim(limit: number): Promise<ClaimedDelivery[]> {
    return claimDeliveries(this.#db, { limit, now: this.#clock(), leaseMs: this.#leaseMs });
  }

  #track(delivery: ClaimedDelivery): Promise<void> {
    const sending = this.#deliver(delivery).catch((error) => {
      // The attempt could not be recorded (the database went away): the lease expires and
      // another claim sends the delivery again.
      this.options.logger.error({ err: error, delivery: delivery.id }, 'webhook delivery failed');
    });
    this.#inFlight.add(sending);
    return sending.finally(() => this.#inFlight.delete(sending));
  }

  async #deliver(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = this.#clock();
    const response = await this.#send(delivery, attemptedAt);
    const now = this.#clock();
    const settlement = this.#settle(delivery, response, now);
    const { failingSince } = await recordAttempt(
      this.#db,
      delivery,
      {
        attemptedAt,
        statusCode: response.statusCode,
        durationMs: response.durationMs,
        error: response.error,
        responseBody: response.body,
      },
      settlement,
      now,
    );
    const log = this.options.logger;
    const context = {
      delivery: delivery.id,
      endpoint: delivery.endpoint_id,
      webhookId: delivery.message_id,
      attempt: delivery.attempts,
      status: response.statusCode,
    };
    if (settlement.status === 'gone') {
      await this.#disable(delivery, disabledReasons.gone, now);
    } else if (settlement.status === 'failed') {
      log.info({ ...context, err: response.error, next: settlement.next }, 'webhook delivery attempt failed');
      if (failingSince && now.getTime() - failingSince.getTime() >= failingLimitMs) {
        await this.#disable(delivery, disabledReasons.failing, now);
      }
    }
  }

  /** One request: resolve and check the target, sign, send. Nothing here throws. */
  async #send(delivery: ClaimedDelivery, now: Date): Promise<DeliveryResponse> {
    try {
      const envelope = delivery.payload ?? (delivery.event ? envelopeOf(delivery.event) : undefined);
      if (envelope === undefined) return failure('the event is no longer in the log');
      const body = await deliveryBody(envelope as Record<string, unknown>, delivery.content_type);
      const target = await resolveTarget(delivery.url, {
        allowPrivate: this.options.allowPrivateTargets,
        ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
      });
      const material = await signingMaterial(
        this.#db,
        this.options.box,
        delivery.tenant_id,
        { id: delivery.endpoint_id, signatures: delivery.signatures as SignatureMode },
        now,
      );
      const timestamp = Math.floor(now.getTime() / 1000);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries((delivery.headers ?? {}) as Record<string, unknown>)) {
        const lower = name.toLowerCase();
        if (typeof value === 'string' && !reservedHeaders.has(lower) && !lower.startsWith('webhook-'))
          headers[lower] = value;
      }
      Object.assign(headers, {
        'content-type': delivery.content_type,
        'user-agent': 'Portico-Webhooks/1.0',
        'webhook-id': delivery.message_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader({
          messageId: delivery.message_id,
          timestamp,
          body,
          secrets: material.secrets,
          keys: material.keys,
        }),
      });
      return await sendDelivery({
        url: delivery.url,
        target,
        headers,
        body,
        timeoutMs: this.#timeoutMs,
        signal: this.#abort.signal,
      });
    } catch (error) {
      // A refused target (ValidationError from the guard), no signing material, a sealed secret
      // that does not open: recorded like a failed request.
      const err = error as { name?: string; message?: string };
      const message = err.message ?? String(error);
      return failure(err.name === 'ValidationError' ? `target refused: ${message}` : message);
    }
  }

  #settle(delivery: ClaimedDelivery, response: DeliveryResponse, now: Date): Settlement {
    const code = response.statusCode;
    if (code !== undefined && code >= 200 && code < 300) return { status: 'succeeded' };
    if (code === 410) return { status: 'gone' };
    if (code === undefined && this.#abort.signal.aborted) return { status: 'released' };
    const backOff =
      code === 429 || code === 503 ? retryAfterMs(response.headers['retry-after'], now) : undefined;
    return {
      status: 'failed',
      next: nextAttemptAt(delivery.attempts, now, {
        retryAfterMs: backOff,
        ...(this.options.random ? { random: this.options.random } : {}),
      }),
    };
  }

  /** Disables the endpoint (unless something else already did) and emits webhook-endpoint.disabled. */
  async #disable(delivery: ClaimedDelivery, reason: string, now: Date): Promise<void> {
    const scope = { tenantId: delivery.tenant_id, whiteLabelId: delivery.white_label_id };
    try {
      await write(this.#db, scope, async (tx, emit) => {
        let update = tx
          .updateTable('webhook_endpoints')
          .set({ enabled: false, disabled_reason: reason })
          .where('id', '=', delivery.endpoint_id)
          .where('enabled', '=', true)
          .where('deleted_at', 'is', null);
        if (reason === disabledReasons.failing) {
          update = update.where('failing_since', '<=', new Date(now.getTime() - failingLimitMs));
        }
        const endpoint = await update.returning(endpointColumns).executeTakeFirst();
        if (endpoint) {
          emit({
            type: endpointDisabledEvent,
            resourceId: endpoint.id,
            data: { ...endpointRecord(endpoint) },
            changedFields: ['enabled', 'disabled_reason'],
          });
        }
      });
      this.options.logger.warn(
        { endpoint: delivery.endpoint_id, tenant: delivery.tenant_id, reason },
        'webhook endpoint disabled',
      );
    } catch (error) {
      // Already disabled, deleted or healthy again: nothing to do.
      if (!(error instanceof WriteWithoutEventError)) throw error;
    }
  }
}

function failure(error: string): DeliveryResponse {
  return { headers: {}, body: '', durationMs: 0, error };
}
