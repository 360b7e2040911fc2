import type { Broker } from './broker.js';
import type { Logger } from './logger.js';
import { MemoryBroker } from './memory-broker.js';

/** A broker call slower than this counts as a failure: a request never waits on a sick Redis. */
export const brokerTimeoutMs = 1_000;
/** After a failure, how long the in-process broker answers before Redis is tried again. */
const retryBrokerAfterMs = 5_000;

/**
 * Runs the broker calls a request waits on (rate-limit buckets, quota counters). When Redis fails,
 * the calls go to an in-process broker instead — fail open, but bounded: a budget becomes per
 * instance, not unlimited — and Redis is tried again every few seconds; `degraded` says so to
 * /readyz and /metrics.
 */
export class BrokerFallback {
  readonly #fallback = new MemoryBroker();
  /** When the broker last failed; undefined while it answers. */
  #failedAt: number | undefined;

  constructor(
    private readonly deps: {
      broker: Broker;
      logger: Logger;
      /** What the calls keep, for the log lines: "rate limits", "daily quotas". */
      what: string;
      now?: () => number;
    },
  ) {}

  get degraded(): boolean {
    return this.#failedAt !== undefined;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Runs `call` on the shared broker, or on the in-process one while the shared one fails. */
  async run<T>(call: (broker: Broker) => Promise<T>): Promise<T> {
    if (this.#failedAt === undefined || this.#now() - this.#failedAt >= retryBrokerAfterMs) {
      try {
        const result = await withTimeout(call(this.deps.broker), brokerTimeoutMs);
        if (this.#failedAt !== undefined)
          this.deps.logger.info(`${this.deps.what} are shared through Redis again`);
        this.#failedAt = undefined;
        return result;
      } catch (error) {
        if (this.#failedAt === undefined) {
          this.deps.logger.warn(
            { err: error },
            `${this.deps.what} fall back to this instance while Redis fails`,
          );
        }
        this.#failedAt = this.#now();
      }
    }
    return call(this.#fallback);
  }

  async close(): Promise<void> {
    await this.#fallback.close();
  }
}

/** `promise`, or a rejection once `ms` have passed without an answer. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
