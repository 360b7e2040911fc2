import { Redis } from 'ioredis';
import type { Broker, TokenBucket, TokenBucketResult } from './broker.js';
import { brokerTimeoutMs, withTimeout } from './broker-fallback.js';

// The same rule as refill() in broker.ts, run atomically inside Redis on Redis's clock so every
// instance shares one bucket whatever their own clocks say.
const takeTokensScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2]) / 1000
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
local reset = math.ceil((capacity - tokens) / perMs)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], reset + 1000)
local retry = 0
if allowed == 0 then retry = math.ceil((cost - tokens) / perMs) end
return { allowed, math.floor(tokens), retry, reset }
`;

// INCR + PEXPIRE on first use, atomically (PEXPIRE's NX flag would need Redis 7).
const incrementScript = `
local value = redis.call('INCR', KEYS[1])
if value == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value
`;

type WithTakeTokens = Redis & {
  takeTokens(key: string, capacity: number, refillPerSecond: number, cost: number): Promise<number[]>;
  incrementWindow(key: string, ttlMs: number): Promise<number>;
};

export interface RedisBrokerOptions {
  /** Prefix for every key and channel, so deployments (or test files) can share one Redis. */
  namespace?: string;
  onError?: (error: Error) => void;
}

export class RedisBroker implements Broker {
  readonly kind = 'redis' as const;
  readonly #redis: WithTakeTokens;
  readonly #prefix: string;
  readonly #handlers = new Map<string, Set<(message: string) => void>>();
  readonly #options: RedisBrokerOptions;
  readonly #url: string;
  #subscriber: Redis | undefined;

  constructor(url: string, options: RedisBrokerOptions = {}) {
    this.#url = url;
    this.#options = options;
    this.#prefix = `portico:${options.namespace ? `${options.namespace}:` : ''}`;
    // Commands issued in the same tick share one write (requests check the budget and revocation
    // markers concurrently); the subscriber connection takes none but (un)subscribe.
    this.#redis = this.#connect({ enableAutoPipelining: true }) as WithTakeTokens;
    this.#redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: takeTokensScript });
    this.#redis.defineCommand('incrementWindow', { numberOfKeys: 1, lua: incrementScript });
  }

  #connect(extra: { enableAutoPipelining?: boolean } = {}): Redis {
    const redis = new Redis(this.#url, {
      ...extra,
      keyPrefix: this.#prefix,
      // Fail fast so a request (or readiness probe) is refused instead of hanging while Redis is away.
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      lazyConnect: false,
    });
    // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
    redis.on('error', (error) => this.#options.onError?.(error));
    return redis;
  }

  async publish(channel: string, message: string): Promise<void> {
    // keyPrefix does not apply to channels, so they are prefixed here.
    await this.#redis.publish(this.#prefix + channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = this.#subscriberConnection();
    const name = this.#prefix + channel;
    let handlers = this.#handlers.get(name);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(name, handlers);
      await subscriber.subscribe(name);
    }
    handlers.add(onMessage);
    return async () => {
      const set = this.#handlers.get(name);
      if (!set?.delete(onMessage) || set.size > 0) return;
      this.#handlers.delete(name);
      await subscriber.unsubscribe(name);
    };
  }

  #subscriberConnection(): Redis {
    if (!this.#subscriber) {
      const subscriber = this.#connect();
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.#handlers.get(channel) ?? []) handler(message);
      });
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return this.#redis.incrementWindow(key, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async get(key: string): Promise<string | null> {
    return this.#redis.get(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.length === 0 ? [] : this.#redis.mget(...keys);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#redis.set(key, value, 'PX', ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.#redis.del(key);
  }

  async takeTokens(key: string, bucket: TokenBucket, cost = 1): Promise<TokenBucketResult> {
    const [allowed = 0, remaining = 0, retryAfterMs = 0, resetMs = 0] = await this.#redis.takeTokens(
      key,
      bucket.capacity,
      bucket.refillPerSecond,
      cost,
    );
    return { allowed: allowed === 1, remaining, retryAfterMs, resetMs };
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  /** Quits politely, or drops the connections when Redis does not answer: a stop never waits on it. */
  async close(): Promise<void> {
    const connections = [this.#redis, ...(this.#subscriber ? [this.#subscriber] : [])];
    const quit = Promise.allSettled(connections.map((redis) => redis.quit()));
    await withTimeout(quit, brokerTimeoutMs).catch(() => {
      for (const redis of connections) redis.disconnect();
    });
  }
}
