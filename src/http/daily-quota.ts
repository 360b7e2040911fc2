import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { findDailyQuota } from '../auth/credential-quota.repository.js';
import type { Viewer } from '../auth/viewer.js';
import type { Broker } from '../platform/broker.js';
import { BrokerFallback } from '../platform/broker-fallback.js';
import type { Logger } from '../platform/logger.js';
import { type UsageRecorder, utcDay } from './usage-recorder.js';

/** A credential's declared daily volume is spent: 429 until the next UTC midnight, in every dialect. */
export class QuotaExceededError extends Error {
  readonly code = 'daily_quota_exceeded';
  readonly retryAfterSeconds: number;
  constructor(
    readonly quota: number,
    readonly resetsAt: Date,
    now: number,
  ) {
    super(
      `This credential's daily quota of ${quota} requests is spent; it resets at ${resetsAt.toISOString()}`,
    );
    this.name = 'QuotaExceededError';
    this.retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now) / 1000));
  }
}

/** Channel on which instances tell each other that a credential's quota changed. */
export const quotaChangedChannel = 'credentials.quota-changed';

/** How long a credential's quota is trusted before it is read again (a change announced evicts it at once). */
const quotaTtlMs = 30_000;
/** A day's counter outlives its day, whatever the clock skew between instances. */
const counterTtlMs = 2 * 24 * 60 * 60 * 1000;

type Credential = Viewer['credential'];

/**
 * Holds each credential to its daily quota, and counts every authenticated request in the usage
 * records. Checked right after authentication and before the tenant's rate limit, so a refused
 * credential spends none of its tenant's budget. Only credentials with a quota cost a broker call:
 * one counter per credential and UTC day, shared by every instance through Redis (in-process on the
 * embedded default, and while Redis fails). A refused request is not counted against the quota, so
 * a quota raised during the day admits the difference.
 */
export class DailyQuota {
  readonly #quotas = new Map<string, { quota: number | null; loadedAt: number }>();
  readonly #loading = new Map<string, Promise<number | null>>();
  readonly #counters: BrokerFallback;
  /** Bumped by every eviction, so a read that raced a change is not cached. */
  #generation = 0;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      broker: Broker;
      logger: Logger;
      usage: UsageRecorder;
      now?: () => number;
      /** How long a quota read is trusted (30 s by default). */
      quotaTtlMs?: number;
    },
  ) {
    this.#counters = new BrokerFallback({ ...deps, what: 'daily quotas' });
  }

  get usage(): UsageRecorder {
    return this.deps.usage;
  }

  get degraded(): boolean {
    return this.#counters.degraded;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.broker.subscribe(quotaChangedChannel, (credentialId) =>
      this.#evict(credentialId),
    );
  }

  async close(): Promise<void> {
    await this.#unsubscribe?.();
    await this.#counters.close();
  }

  /** Counts the request, and throws QuotaExceededError when it is over the credential's quota. */
  async admit(viewer: Viewer): Promise<void> {
    const now = this.#now();
    const day = utcDay(now);
    const quota = await this.quotaOf(viewer.credential);
    if (quota === null) {
      this.deps.usage.count(viewer, day, 'admitted');
      return;
    }
    const key = `quota:${viewer.credential.id}:${day}`;
    const count = await this.#counters.run((broker) => broker.increment(key, counterTtlMs));
    if (count <= quota) {
      this.deps.usage.count(viewer, day, 'admitted');
      return;
    }
    this.deps.usage.count(viewer, day, 'refused');
    // Takes the refused attempt back: every attempt from here is refused too, so the counter never
    // drops below the requests admitted.
    await this.#counters.run((broker) => broker.set(key, String(quota), counterTtlMs));
    throw new QuotaExceededError(quota, nextUtcMidnight(now), now);
  }

  /** The credential's quota (null: none), read at most every 30 s per credential. */
  async quotaOf(credential: Credential): Promise<number | null> {
    const cached = this.#quotas.get(credential.id);
    if (cached && this.#now() - cached.loadedAt < (this.deps.quotaTtlMs ?? quotaTtlMs)) return cached.quota;
    let loading = this.#loading.get(credential.id);
    if (!loading) {
      loading = this.#load(credential).finally(() => this.#loading.delete(credential.id));
      this.#loading.set(credential.id, loading);
    }
    return loading;
  }

  async #load(credential: Credential): Promise<number | null> {
    const generation = this.#generation;
    const quota = await findDailyQuota(this.deps.db, credential);
    if (generation === this.#generation) this.#quotas.set(credential.id, { quota, loadedAt: this.#now() });
    if (this.#quotas.size > 10_000) this.#quotas.delete(this.#quotas.keys().next().value as string);
    return quota;
  }

  /** A credential's quota changed: every instance reads it again on its next request. */
  async changed(credentialId: string): Promise<void> {
    this.#evict(credentialId);
    try {
      await this.deps.broker.publish(quotaChangedChannel, credentialId);
    } catch (error) {
      // The other instances read it again within the cache's lifetime anyway.
      this.deps.logger.warn({ err: error }, 'could not announce a changed daily quota');
    }
  }

  #evict(credentialId: string): void {
    this.#generation++;
    this.#quotas.delete(credentialId);
  }
}

export function nextUtcMidnight(now: number): Date {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight;
}
