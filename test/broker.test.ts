import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../src/platform/broker.js';
import { MemoryBroker } from '../src/platform/memory-broker.js';
import { RedisBroker } from '../src/platform/redis-broker.js';
import { redisUrl } from './helpers/environment.js';

// The same contract runs against every implementation available here: in-process always, Redis
// when REDIS_URL is set. "Two instances" are two brokers on one Redis, or one in-process broker
// (which is all a single embedded process has).
const implementations: { name: string; pair: () => [Broker, Broker] }[] = [
  {
    name: 'memory',
    pair: () => {
      const broker = new MemoryBroker();
      return [broker, broker];
    },
  },
];
if (redisUrl) {
  implementations.push({
    name: 'redis',
    pair: () => {
      const namespace = `test-${randomUUID()}`;
      return [new RedisBroker(redisUrl!, { namespace }), new RedisBroker(redisUrl!, { namespace })];
    },
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await pause(5);
  }
}

describe.each(implementations)('$name broker', ({ pair }) => {
  let open: Broker[] = [];
  const brokers = () => {
    const [a, b] = pair();
    open.push(a, b);
    return [a, b] as const;
  };
  afterEach(async () => {
    await Promise.all([...new Set(open)].map((b) => b.close()));
    open = [];
  });

  it('fans a message out to subscribers on every instance, and stops after unsubscribe', async () => {
    const [a, b] = brokers();
    const onA: string[] = [];
    const onB: string[] = [];
    const unsubscribeA = await a.subscribe('news', (message) => onA.push(message));
    await b.subscribe('news', (message) => onB.push(message));
    await a.publish('news', 'hello');
    await waitUntil(() => onA.length === 1 && onB.length === 1);
    expect([onA, onB]).toEqual([['hello'], ['hello']]);
    await unsubscribeA();
    await b.publish('news', 'again');
    await waitUntil(() => onB.length === 2);
    await pause(50);
    expect([onA, onB]).toEqual([['hello'], ['hello', 'again']]);
  });

  it('counts in a window that expires', async () => {
    const [a, b] = brokers();
    expect(await a.increment('window', 80)).toBe(1);
    expect(await b.increment('window', 80)).toBe(2);
    await pause(150);
    expect(await a.increment('window', 80)).toBe(1);
  });

  it('sets a single-use key once, until it expires', async () => {
    const [a, b] = brokers();
    expect(await a.setIfAbsent('jti:1', 'used', 80)).toBe(true);
    expect(await b.setIfAbsent('jti:1', 'used', 80)).toBe(false);
    expect(await b.get('jti:1')).toBe('used');
    await pause(150);
    expect(await b.get('jti:1')).toBeNull();
    expect(await b.setIfAbsent('jti:1', 'used', 80)).toBe(true);
  });

  it('stores, reads and deletes short-lived keys', async () => {
    const [a, b] = brokers();
    await a.set('k', 'v', 10_000);
    expect(await b.get('k')).toBe('v');
    await b.delete('k');
    expect(await a.get('k')).toBeNull();
  });

  it('reads several keys in one call, in order, absent ones as null', async () => {
    const [a, b] = brokers();
    await a.set('many:1', 'one', 10_000);
    await a.set('many:3', 'three', 10_000);
    expect(await b.getMany(['many:1', 'many:2', 'many:3'])).toEqual(['one', null, 'three']);
    expect(await b.getMany([])).toEqual([]);
  });

  it('shares one token bucket: burst, refusal with retry time, refill', async () => {
    const [a, b] = brokers();
    const bucket = { capacity: 5, refillPerSecond: 20 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await (i % 2 ? a : b).takeTokens('bucket', bucket));
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(results.at(-1)?.remaining).toBe(0);
    const refused = await a.takeTokens('bucket', bucket);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
    await pause(120);
    const again = await b.takeTokens('bucket', bucket);
    expect(again.allowed).toBe(true);
  });

  it('answers ping', async () => {
    const [a] = brokers();
    await expect(a.ping()).resolves.toBeUndefined();
  });
});
