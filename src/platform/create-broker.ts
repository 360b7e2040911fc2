import type { Broker } from './broker.js';
import { MemoryBroker } from './memory-broker.js';
import { RedisBroker, type RedisBrokerOptions } from './redis-broker.js';

export function createBroker(url: string | undefined, options: RedisBrokerOptions = {}): Broker {
  return url ? new RedisBroker(url, options) : new MemoryBroker();
}
