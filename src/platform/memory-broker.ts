import { EventEmitter } from 'node:events';
import { type Broker, refill, type TokenBucket, type TokenBucketResult } from './broker.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** The embedded default's broker: one process, so a Map and an EventEmitter are the whole truth. */
export class MemoryBroker implements Broker {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #buckets = new Map<string, { tokens: number; at: number; expiresAt: number }>();
  readonly #bus = new EventEmitter().setMaxListeners(0);
  readonly #sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.#sweeper = setInterval(() => this.#sweep(), 30_000).unref();
  }

  async publish(channel: string, message: string): Promise<void> {
    // Asynchronous like Redis: a publisher never runs subscriber code on its own stack.
    setImmediate(() => this.#bus.emit(channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.#bus.on(channel, onMessage);
    return async () => {
      this.#bus.off(channel, onMessage);
    };
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.#live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    this.#entries.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? this.now() + ttlMs });
    return next;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.#live(key)?.value ?? null);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
    this.#buckets.delete(key);
  }

  async takeTokens(key: string, bucket: TokenBucket, cost = 1): Promise<TokenBucketResult> {
    const now = this.now();
    const stored = this.#buckets.get(key);
    const { state, result } = refill(
      stored && stored.expiresAt > now ? stored : undefined,
      bucket,
      now,
      cost,
    );
    this.#buckets.set(key, { ...state, expiresAt: now + result.resetMs + 1000 });
    return result;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#bus.removeAllListeners();
    this.#entries.clear();
    this.#buckets.clear();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const [key, bucket] of this.#buckets) if (bucket.expiresAt <= now) this.#buckets.delete(key);
  }
}
