import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes, type Scope } from '../src/auth/scopes.js';
import { pruneEvents } from '../src/events/dispatcher.js';
import { eventTypes } from '../src/events/event-catalog.js';
import { eventSchemasFolder, renderEventSchema } from '../src/rest/v1/event-schemas.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type Json, type V1Call, v1As } from './helpers/v1.js';

// Polling the ordered log at /v1/events: the same envelopes and cursor as the other channels,
// narrowed to what the caller may see, each event valid against its type's published schema, and
// a cursor older than the retention window refused with 410 rather than silently short.

describe.each(engines)('GET /v1/events on %s', (engine) => {
  let app: TestApp;
  let api: V1Call;
  let tenantId: string;
  const settled = async () => {
    app.dispatcher?.wake(tenantId);
    await app.dispatcher?.settled();
  };
  const as = async (scopes: readonly Scope[], whiteLabel?: string) => {
    const tenant = await tenantWithClient(app, scopes, { tenantId, ...(whiteLabel ? { whiteLabel } : {}) });
    return v1As(app, bearer(await accessToken(app, tenant.client)));
  };
  const all = async (call: V1Call, query = '') => {
    const events: Json[] = [];
    let after = '0';
    for (;;) {
      const page = await call('GET', `/v1/events?after=${after}&limit=50${query}`);
      expect(page.status, page.text).toBe(200);
      events.push(...page.body.data);
      after = page.body.next_cursor;
      if (!page.body.has_more) return events;
    }
  };

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    api = v1As(app, bearer(await accessToken(app, tenant.client)));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reads every change in sequence order, each event valid against its type’s schema', async () => {
    const client = (await api('POST', '/v1/clients', { name: 'Polled client', base_currency: 'EUR' })).body;
    const account = (
      await api('POST', '/v1/accounts', { client_id: client.id, name: 'Polled account', currency: 'EUR' })
    ).body;
    const expected = (
      await api('POST', '/v1/cashflows', {
        account_id: account.id,
        kind: 'coupon',
        status: 'expected',
        amount: '100.00',
        currency: 'EUR',
        value_date: '2026-12-31',
      })
    ).body;
    await api('PATCH', `/v1/cashflows/${expected.id}`, { status: 'posted' });
    const posted = (
      await api('POST', '/v1/cashflows', {
        account_id: account.id,
        kind: 'fee',
        status: 'posted',
        amount: '-5.00',
        currency: 'EUR',
        value_date: '2026-12-31',
      })
    ).body;
    await api('DELETE', `/v1/cashflows/${posted.id}`);
    await settled();

    const events = await all(api);
    const sequences = events.map((event) => event.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    const mine = events.filter((event) =>
      [client.id, account.id, expected.id, posted.id].includes(event.data.object.id),
    );
    expect(mine.map((event) => event.event_type)).toEqual([
      'client.created',
      'account.created',
      'cashflow.created',
      'cashflow.updated',
      'cashflow.posted',
      'cashflow.created',
      'cashflow.posted',
      'cashflow.deleted',
    ]);
    const update = mine[3];
    expect(update).toMatchObject({
      event_id: expect.stringMatching(/^evt_\d+$/),
      data: {
        cashflow_id: expected.id,
        account_id: account.id,
        client_id: client.id,
        changed_fields: ['status'],
        object: { id: expected.id, status: 'posted', amount: expected.amount },
      },
    });

    // Each event against its type's schema, as GET /v1/event-types publishes it.
    const catalog = (await api('GET', '/v1/event-types')).body.data as Json[];
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajvFormats.default(ajv);
    const validators = new Map(catalog.map((entry) => [entry.type, ajv.compile(entry.schema)]));
    for (const event of mine) {
      const validate = validators.get(event.event_type);
      expect(validate, event.event_type).toBeDefined();
      expect(validate?.(event), `${event.event_type}: ${JSON.stringify(validate?.errors)}`).toBe(true);
    }
  });

  it('filters by type and family, pages after a cursor, and refuses unknown types by name', async () => {
    const cashflows = await all(api, '&types=cashflow.*');
    expect(cashflows.length).toBeGreaterThan(0);
    expect(cashflows.every((event) => event.event_type.startsWith('cashflow.'))).toBe(true);
    const posted = await all(api, '&types=cashflow.posted,client.created');
    expect(new Set(posted.map((event) => event.event_type))).toEqual(
      new Set(['cashflow.posted', 'client.created']),
    );
    const [first, second] = await all(api);
    const after = await api('GET', `/v1/events?after=${first.sequence}&limit=1`);
    expect(after.body.data).toEqual([second]);
    expect(after.body.next_cursor).toBe(String(second.sequence));
    const refused = await api('GET', '/v1/events?types=position.moved');
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { parameter: 'types', detail: 'position.moved is not an event type' },
    ]);
  });

  it('shows each caller only the events its scopes and white label cover', async () => {
    const cashflowsOnly = await as(['events:read', 'cashflows:read']);
    const seen = await all(cashflowsOnly);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((event) => event.event_type.startsWith('cashflow.'))).toBe(true);
    const types = (await cashflowsOnly('GET', '/v1/event-types')).body.data.map((entry: Json) => entry.type);
    expect(types).toContain('cashflow.posted');
    expect(types).not.toContain('position.updated');
    expect((await (await as(['cashflows:read']))('GET', '/v1/events')).status).toBe(403);

    const brand = await as(allScopes, 'Polling brand');
    expect((await all(brand)).filter((event) => event.event_type === 'client.created')).toEqual([]);
    const own = (await brand('POST', '/v1/clients', { name: 'Brand client' })).body;
    await settled();
    expect((await all(brand)).map((event) => event.data.object.id)).toContain(own.id);
  });

  it('publishes each type’s schema in schema/events/ as codegen wrote it', async () => {
    for (const type of eventTypes) {
      expect(await readFile(new URL(`${type}.json`, eventSchemasFolder), 'utf8'), type).toBe(
        renderEventSchema(type),
      );
    }
  });

  it('answers 410 for a cursor older than the retention window, and reads on from a fresh one', async () => {
    const events = await all(api);
    const cutoff = events[1].sequence;
    await app.database.db
      .updateTable('events')
      .set({ occurred_at: new Date(Date.now() - 80 * 3600_000) })
      .where('tenant_id', '=', tenantId)
      .where('sequence', '<=', String(cutoff))
      .execute();
    await pruneEvents(app.database.db, 72);
    const expired = await api('GET', `/v1/events?after=${events[0].sequence}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ code: 'cursor_expired', status: 410 });
    expect(expired.body.detail).toContain('fresh snapshot');
    const fresh = await api('GET', `/v1/events?after=${cutoff}&limit=1000`);
    expect(fresh.body.data.map((event: Json) => event.sequence)).toEqual(
      events.slice(2).map((event) => event.sequence),
    );
  });
});
