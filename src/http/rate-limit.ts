import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { serializeList } from 'structured-headers';
import type { DB } from '../../db/types.js';
import type { Broker, TokenBucketResult } from '../platform/broker.js';
import { BrokerFallback } from '../platform/broker-fallback.js';
import type { Logger } from '../platform/logger.js';

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
  /** The tokens this check drew, or would have drawn when refused. */
  tokens: number;
}

/**
 * Cost units a token buys: a GraphQL operation draws one token per 100 of the cost GraphQL Armor
 * computes for it (src/graphql/operation-cost.ts), a v1 list one per 100 rows it may return.
 */
export const costPerToken = 100;

/** The tokens a request of this cost draws: ⌈cost / 100⌉, and at least one however cheap. */
export function tokensFor(cost: number): number {
  return Math.max(1, Math.ceil(cost / costPerToken));
}

/**
 * A draw never exceeds the bucket: a request dearer than the burst takes the whole bucket, so
 * anything the GraphQL limits accept still runs once the bucket is full, rather than never.
 */
export function drawable(tokens: number, policy: RateLimitPolicy): number {
  return Math.min(tokens, policy.burst);
}

/** How long a tenant's override is trusted before it is read again (`tenant limits` takes this long). */
const overrideTtlMs = 30_000;

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
  readonly #buckets: BrokerFallback;

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      broker: Broker;
      defaults: RateLimitPolicy;
      logger: Logger;
      now?: () => number;
    },
  ) {
    this.#buckets = new BrokerFallback({ ...deps, what: 'rate limits' });
  }

  get degraded(): boolean {
    return this.#buckets.degraded;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Takes `cost` tokens (at most the bucket's size) from the tenant's bucket, or none when it holds fewer. */
  async take(tenantId: string, cost = 1): Promise<RateLimitDecision> {
    const policy = await this.policyFor(tenantId);
    const tokens = drawable(cost, policy);
    const bucket = { capacity: policy.burst, refillPerSecond: policy.perMinute / 60 };
    const key = `ratelimit:${tenantId}`;
    return {
      policy,
      result: await this.#buckets.run((broker) => broker.takeTokens(key, bucket, tokens)),
      tokens,
    };
  }

  /** Takes `cost` tokens, sets the RateLimit headers on `reply`, and throws when the budget is spent. */
  async enforce(tenantId: string, reply: FastifyReply, cost = 1): Promise<RateLimitDecision> {
    const decision = await this.take(tenantId, cost);
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) reply.header(name, value);
    if (!decision.result.allowed) throw new RateLimitedError(retryAfterSeconds(decision.result));
    return decision;
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
    await this.#buckets.close();
  }
}

export function retryAfterSeconds(result: TokenBucketResult): number {
  return Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}

/**
 * The IETF httpapi RateLimit fields (draft-ietf-httpapi-ratelimit-headers), Structured Field Lists:
 * `RateLimit-Policy: "default";q=<tokens a minute>;w=60` and `RateLimit: "default";r=<tokens left>;t=<seconds
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
