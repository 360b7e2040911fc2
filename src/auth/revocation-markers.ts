import type { Broker } from '../platform/broker.js';
import { brokerTimeoutMs, withTimeout } from '../platform/broker-fallback.js';

interface Waiter {
  resolve: (marked: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Checks revocation markers for every request without a broker round trip each: the requests that
 * arrive while a read is in flight wait for the next read, which starts the moment that one returns
 * and asks for all their markers at once (MGET). A request is never answered by a read that began
 * before it arrived — so a revocation announced before a request came in is always seen, exactly as
 * with one read per request — while under load one round trip serves a whole batch.
 */
export class RevocationMarkers {
  #waiting = new Map<string, Waiter[]>();
  #reading = false;

  constructor(private readonly broker: Broker) {}

  isMarked(key: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      if (!this.#reading) void this.#read();
    });
  }

  async #read(): Promise<void> {
    this.#reading = true;
    while (this.#waiting.size > 0) {
      const batch = this.#waiting;
      this.#waiting = new Map();
      const keys = [...batch.keys()];
      try {
        const values = await withTimeout(this.broker.getMany(keys), brokerTimeoutMs);
        keys.forEach((key, index) => {
          for (const waiter of batch.get(key) ?? []) waiter.resolve(values[index] != null);
        });
      } catch (error) {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#reading = false;
  }
}
