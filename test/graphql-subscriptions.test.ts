import { randomUUID } from 'node:crypto';
import { type ExecutionResult, print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { type Client, createClient as createWsClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes, type Scope } from '../src/auth/scopes.js';
import { SigningKeyring } from '../src/auth/signing-keys.js';
import { loadConfig } from '../src/config.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { write } from '../src/domain/write.js';
import { EventDispatcher, eventsChannel, type PublishedEvents } from '../src/events/dispatcher.js';
import { readEvents } from '../src/events/event-log.js';
import type { Broker } from '../src/platform/broker.js';
import { createLogger } from '../src/platform/logger.js';
import { secretBox } from '../src/platform/secret-box.js';
import { EventsDocument, type EventsSubscription } from '../src/sdk/generated/graphql.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, bearer, tenantWithClient } from './helpers/credentials.js';
import { databaseUrl, redisUrl } from './helpers/environment.js';
import { dataOf, graphqlAs } from './helpers/graphql.js';

// Subscriptions over graphql-ws and SSE, fed by the ordered event log. On Postgres and Redis two
// instances share them: changes are made on A (an API instance), subscribers listen on B, and the
// events are numbered and published by a worker's dispatcher, as in production. On the embedded
// engine A and B are one instance.

const scaledOut = Boolean(databaseUrl && redisUrl);
const quiet = createLogger(loadConfig({ LOG_LEVEL: 'silent' }));

const eventSelection = 'eventId eventType sequence createdAt changedFields data';

interface EventPayload {
  eventId: string;
  eventType: string;
  sequence: string;
  createdAt: string;
  changedFields: string[];
  data: { object: Record<string, unknown>; changed_fields: string[]; [id: string]: unknown };
}

/** One subscription's results as they arrive, and how it ended. */
class Received<T = Record<string, unknown>> {
  readonly results: ExecutionResult<T>[] = [];
  error: unknown;
  completed = false;
  readonly ended: Promise<void>;
  #end!: () => void;
  stop: () => void = () => {};

  constructor() {
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  readonly sink = {
    next: (value: ExecutionResult<T>) => {
      this.results.push(value);
    },
    error: (error: unknown) => {
      this.error = error;
      this.#end();
    },
    complete: () => {
      this.completed = true;
      this.#end();
    },
  };

  /** The payloads of one field, in arrival order. */
  values<K extends keyof T>(field: K): T[K][] {
    return this.results.flatMap((result) => (result.data ? [result.data[field]] : []));
  }
}

/**
 * Emits tenant-wide events until every subscription heard one: a subscription has no
 * acknowledgement, and these need to know that theirs are running.
 */
async function untilLive(
  app: TestApp,
  tenantId: string,
  subscriptions: { results: readonly unknown[] }[],
  publish: () => Promise<void>,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (subscriptions.every((received) => received.results.length > 0)) return;
    await write(app.database.db, { tenantId, whiteLabelId: null }, async (_tx, add) => {
      add({ type: 'dataset.imported', resourceId: tenantId, data: { attempt } });
    });
    await publish();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the subscriptions did not start');
}

describe('GraphQL subscriptions', () => {
  let a: TestApp;
  let b: TestApp;
  let worker: EventDispatcher;
  let tenantId: string;
  let fullToken: string;
  let whiteLabels: { id: string; token: string }[];
  /** Positions by the white label of their client. */
  let positions: { id: string; portfolioId: string }[][];
  const apps: TestApp[] = [];
  const clients: Client[] = [];
  const namespace = `test-${randomUUID()}`;

  const env = {
    // API instances: the test's worker numbers and publishes the log.
    ROLE: 'api',
    GRAPHQL_SUBSCRIPTION_CATCH_UP_MS: '200',
    GRAPHQL_WS_INIT_TIMEOUT_MS: '700',
    GRAPHQL_WS_MAX_OPERATIONS: '3',
  };

  const wsUrl = (app: TestApp) => `${app.url.replace('http', 'ws')}/graphql`;

  function wsClient(app: TestApp, params: Record<string, unknown>): Client {
    const client = createWsClient({
      url: wsUrl(app),
      webSocketImpl: WebSocket,
      connectionParams: params,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  }

  function overWebSocket<T = Record<string, unknown>>(
    client: Client,
    query: string,
    variables: Record<string, unknown> = {},
  ): Received<T> {
    const received = new Received<T>();
    received.stop = client.subscribe<T>({ query, variables }, received.sink);
    return received;
  }

  function overSse<T = Record<string, unknown>>(
    app: TestApp,
    headers: Record<string, string>,
    query: string,
    variables: Record<string, unknown> = {},
  ): Received<T> {
    const client = createSseClient({ url: `${app.url}/graphql`, headers, retryAttempts: 0 });
    const received = new Received<T>();
    const unsubscribe = client.subscribe<T>({ query, variables }, received.sink);
    received.stop = () => {
      unsubscribe();
      client.dispose();
    };
    return received;
  }

  const lastSequence = async (tenant = tenantId) => {
    const stream = await a.database.db
      .selectFrom('event_streams')
      .select('last_sequence')
      .where('tenant_id', '=', tenant)
      .executeTakeFirst();
    return Number(stream?.last_sequence ?? 0);
  };

  /** A worker's dispatcher in place of one that stopped. */
  const restartWorker = async () => {
    await worker.stop();
    worker = new EventDispatcher({
      database: a.database,
      broker: a.broker,
      logger: quiet,
      retentionHours: 72,
    });
    await worker.start();
  };

  /** Waits until the worker numbered and published everything committed so far. */
  const published = async () => {
    worker.wake(tenantId);
    await worker.settled();
  };

  let price = 100;
  /** A change to a position through a GraphQL mutation on instance A. */
  async function changePosition(positionId: string): Promise<void> {
    price += 1;
    const result = await dataOf(
      graphqlAs(a, bearer(fullToken))<{ updatePosition: { __typename: string } }>(
        `mutation ($id: ID!, $price: Decimal!) {
          updatePosition(id: $id, input: { markPrice: $price }) { __typename }
        }`,
        { id: positionId, price: `${price}.25` },
      ),
    );
    expect(result.updatePosition.__typename).toBe('UpdatePositionSuccess');
  }

  /** The sequences of the log's position.updated events after `after`, as a full-scope reader sees them. */
  async function loggedPositionUpdates(after: number): Promise<string[]> {
    const page = await readEvents(
      a.database.db,
      { tenantId, whiteLabelId: null, scopes: new Set(allScopes) },
      { after, types: ['position.updated'], limit: 1000 },
    );
    return page.events.map((event) => String(event.sequence));
  }

  beforeAll(async () => {
    a = await startTestApp({ env, redisNamespace: namespace });
    apps.push(a);
    // One deployment behind one public address: a token A issued is valid on B.
    b = scaledOut
      ? await startTestApp({
          env: { ...env, PUBLIC_URL: a.url },
          database: a.database,
          redisNamespace: namespace,
        })
      : a;
    if (b !== a) apps.push(b);
    worker = new EventDispatcher({
      database: a.database,
      broker: a.broker,
      logger: quiet,
      retentionHours: 72,
    });
    await worker.start();

    const tenant = await tenantWithClient(a, allScopes);
    tenantId = tenant.tenantId;
    fullToken = await accessToken(a, tenant.client);
    const labelScopes: Scope[] = ['events:read', 'positions:read', 'portfolios:read', 'instruments:read'];
    whiteLabels = [];
    for (const name of ['Label One', 'Label Two']) {
      const labelled = await tenantWithClient(a, labelScopes, { tenantId, whiteLabel: name });
      whiteLabels.push({ id: labelled.whiteLabelId!, token: await accessToken(a, labelled.client) });
    }
    await seedTenant(a.database.db, tenantId, {
      size: 'small',
      whiteLabelIds: whiteLabels.map((label) => label.id),
    });
    positions = [];
    for (const label of whiteLabels) {
      const data = await dataOf(
        graphqlAs(
          a,
          bearer(label.token),
        )<{
          positions: { edges: { node: { id: string; portfolio: { id: string } } }[] };
        }>('{ positions(first: 20) { edges { node { id portfolio { id } } } } }'),
      );
      positions.push(
        data.positions.edges.map(({ node }) => ({ id: node.id, portfolioId: node.portfolio.id })),
      );
    }
    await published();
  });

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await worker?.stop();
    for (const app of apps.reverse()) await app.close();
  });

  it(`delivers the event of a mutation on one instance to graphql-ws and SSE subscribers on ${scaledOut ? 'another' : 'the same'}`, async () => {
    const after = String(await lastSequence());
    const position = positions[0]![0]!;
    const query = `subscription ($after: String) { events(types: ["position.updated"], after: $after) { ${eventSelection} } }`;
    const ws = overWebSocket<{ events: EventPayload }>(wsClient(b, bearer(fullToken)), query, { after });
    const sse = overSse<{ events: EventPayload }>(b, bearer(fullToken), query, { after });
    const typed = overWebSocket<{
      positionUpdated: { sequence: string; changedFields: string[]; position: Record<string, unknown> };
    }>(
      wsClient(b, bearer(fullToken)),
      `subscription ($portfolioId: ID!, $after: String) {
        positionUpdated(portfolioId: $portfolioId, after: $after) {
          sequence changedFields
          position { id markPrice marketValue { amount currency } portfolio { id } instrument { id } }
        }
      }`,
      { portfolioId: position.portfolioId, after },
    );
    try {
      await changePosition(position.id);
      await published();
      for (const received of [ws, sse]) {
        await expect.poll(() => received.values('events').length, { timeout: 10_000 }).toBe(1);
      }
      const [overWs] = ws.values('events');
      expect(sse.values('events')).toEqual([overWs]);
      expect(overWs).toMatchObject({
        eventId: expect.stringMatching(/^evt_\d+$/),
        eventType: 'position.updated',
        sequence: expect.stringMatching(/^\d+$/),
        changedFields: ['mark_price'],
        data: { changed_fields: ['mark_price'], object: { mark_price: `${price}.2500000000` } },
      });
      expect(Number(overWs!.sequence)).toBeGreaterThan(Number(after));

      await expect.poll(() => typed.values('positionUpdated').length, { timeout: 10_000 }).toBe(1);
      const [update] = typed.values('positionUpdated');
      expect(update).toMatchObject({
        sequence: overWs!.sequence,
        changedFields: ['mark_price'],
        position: {
          id: position.id,
          markPrice: `${price}.2500000000`,
          portfolio: { id: position.portfolioId },
        },
      });
      // The object a query returns, field for field.
      const queried = await dataOf(
        graphqlAs(b, bearer(fullToken))<{ node: Record<string, unknown> }>(
          `query ($id: ID!) { node(id: $id) { ... on Position { id markPrice marketValue { amount currency } portfolio { id } instrument { id } } } }`,
          { id: position.id },
        ),
      );
      expect(update!.position).toEqual(queried.node);
    } finally {
      for (const received of [ws, sse, typed]) received.stop();
    }
  });

  it('starts at the end of the log without `after`: nothing earlier is replayed', async () => {
    const before = await lastSequence();
    const ws = overWebSocket<{ events: EventPayload }>(
      wsClient(b, bearer(fullToken)),
      `subscription { events(types: ["position.updated"]) { sequence } }`,
    );
    try {
      // Changes until the subscription (which joins without an acknowledgement) hears one.
      for (let attempt = 0; attempt < 50 && ws.results.length === 0; attempt++) {
        await changePosition(positions[0]![1]!.id);
        await published();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const sequences = ws.values('events').map((event) => Number(event.sequence));
      expect(sequences.length).toBeGreaterThan(0);
      expect(Math.min(...sequences)).toBeGreaterThan(before);
    } finally {
      ws.stop();
    }
  });

  it.each(['graphql-ws', 'SSE'])(
    'resumes over %s after a disconnect with no gap and no duplicate',
    async (transport) => {
      const start = await lastSequence();
      const query = `subscription ($after: String) { events(types: ["position.updated"], after: $after) { sequence data } }`;
      const open = (after: string) =>
        transport === 'SSE'
          ? overSse<{ events: EventPayload }>(b, bearer(fullToken), query, { after })
          : overWebSocket<{ events: EventPayload }>(wsClient(b, bearer(fullToken)), query, { after });
      const targets = positions[1]!.slice(0, 3);

      const first = open(String(start));
      for (const target of targets.slice(0, 2)) await changePosition(target.id);
      await published();
      await expect.poll(() => first.results.length, { timeout: 10_000 }).toBe(2);
      first.stop();
      const seen = first.values('events').map((event) => event.sequence);

      // Missed while disconnected.
      for (const target of targets) await changePosition(target.id);
      await published();

      const second = open(seen.at(-1)!);
      try {
        await expect.poll(() => second.results.length, { timeout: 10_000 }).toBe(3);
        // And live again.
        await changePosition(targets[0]!.id);
        await published();
        await expect.poll(() => second.results.length, { timeout: 10_000 }).toBe(4);
        const all = [...seen, ...second.values('events').map((event) => event.sequence)];
        expect(all).toEqual(await loggedPositionUpdates(start));
        expect(new Set(all).size).toBe(6);
      } finally {
        second.stop();
      }
    },
  );

  it('fills a lost publication from the log: on its stream check, and when a later event reveals the gap', async () => {
    const silentBroker = new Proxy(a.broker, {
      get(target, property) {
        if (property === 'publish') return async () => {};
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Broker;
    // A dispatcher that commits its numbers and dies before publishing them.
    const dying = new EventDispatcher({
      database: a.database,
      broker: silentBroker,
      logger: quiet,
      retentionHours: 72,
    });
    const start = await lastSequence();
    const ws = overWebSocket<{ events: EventPayload }>(
      wsClient(b, bearer(fullToken)),
      `subscription ($after: String) { events(types: ["position.updated"], after: $after) { sequence } }`,
      { after: String(start) },
    );
    const sse = overSse<{ events: EventPayload }>(
      b,
      bearer(fullToken),
      `subscription ($after: String) { events(types: ["position.updated"], after: $after) { sequence } }`,
      { after: String(start) },
    );
    await worker.stop();
    try {
      const target = positions[0]![2]!;
      // Never published: the stream check (every 200 ms here) finds them.
      await changePosition(target.id);
      await changePosition(target.id);
      while ((await dying.dispatch(tenantId)) > 0) {}
      for (const received of [ws, sse]) {
        await expect.poll(() => received.results.length, { timeout: 10_000 }).toBe(2);
      }
      // Unpublished again, then one that is published: its arrival reveals the gap at once.
      await changePosition(target.id);
      while ((await dying.dispatch(tenantId)) > 0) {}
      await restartWorker();
      await changePosition(target.id);
      await published();
      for (const received of [ws, sse]) {
        await expect.poll(() => received.results.length, { timeout: 10_000 }).toBe(4);
        expect(received.values('events').map((event) => event.sequence)).toEqual(
          await loggedPositionUpdates(start),
        );
      }
    } finally {
      ws.stop();
      sse.stop();
      await restartWorker();
    }
  });

  it('delivers each event once and in order when publications arrive late, twice or out of order', async () => {
    const start = await lastSequence();
    const ws = overWebSocket<{ events: EventPayload }>(
      wsClient(b, bearer(fullToken)),
      `subscription ($after: String) { events(types: ["position.updated"], after: $after) { sequence } }`,
      { after: String(start) },
    );
    await worker.stop();
    try {
      const target = positions[1]![3]!;
      for (let index = 0; index < 4; index++) await changePosition(target.id);
      // Numbered without publishing, then published by hand: late, out of order and twice.
      const silent = new EventDispatcher({
        database: a.database,
        broker: { publish: async () => {} } as unknown as Broker,
        logger: quiet,
        retentionHours: 72,
      });
      while ((await silent.dispatch(tenantId)) > 0) {}
      const page = await readEvents(
        a.database.db,
        { tenantId, whiteLabelId: null, scopes: new Set(allScopes) },
        { after: start, limit: 100 },
      );
      const published = page.events.map((envelope) => ({
        whiteLabelId: whiteLabels[1]!.id,
        resourceType: 'position',
        envelope,
      }));
      const send = (events: PublishedEvents['events']) =>
        a.broker.publish(eventsChannel(tenantId), JSON.stringify({ events } satisfies PublishedEvents));
      await send([published[1]!, published[0]!]);
      await send([published[0]!]);
      await send([published[3]!, published[2]!, published[3]!]);
      await send(published);
      await expect.poll(() => ws.results.length, { timeout: 10_000 }).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(ws.values('events').map((event) => event.sequence)).toEqual(await loggedPositionUpdates(start));
    } finally {
      ws.stop();
      await restartWorker();
    }
  });

  it('narrows events to the white label (and tenant-wide events) and to the scopes of the credential', async () => {
    const after = String(await lastSequence());
    const query = `subscription ($after: String) { events(types: ["position.updated", "instrument.updated"], after: $after) { eventType data } }`;
    const labelOne = overWebSocket<{ events: EventPayload }>(
      wsClient(b, bearer(whiteLabels[0]!.token)),
      query,
      {
        after,
      },
    );
    const labelTwo = overSse<{ events: EventPayload }>(b, bearer(whiteLabels[1]!.token), query, { after });
    // events:read alone: position events are not its to see.
    const bare = await tenantWithClient(a, ['events:read'], { tenantId });
    const bareToken = await accessToken(a, bare.client);
    const everything = overWebSocket<{ events: EventPayload }>(
      wsClient(b, bearer(bareToken)),
      'subscription ($after: String) { events(after: $after) { eventType } }',
      { after },
    );
    try {
      await changePosition(positions[0]![4]!.id);
      await changePosition(positions[1]![4]!.id);
      // Reference data belongs to no white label.
      const instrument = await dataOf(
        graphqlAs(
          a,
          bearer(fullToken),
        )<{ instruments: { edges: { node: { id: string } }[] } }>(
          '{ instruments(first: 1) { edges { node { id } } } }',
        ),
      );
      const instrumentId = instrument.instruments.edges[0]!.node.id;
      await dataOf(
        graphqlAs(a, bearer(fullToken))(
          `mutation ($id: ID!) { updateInstrument(id: $id, input: { externalReference: "sub-${randomUUID().slice(0, 8)}" }) { __typename } }`,
          { id: instrumentId },
        ),
      );
      await published();
      await expect.poll(() => labelOne.results.length, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => labelTwo.results.length, { timeout: 10_000 }).toBe(2);
      const idOf = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':').at(-1);
      expect(labelOne.values('events').map((event) => [event.eventType, event.data.object.id])).toEqual([
        ['position.updated', idOf(positions[0]![4]!.id)],
        ['instrument.updated', idOf(instrumentId)],
      ]);
      expect(labelTwo.values('events').map((event) => [event.eventType, event.data.object.id])).toEqual([
        ['position.updated', idOf(positions[1]![4]!.id)],
        ['instrument.updated', idOf(instrumentId)],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(everything.values('events').map((event) => event.eventType)).not.toContain('position.updated');
      expect(everything.values('events').map((event) => event.eventType)).not.toContain('instrument.updated');
    } finally {
      for (const received of [labelOne, labelTwo, everything]) received.stop();
    }
  });

  it.each([
    [
      'events of a type its scopes do not cover',
      ['events:read'],
      'subscription { events(types: ["position.updated"]) { sequence } }',
      'FORBIDDEN',
    ],
    ['events without events:read', ['positions:read'], 'subscription { events { sequence } }', 'FORBIDDEN'],
    [
      'positionUpdated without positions:read',
      ['events:read'],
      'subscription { positionUpdated(portfolioId: "UG9ydGZvbGlvOng=") { sequence } }',
      'FORBIDDEN',
    ],
    [
      'an unknown event type',
      ['events:read'],
      'subscription { events(types: ["position.exploded"]) { sequence } }',
      'BAD_USER_INPUT',
    ],
    [
      'an `after` that is not a sequence',
      ['events:read'],
      'subscription { events(after: "abc") { sequence } }',
      'BAD_USER_INPUT',
    ],
  ] as const)('refuses %s', async (_name, scopes, query, code) => {
    const client = await tenantWithClient(a, scopes, { tenantId });
    const token = await accessToken(a, client.client);
    const ws = overWebSocket(wsClient(b, bearer(token)), query);
    const sse = overSse(b, bearer(token), query);
    await Promise.all([ws.ended, sse.ended]);
    for (const received of [ws, sse]) {
      expect(received.results).toEqual([
        expect.objectContaining({
          errors: [expect.objectContaining({ extensions: expect.objectContaining({ code }) })],
        }),
      ]);
    }
  });

  it('answers a cursor older than the retention window with CURSOR_EXPIRED', async () => {
    const other = await createTenant(a.database.db, 'Pruned tenant');
    const client = await tenantWithClient(a, ['events:read', 'positions:read'], { tenantId: other.id });
    const token = await accessToken(a, client.client);
    await a.database.db
      .insertInto('event_streams')
      .values({ tenant_id: other.id, pruned_through: '40', last_sequence: '50' })
      .onConflict((conflict) =>
        conflict.column('tenant_id').doUpdateSet({ pruned_through: '40', last_sequence: '50' }),
      )
      .execute();
    const query = 'subscription { events(after: "12") { sequence } }';
    const ws = overWebSocket(wsClient(b, bearer(token)), query);
    const sse = overSse(b, bearer(token), query);
    await Promise.all([ws.ended, sse.ended]);
    for (const received of [ws, sse]) {
      expect(received.results).toEqual([
        {
          errors: [
            expect.objectContaining({
              message: expect.stringMatching(/take a fresh snapshot/),
              extensions: expect.objectContaining({ code: 'CURSOR_EXPIRED' }),
            }),
          ],
        },
      ]);
    }
  });

  it('delivers cashflowPosted for a cashflow booked in the portfolio', async () => {
    const after = String(await lastSequence());
    const expected = await dataOf(
      graphqlAs(
        a,
        bearer(fullToken),
      )<{
        cashflows: { edges: { node: { id: string; portfolio: { id: string } | null } }[] };
      }>('{ cashflows(first: 50, status: EXPECTED) { edges { node { id portfolio { id } } } } }'),
    );
    const cashflow = expected.cashflows.edges.find(({ node }) => node.portfolio)?.node;
    expect(cashflow).toBeDefined();
    const portfolioId = cashflow!.portfolio!.id;
    const posted = overSse<{
      cashflowPosted: { sequence: string; cashflow: { id: string; status: string } };
    }>(
      b,
      bearer(fullToken),
      `subscription ($portfolioId: ID!, $after: String) {
        cashflowPosted(portfolioId: $portfolioId, after: $after) { sequence eventType cashflow { id status } }
      }`,
      { portfolioId, after },
    );
    try {
      await dataOf(
        graphqlAs(a, bearer(fullToken))(
          'mutation ($id: ID!) { updateCashflow(id: $id, input: { status: POSTED }) { __typename } }',
          { id: cashflow!.id },
        ),
      );
      await published();
      await expect.poll(() => posted.results.length, { timeout: 10_000 }).toBe(1);
      expect(posted.values('cashflowPosted')[0]).toMatchObject({
        eventType: 'cashflow.posted',
        cashflow: { id: cashflow!.id, status: 'POSTED' },
      });
    } finally {
      posted.stop();
    }
  });

  it('closes the socket and ends the stream when the credential is revoked', async () => {
    const key = await apiKeyFor(a, tenantId, ['events:read', 'positions:read']);
    const client = wsClient(b, { 'x-api-key': key.key });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      client.on('closed', (event) => resolve(event as { code: number; reason: string }));
    });
    const ws = overWebSocket(client, 'subscription { events { sequence } }');
    const sse = overSse<{ events: EventPayload }>(
      b,
      { 'x-api-key': key.key },
      'subscription { events { sequence } }',
    );
    await untilLive(a, tenantId, [ws, sse], published);
    const response = await fetch(`${a.url}/v1/api-keys/${key.id}`, {
      method: 'DELETE',
      headers: bearer(fullToken),
    });
    expect(response.status).toBeLessThan(300);
    expect(await closed).toMatchObject({ code: 4403, reason: 'The credential has been revoked' });
    await ws.ended;
    await sse.ended;
    expect(sse.completed).toBe(true);
    expect(sse.results.at(-1)).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: 'The credential has been revoked',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ],
    });
  });

  /** An access token as the token endpoint would issue it, but valid for `ms` only. */
  async function shortLivedToken(scopes: Scope[], ms: number): Promise<string> {
    const { client } = await tenantWithClient(a, scopes, { tenantId });
    const keyring = new SigningKeyring(a.database.db, secretBox(undefined));
    await keyring.open();
    const { kid, privateKey } = await keyring.signingKey();
    return new SignJWT({
      client_id: client.clientId,
      scope: scopes.join(' '),
      tenant_id: tenantId,
      white_label_id: null,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(a.url)
      .setAudience(a.url)
      .setSubject(client.clientId)
      .setIssuedAt()
      .setExpirationTime(new Date(Date.now() + ms))
      .setJti(randomUUID())
      .sign(privateKey);
  }

  it.each(['an access token', 'an API key'])(
    'closes the socket and ends the stream when %s expires',
    async (kind) => {
      let headers: Record<string, string>;
      if (kind === 'an API key') {
        const key = await apiKeyFor(a, tenantId, ['events:read']);
        await a.database.db
          .updateTable('api_keys')
          .set({ expires_at: new Date(Date.now() + 2500) })
          .where('id', '=', key.id)
          .execute();
        headers = { 'x-api-key': key.key };
      } else {
        // Whole seconds: exp rounds down, so this one ends two to three seconds from now.
        headers = bearer(await shortLivedToken(['events:read'], 3000));
      }
      const client = wsClient(b, headers);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => {
        client.on('closed', (event) => resolve(event as { code: number; reason: string }));
      });
      const ws = overWebSocket(client, 'subscription { events { sequence } }');
      const sse = overSse(b, headers, 'subscription { events { sequence } }');
      await untilLive(a, tenantId, [ws, sse], published);
      expect(await closed).toMatchObject({ code: 4403, reason: 'The credential has expired' });
      await Promise.all([ws.ended, sse.ended]);
      expect(sse.results.at(-1)?.errors?.[0]).toMatchObject({
        message: 'The credential has expired',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    },
  );

  it('refuses operations past the per-connection cap and keeps the others running', async () => {
    const client = wsClient(b, bearer(fullToken));
    const after = String(await lastSequence());
    const query = `subscription ($after: String) { events(types: ["position.updated"], after: $after) { sequence } }`;
    const running = [1, 2, 3].map(() => overWebSocket<{ events: EventPayload }>(client, query, { after }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = overWebSocket(client, query, { after });
    await refused.ended;
    expect(refused.error).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'TOO_MANY_OPERATIONS', max: 3 }),
      }),
    ]);
    try {
      await changePosition(positions[0]![5]!.id);
      await published();
      for (const received of running) {
        await expect.poll(() => received.results.length, { timeout: 10_000 }).toBe(1);
        expect(received.error).toBeUndefined();
      }
      // Completing one makes room for another.
      running[0]!.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const fourth = overWebSocket<{ events: EventPayload }>(client, query, { after });
      await expect.poll(() => fourth.results.length, { timeout: 10_000 }).toBe(1);
      fourth.stop();
    } finally {
      for (const received of running) received.stop();
    }
  });

  it.runIf(scaledOut)(
    'leaves the tenant’s channel when its last subscriber goes, over either transport',
    async () => {
      const other = await createTenant(a.database.db, 'Channel tenant');
      const client = await tenantWithClient(a, ['events:read'], { tenantId: other.id });
      const token = await accessToken(a, client.client);
      const redis = new Redis(redisUrl!);
      const subscribers = async () => {
        const [, count] = (await redis.pubsub(
          'NUMSUB',
          `portico:${namespace}:${eventsChannel(other.id)}`,
        )) as [string, number];
        return count;
      };
      try {
        const query = 'subscription { events { sequence } }';
        const ws = overWebSocket(wsClient(b, bearer(token)), query);
        const sse = overSse(b, bearer(token), query);
        const again = overSse(b, bearer(token), query);
        await untilLive(a, other.id, [ws, sse, again], async () => {
          worker.wake(other.id);
          await worker.settled();
        });
        // One broker subscription for the three.
        expect(await subscribers()).toBe(1);
        ws.stop();
        sse.stop();
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await subscribers()).toBe(1);
        // The client going away ends the stream's subscription on the server.
        again.stop();
        await expect.poll(subscribers, { timeout: 10_000 }).toBe(0);
      } finally {
        redis.disconnect();
      }
    },
  );

  it('closes a socket that sends no connection_init in time', async () => {
    const socket = new WebSocket(wsUrl(b), 'graphql-transport-ws');
    const opened = Date.now();
    const [code, reason] = await new Promise<[number, string]>((resolve) => {
      socket.on('close', (closeCode, closeReason) => resolve([closeCode, String(closeReason)]));
    });
    expect(code).toBe(4408);
    expect(reason).toBe('Connection initialisation timeout');
    expect(Date.now() - opened).toBeGreaterThanOrEqual(600);
  });
});

// A subscriber's events are the log's: the same events, with the same cursor, as /v1/events reads.
// This instance runs only trusted documents: the SDK's subscriptions are among them.
describe('GraphQL subscriptions on a fresh stream', () => {
  let app: TestApp;
  let closed = false;
  const events = print(EventsDocument);
  beforeAll(async () => {
    app = await startTestApp({ env: { GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' } });
  });
  afterAll(async () => {
    if (!closed) await app?.close();
  });

  it('replays from the start of the log with after: "0", then goes live', async () => {
    const tenant = await createTenant(app.database.db, 'Fresh tenant');
    const client = await tenantWithClient(app, ['events:read'], { tenantId: tenant.id });
    const token = await accessToken(app, client.client);
    const emit = (id: string) =>
      write(app.database.db, { tenantId: tenant.id, whiteLabelId: null }, async (_tx, add) => {
        add({ type: 'dataset.imported', resourceId: id, data: { id } });
      });
    await emit('one');
    await emit('two');
    const sse = createSseClient({ url: `${app.url}/graphql`, headers: bearer(token), retryAttempts: 0 });
    const received: [number, string][] = [];
    const iterator = sse.iterate<EventsSubscription>({ query: events, variables: { after: '0' } });
    try {
      const next = async () => {
        const { value } = await iterator.next();
        const event = value?.data?.events;
        if (event)
          received.push([Number(event.sequence), (event.data as { object: { id: string } }).object.id]);
      };
      await next();
      await next();
      await emit('three');
      await next();
      expect(received.map(([, id]) => id)).toEqual(['one', 'two', 'three']);
      // The tenant's creation and its client's came first (keys:manage events, not this reader's).
      expect(received.map(([sequence]) => sequence)).toEqual([3, 4, 5]);
    } finally {
      await iterator.return?.();
      sse.dispose();
    }
  });

  it('ends open streams when the server shuts down', async () => {
    const tenant = await createTenant(app.database.db, 'Closing tenant');
    const client = await tenantWithClient(app, ['events:read'], { tenantId: tenant.id });
    const token = await accessToken(app, client.client);
    const sse = createSseClient({ url: `${app.url}/graphql`, headers: bearer(token), retryAttempts: 0 });
    const received = new Received();
    sse.subscribe({ query: events }, received.sink);
    await untilLive(app, tenant.id, [received], async () => {
      app.dispatcher?.wake(tenant.id);
      await app.dispatcher?.settled();
    });
    const started = Date.now();
    closed = true;
    await app.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    await received.ended;
    expect(received.completed).toBe(true);
    sse.dispose();
  });
});
