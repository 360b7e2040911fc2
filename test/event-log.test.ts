import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '../src/auth/scopes.js';
import { loadConfig } from '../src/config.js';
import { describedResources, kebab } from '../src/domain/resource.js';
import '../src/domain/resources/described-resources.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { write } from '../src/domain/write.js';
import {
  EventDispatcher,
  eventsChannel,
  type PublishedEvents,
  pruneEvents,
} from '../src/events/dispatcher.js';
import { eventTypes } from '../src/events/event-catalog.js';
import { ExpiredCursorError, readEvents } from '../src/events/event-log.js';
import { appendEvents } from '../src/events/outbox.js';
import { createLogger } from '../src/platform/logger.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { engines, isolatedDatabase } from './helpers/database.js';

// The ordered log: each tenant's events numbered after commit, in the order they became visible;
// a transaction that started first and committed last is numbered last, not skipped; a rolled-back
// one is never numbered; one dispatcher per stream; live subscribers get what was numbered; old
// events are pruned and a cursor below the pruned ones is refused rather than silently short.

const everything = { scopes: new Set(allScopes) };

describe.each(engines)('the event log on %s', (engine) => {
  let app: TestApp;
  let tenantId: string;
  const dispatcher = () => app.dispatcher as EventDispatcher;

  /** Emits one event of `tenantId` in its own transaction. */
  const emit = (id: string, data: Record<string, unknown> = {}) =>
    write(app.database.db, { tenantId, whiteLabelId: null }, async (_tx, add) => {
      add({ type: 'industry.updated', resourceId: id, data: { id, ...data }, changedFields: ['name'] });
    });

  const published = async () => {
    dispatcher().wake(tenantId);
    await dispatcher().settled();
  };

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    tenantId = (await createTenant(app.database.db, 'Log tenant')).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('numbers each tenant’s events from 1, in the order they were committed', async () => {
    for (const id of ['a', 'b', 'c']) await emit(id);
    await published();
    const page = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: 0, limit: 100 },
    );
    const mine = page.events.filter((event) => event.event_type === 'industry.updated');
    expect(mine.map((event) => event.data.industry_id)).toEqual(['a', 'b', 'c']);
    const sequences = page.events.map((event) => event.sequence);
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
    expect(mine[0]).toMatchObject({
      event_id: expect.stringMatching(/^evt_\d+$/),
      event_type: 'industry.updated',
      data: { industry_id: 'a', object: { id: 'a' }, changed_fields: ['name'] },
    });
    // Paging after a sequence.
    const rest = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: sequences[0]!, limit: 1 },
    );
    expect(rest.events.map((event) => event.sequence)).toEqual([sequences[1]]);
    expect(rest.hasMore).toBe(true);
  });

  it('publishes nothing of a transaction that rolled back', async () => {
    const before = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: 0, limit: 1000 },
    );
    await expect(
      write(app.database.db, { tenantId, whiteLabelId: null }, async (_tx, add) => {
        add({ type: 'industry.updated', resourceId: 'rolled-back', data: {} });
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    await published();
    const after = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: 0, limit: 1000 },
    );
    expect(after.events).toEqual(before.events);
  });

  it.runIf(engine === 'postgres')(
    'numbers a transaction that started first but committed last after the one that committed first',
    async () => {
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      let firstAppended!: () => void;
      const firstHasAppended = new Promise<void>((resolve) => {
        firstAppended = resolve;
      });
      // The first transaction appends its event (taking the lower id) and stays open, as a write
      // would between its append and its commit.
      const first = app.database.db.transaction().execute(async (trx) => {
        await appendEvents(trx, tenantId, null, [{ type: 'industry.updated', resourceId: 'slow', data: {} }]);
        firstAppended();
        await firstMayCommit;
      });
      await firstHasAppended;
      await emit('fast');
      await published();
      const seen = await readEvents(
        app.database.db,
        { tenantId, whiteLabelId: null, ...everything },
        { after: 0, limit: 1000 },
      );
      const fast = seen.events.find((event) => event.data.industry_id === 'fast');
      expect(fast).toBeDefined();
      expect(seen.events.find((event) => event.data.industry_id === 'slow')).toBeUndefined();
      releaseFirst();
      await first;
      await published();
      // A reader that has seen `fast` finds `slow` after it, never below it.
      const later = await readEvents(
        app.database.db,
        { tenantId, whiteLabelId: null, ...everything },
        { after: fast!.sequence, limit: 1000 },
      );
      const slow = later.events.find((event) => event.data.industry_id === 'slow');
      expect(slow?.sequence).toBeGreaterThan(fast!.sequence);
      const ids = await app.database.db
        .selectFrom('events')
        .select(['id', 'resource_id'])
        .where('resource_id', 'in', ['slow', 'fast'])
        .execute();
      const idOf = (resource: string) => Number(ids.find((row) => row.resource_id === resource)?.id);
      expect(idOf('slow')).toBeLessThan(idOf('fast'));
    },
  );

  it('lets one dispatcher number a stream at a time, whatever the number of instances', async () => {
    const second = new EventDispatcher({
      database: app.database,
      broker: app.broker,
      logger: createLogger(loadConfig({ LOG_LEVEL: 'silent' })),
      retentionHours: 72,
    });
    for (let index = 0; index < 40; index++) await emit(`race-${index}`);
    await Promise.all([
      dispatcher().dispatch(tenantId),
      second.dispatch(tenantId),
      dispatcher().dispatch(tenantId),
    ]);
    await published();
    const rows = await app.database.db
      .selectFrom('events')
      .select('sequence')
      .where('tenant_id', '=', tenantId)
      .orderBy('sequence')
      .execute();
    const sequences = rows.map((row) => Number(row.sequence));
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
  });

  it('publishes what it numbered to live subscribers of the tenant', async () => {
    const received: PublishedEvents[] = [];
    // Earlier publishes still queued on the in-process broker (PGlite never yields to the event
    // loop's check phase while it works) are not this test's.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const unsubscribe = await app.broker.subscribe(eventsChannel(tenantId), (message) =>
      received.push(JSON.parse(message)),
    );
    try {
      await emit('live');
      await published();

      await expect
        .poll(() => received.flatMap((message) => message.events))
        .toEqual([
          expect.objectContaining({
            whiteLabelId: null,
            envelope: expect.objectContaining({ event_type: 'industry.updated' }),
          }),
        ]);
    } finally {
      await unsubscribe();
    }
  });

  it('prunes events past the retention window and refuses a cursor from before them', async () => {
    const all = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: 0, limit: 1000 },
    );
    const cutoff = all.events[2]!.sequence;
    await app.database.db
      .updateTable('events')
      .set({ occurred_at: new Date(Date.now() - 73 * 3600_000) })
      .where('tenant_id', '=', tenantId)
      .where('sequence', '<=', String(cutoff))
      .execute();
    await pruneEvents(app.database.db, 72);
    await expect(
      readEvents(app.database.db, { tenantId, whiteLabelId: null, ...everything }, { after: 1, limit: 10 }),
    ).rejects.toBeInstanceOf(ExpiredCursorError);
    const kept = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: cutoff, limit: 1000 },
    );
    expect(kept.events.map((event) => event.sequence)).toEqual(
      all.events.slice(3).map((event) => event.sequence),
    );
  });
  it('loses nothing when a dispatcher dies between its commit and its publication', async () => {
    const dying = new EventDispatcher({
      database: app.database,
      broker: {
        ...app.broker,
        publish: async () => {
          throw new Error('process died after commit');
        },
      },
      logger: createLogger(loadConfig({ LOG_LEVEL: 'silent' })),
      retentionHours: 72,
    });
    // The instance's own dispatcher would number it first: this test is about the one that dies.
    await dispatcher().stop();
    await emit('orphan');
    await expect(dying.dispatch(tenantId)).rejects.toThrow('process died after commit');
    const page = await readEvents(
      app.database.db,
      { tenantId, whiteLabelId: null, ...everything },
      { after: 0, limit: 1000 },
    );
    const orphan = page.events.find((event) => event.data.industry_id === 'orphan');
    expect(orphan?.sequence).toBe(page.events.at(-1)?.sequence);
  });
});

describe('the event catalog', () => {
  it('has the lifecycle and the moments of every described resource', () => {
    for (const resource of describedResources()) {
      const name = kebab(resource.name);
      for (const change of ['created', 'updated', 'deleted', ...Object.keys(resource.moments)]) {
        expect(eventTypes, `${name}.${change}`).toContain(`${name}.${change}`);
      }
    }
  });
});
