import type { Broker } from './broker.js';
import { MemoryBroker } from './memory-broker.js';
import type { RedisBrokerOptions } from './redis-broker.js';

/** The Redis client is loaded only when Redis is configured. */
export async function createBroker(
  url: string | undefined,
  options: RedisBrokerOptions = {},
): Promise<Broker> {
  if (!url) return new MemoryBroker();
  const { RedisBroker } = await import('./redis-broker.js');
  return new RedisBroker(url, options);
}
