/**
 * Short-lived shared state and fan-out between instances: Redis in production, in-process on the
 * embedded default. Everything durable lives in Postgres instead.
 */
export interface Broker {
  readonly kind: 'redis' | 'memory';
  /** Delivers `message` to every subscriber of `channel` on every instance. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /** Increments a counter that expires `ttlMs` after it was created (fixed window); returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Sets `key` only if it is absent (single-use records such as JWT ids); true when it was set. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip, in order. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically takes `cost` tokens from a bucket that refills continuously up to `capacity`. */
  takeTokens(key: string, bucket: TokenBucket, cost?: number): Promise<TokenBucketResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface TokenBucket {
  capacity: number;
  refillPerSecond: number;
}

export interface TokenBucketResult {
  allowed: boolean;
  /** Whole tokens left after this call. */
  remaining: number;
  /** When refused: milliseconds until `cost` tokens are available; otherwise 0. */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/** The token-bucket rule, shared by the in-process broker and mirrored by the Redis Lua script. */
export function refill(
  state: { tokens: number; at: number } | undefined,
  bucket: TokenBucket,
  now: number,
  cost: number,
): { state: { tokens: number; at: number }; result: TokenBucketResult } {
  const elapsed = state ? Math.max(0, now - state.at) : 0;
  const available = Math.min(
    bucket.capacity,
    (state?.tokens ?? bucket.capacity) + (elapsed * bucket.refillPerSecond) / 1000,
  );
  const allowed = available >= cost;
  const tokens = allowed ? available - cost : available;
  const perMs = bucket.refillPerSecond / 1000;
  return {
    state: { tokens, at: now },
    result: {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterMs: allowed ? 0 : Math.ceil((cost - tokens) / perMs),
      resetMs: Math.ceil((bucket.capacity - tokens) / perMs),
    },
  };
}
