import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RevocationMarkers } from '../src/auth/revocation-markers.js';
import type { Broker } from '../src/platform/broker.js';
import { MemoryBroker } from '../src/platform/memory-broker.js';
import { RedisBroker } from '../src/platform/redis-broker.js';
import { redisUrl } from './helpers/environment.js';

// Revocation markers are read in batches, but never by a read that began before the request that
// asks: on the in-process broker always, on Redis when REDIS_URL is set.

const brokers: { name: string; open: () => Broker }[] = [{ name: 'memory', open: () => new MemoryBroker() }];
if (redisUrl) {
  brokers.push({
    name: 'redis',
    open: () => new RedisBroker(redisUrl!, { namespace: `test-${randomUUID()}` }),
  });
}

/** The broker, with its reads counted and each answer (read at once) held until released. */
function gated(broker: Broker) {
  const reads: { keys: readonly string[]; release: () => void }[] = [];
  const getMany = broker.getMany.bind(broker);
  broker.getMany = async (keys) => {
    const values = await getMany(keys);
    await new Promise<void>((release) => reads.push({ keys, release }));
    return values;
  };
  return reads;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe.each(brokers)('revocation markers on $name', ({ open }) => {
  let broker: Broker;
  afterEach(async () => {
    await broker?.close();
  });

  it('answers every request waiting meanwhile with one read', async () => {
    broker = open();
    await broker.set('revoked:a', '1', 10_000);
    const reads = gated(broker);
    const markers = new RevocationMarkers(broker);
    const first = markers.isMarked('revoked:a');
    await settle();
    const waiting = [
      markers.isMarked('revoked:a'),
      markers.isMarked('revoked:b'),
      markers.isMarked('revoked:b'),
    ];
    reads[0]!.release();
    expect(await first).toBe(true);
    await settle();
    expect(reads).toHaveLength(2);
    expect(reads[1]!.keys).toEqual(['revoked:a', 'revoked:b']);
    reads[1]!.release();
    expect(await Promise.all(waiting)).toEqual([true, false, false]);
  });

  it('never answers a request with a read that began before it arrived', async () => {
    broker = open();
    const reads = gated(broker);
    const markers = new RevocationMarkers(broker);
    const before = markers.isMarked('revoked:c');
    await settle();
    // Revoked while that read is in flight, then a request arrives: it must see the revocation.
    await broker.set('revoked:c', '1', 10_000);
    const after = markers.isMarked('revoked:c');
    reads[0]!.release();
    await settle();
    reads[1]!.release();
    expect(await before).toBe(false);
    expect(await after).toBe(true);
  });

  it('passes a failed read on to the requests it was for, and reads again for the next', async () => {
    broker = open();
    const markers = new RevocationMarkers(broker);
    const getMany = broker.getMany.bind(broker);
    broker.getMany = async () => {
      throw new Error('broker down');
    };
    await expect(markers.isMarked('revoked:d')).rejects.toThrow('broker down');
    broker.getMany = getMany;
    expect(await markers.isMarked('revoked:d')).toBe(false);
  });
});
