import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { serializeList } from 'structured-headers';
import type { DB } from '../../db/types.js';
import type { Broker, TokenBucketResult } from '../platform/broker.js';
import type { Logger } from '../platform/logger.js';
import { MemoryBroker } from '../platform/memory-broker.js';

/** A tenant's budget: a token bucket refilled at `perMinute` a minute, holding at most `burst`. */
export interface RateLimitPolicy {
  perMinute: number;
  burst: number;
}

/** Over budget: every surface renders it as a 429 with Retry-After, in its own dialect. */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`This tenant's request budget is spent: retry in ${retryAfterSeconds} s`);
  }
}

export interface RateLimitDecision {
  policy: RateLimitPolicy;
  result: TokenBucketResult;
}

/** How long a tenant's override is trusted before it is read again (`tenant limits` takes this long). */
const overrideTtlMs = 30_000;
/** A broker call slower than this counts as a failure: a request never waits on a sick Redis. */
const brokerTimeoutMs = 1_000;
/** After a failure, how long the in-process bucket is used before Redis is tried again. */
const retryBrokerAfterMs = 5_000;

const policyName = 'default';

/**
 * One budget per tenant across every authenticated surface. The bucket lives in the broker (one
 * atomic Lua script per check on Redis, so it is exact across instances; in-process on the
 * embedded default). When Redis fails, each instance falls back to its own in-process bucket at the
 * same rate — fail open, but bounded: the budget becomes per instance, not unlimited — and tries
 * Redis again every few seconds; `degraded` says so to /readyz and /metrics.
 */
export class RateLimiter {
  readonly #overrides = new Map<string, { policy: RateLimitPolicy; loadedAt: number }>();
  readonly #loading = new Map<string, Promise<RateLimitPolicy>>();
  readonly #fallback = new MemoryBroker();
  /** When the broker last failed; undefined while it answers. */
  #failedAt: number | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      broker: Broker;
      defaults: RateLimitPolicy;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  get degraded(): boolean {
    return this.#failedAt !== undefined;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Takes one token from the tenant's bucket. */
  async take(tenantId: string): Promise<RateLimitDecision> {
    const policy = await this.policyFor(tenantId);
    const bucket = { capacity: policy.burst, refillPerSecond: policy.perMinute / 60 };
    const key = `ratelimit:${tenantId}`;
    if (this.#failedAt === undefined || this.#now() - this.#failedAt >= retryBrokerAfterMs) {
      try {
        const result = await withTimeout(this.deps.broker.takeTokens(key, bucket, 1), brokerTimeoutMs);
        if (this.#failedAt !== undefined) this.deps.logger.info('rate limits are shared through Redis again');
        this.#failedAt = undefined;
        return { policy, result };
      } catch (error) {
        if (this.#failedAt === undefined) {
          this.deps.logger.warn({ err: error }, 'rate limits fall back to this instance while Redis fails');
        }
        this.#failedAt = this.#now();
      }
    }
    return { policy, result: await this.#fallback.takeTokens(key, bucket, 1) };
  }

  /** Takes a token, sets the RateLimit headers on `reply`, and throws when the budget is spent. */
  async enforce(tenantId: string, reply: FastifyReply): Promise<void> {
    const decision = await this.take(tenantId);
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) reply.header(name, value);
    if (!decision.result.allowed) throw new RateLimitedError(retryAfterSeconds(decision.result));
  }

  /** The tenant's override, or the deployment's default; read at most every 30 s per tenant. */
  async policyFor(tenantId: string): Promise<RateLimitPolicy> {
    const cached = this.#overrides.get(tenantId);
    if (cached && this.#now() - cached.loadedAt < overrideTtlMs) return cached.policy;
    let loading = this.#loading.get(tenantId);
    if (!loading) {
      loading = this.#load(tenantId).finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return loading;
  }

  async #load(tenantId: string): Promise<RateLimitPolicy> {
    const row = await this.deps.db
      .selectFrom('tenants')
      .select(['rate_limit_per_minute', 'rate_limit_burst'])
      .where('id', '=', tenantId)
      .executeTakeFirst();
    const policy = {
      perMinute: row?.rate_limit_per_minute ?? this.deps.defaults.perMinute,
      burst: row?.rate_limit_burst ?? this.deps.defaults.burst,
    };
    this.#overrides.set(tenantId, { policy, loadedAt: this.#now() });
    if (this.#overrides.size > 10_000) this.#overrides.delete(this.#overrides.keys().next().value as string);
    return policy;
  }

  async close(): Promise<void> {
    await this.#fallback.close();
  }
}

export function retryAfterSeconds(result: TokenBucketResult): number {
  return Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}

/**
 * The IETF httpapi RateLimit fields (draft-ietf-httpapi-ratelimit-headers), Structured Field Lists:
 * `RateLimit-Policy: "default";q=<requests a minute>;w=60` and `RateLimit: "default";r=<remaining>;t=<seconds
 * until the bucket is full again>`.
 */
export function rateLimitHeaders({ policy, result }: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-policy': serializeList([
      [
        policyName,
        new Map([
          ['q', policy.perMinute],
          ['w', 60],
        ]),
      ],
    ]),
    ratelimit: serializeList([
      [
        policyName,
        new Map([
          ['r', result.remaining],
          ['t', Math.ceil(result.resetMs / 1000)],
        ]),
      ],
    ]),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
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
