import { createClient } from 'graphql-ws';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { allScopes, type Scope } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { graphqlAs } from './helpers/graphql.js';
import { jsonApiAs } from './helpers/jsonapi.js';
import { type Json, type V1Call, v1As } from './helpers/v1.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

// Asynchronous valuations and performance calculations end to end, on each engine: 202 and a
// status URL, the result checked against a hand-computed example with a flow, the same result in
// the status resource, the webhook, v1 and v2 performance and GraphQL, and a portfolio without
// prices failing with calculation.failed and its problem.
//
// The example: 100 units at 10.00 on 1 January (V = 1,000); on 6 January a deposit of 500 buys 40
// units at 12.50 (V = 140 × 12.50 = 1,750); on 11 January the price is 13.00 (V = 1,820).
//   r1 = (1,750 − 500) / 1,000 − 1 = 0.25      r2 = 1,820 / 1,750 − 1 = 0.04
//   TWR = 1.25 × 1.04 − 1 = 0.30

describe.each(engines)('calculations on %s', (engine) => {
  let app: TestApp;
  let api: V1Call;
  let headers: Record<string, string>;
  let tenantId: string;
  let receiver: WebhookReceiver;
  let secret: string;
  let portfolioId: string;
  let unpricedPortfolioId: string;
  const hookPath = '/calculations';

  const created = async (path: string, body: Json) => {
    const response = await api('POST', path, body);
    expect(response.status, `${path}: ${response.text}`).toBe(201);
    return response.body.id as string;
  };
  const until = async (id: string) => {
    let last: Json;
    await vi.waitFor(
      async () => {
        last = (await api('GET', `/v1/calculations/${id}`)).body;
        expect(['succeeded', 'failed'], JSON.stringify(last)).toContain(last.status);
      },
      { timeout: 30_000, interval: 25 },
    );
    return last;
  };
  const eventFor = async (id: string) => {
    await vi.waitFor(
      () =>
        expect(
          receiver.received(hookPath).some((request) => JSON.parse(request.body).data.object.id === id),
        ).toBe(true),
      { timeout: 30_000 },
    );
    const request = receiver.received(hookPath).find((each) => JSON.parse(each.body).data.object.id === id)!;
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Json;
  };

  beforeAll(async () => {
    app = await startTestApp({
      database: await isolatedDatabase(engine),
      env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    headers = bearer(await accessToken(app, tenant.client));
    api = v1As(app, headers);
    receiver = await startWebhookReceiver();
    const endpoint = await api('POST', '/v1/webhooks', {
      name: 'Calculations',
      url: receiver.url(hookPath),
      event_types: ['calculation.completed', 'calculation.failed'],
    });
    secret = endpoint.body.secret;

    const client = await created('/v1/clients', { name: 'Calculated family', base_currency: 'EUR' });
    const account = await created('/v1/accounts', { client_id: client, name: 'Custody', currency: 'EUR' });
    portfolioId = await created('/v1/portfolios', {
      client_id: client,
      name: 'Growth',
      base_currency: 'EUR',
    });
    const equity = await created('/v1/instruments', {
      name: 'Calculated Equity',
      kind: 'equity',
      currency: 'EUR',
      isin: 'DE000CALC0E5',
    });
    for (const [price_date, price] of [
      ['2026-01-01', '10.00'],
      ['2026-01-06', '12.50'],
      ['2026-01-11', '13.00'],
    ]) {
      await created('/v1/instrument-prices', { instrument_id: equity, price_date, price, currency: 'EUR' });
    }
    const held = { portfolio_id: portfolioId, account_id: account, instrument_id: equity, currency: 'EUR' };
    await created('/v1/positions', { ...held, quantity: '140', as_of: '2026-01-11' });
    await created('/v1/transactions', {
      ...held,
      kind: 'buy',
      trade_date: '2026-01-06',
      quantity: '40',
      price: '12.50',
      amount: '-500.00',
    });
    await created('/v1/cashflows', {
      account_id: account,
      portfolio_id: portfolioId,
      kind: 'deposit',
      status: 'posted',
      amount: '500.00',
      currency: 'EUR',
      value_date: '2026-01-06',
    });

    unpricedPortfolioId = await created('/v1/portfolios', {
      client_id: client,
      name: 'Unpriced',
      base_currency: 'EUR',
    });
    const unpriced = await created('/v1/instruments', {
      name: 'Never priced',
      kind: 'equity',
      currency: 'EUR',
    });
    await created('/v1/positions', {
      portfolio_id: unpricedPortfolioId,
      account_id: account,
      instrument_id: unpriced,
      quantity: '10',
      currency: 'EUR',
      as_of: '2026-01-11',
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });

  it('calculates a time-weighted return with a flow, readable everywhere and delivered by webhook', async () => {
    // A subscriber hears the completion too.
    const ws = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: headers,
      retryAttempts: 0,
    });
    const heard: Json[] = [];
    const stop = ws.subscribe<{ events: Json }>(
      // From the start of the log, so it cannot miss the completion however fast the job is.
      { query: 'subscription { events(types: ["calculation.completed"], after: "0") { eventType data } }' },
      { next: (value) => heard.push(value.data?.events), error: () => {}, complete: () => {} },
    );
    const started = await api('POST', `/v1/portfolios/${portfolioId}/performance-calculations`, {
      from: '2026-01-01',
      to: '2026-01-11',
      method: 'twr',
    });
    expect(started.status, started.text).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/calculations/${started.body.id}`);
    expect(started.body).toMatchObject({ status: 'queued', type: 'performance', portfolio_id: portfolioId });

    const done = await until(started.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({
      method: 'twr',
      currency: 'EUR',
      start_value: '1000.000000',
      end_value: '1820.000000',
      net_flows: '500.000000',
      time_weighted_return: '0.3000000000',
      sub_periods: [
        { from: '2026-01-01', to: '2026-01-06', flow: '500.000000', return: '0.2500000000' },
        { from: '2026-01-06', to: '2026-01-11', flow: '0.000000', return: '0.0400000000' },
      ],
    });

    const event = await eventFor(done.id);
    expect(event.event_type).toBe('calculation.completed');
    expect(event.data.object.result).toEqual(done.result);
    await vi.waitFor(() => expect(heard.map((each) => each.data.object.id)).toContain(done.id), {
      timeout: 15_000,
    });
    stop();
    await ws.dispose();

    const v1 = await api('GET', `/v1/performance?portfolio_id=${portfolioId}`);
    expect(v1.body.data).toEqual([
      expect.objectContaining({
        period_start: '2026-01-01',
        period_end: '2026-01-11',
        time_weighted_return: '0.3000000000',
        net_flows: '500.000000',
      }),
    ]);
    const v2 = await jsonApiAs(app, headers)('GET', `/api/v2/performance/${v1.body.data[0].id}`);
    expect(v2.status, v2.text).toBe(200);
    expect(v2.body.data.attributes).toMatchObject({
      timeWeightedReturn: '0.3000000000',
      endValue: '1820.000000',
    });

    const graphql = await graphqlAs(app, headers)(
      `query ($id: ID!) { calculation(id: $id) { status type portfolioId result } }`,
      { id: done.id },
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data?.calculation).toEqual({
      status: 'succeeded',
      type: 'performance',
      portfolioId,
      result: done.result,
    });
  });

  it('values a portfolio by currency and in its base currency', async () => {
    const started = await api('POST', `/v1/portfolios/${portfolioId}/valuations`, { as_of: '2026-01-08' });
    expect(started.status, started.text).toBe(202);
    const done = await until(started.body.id);
    // 140 units at the 6 January price (the latest on or before the 8th).
    expect(done.result).toMatchObject({
      as_of: '2026-01-08',
      base_currency: 'EUR',
      total_value: '1750.000000',
      by_currency: [{ currency: 'EUR', value: '1750.000000', value_in_base: '1750.000000' }],
    });
    expect((await eventFor(done.id)).data.object.result).toEqual(done.result);
  });

  it('fails a portfolio without prices with calculation.failed and its problem', async () => {
    const started = await api('POST', `/v1/portfolios/${unpricedPortfolioId}/valuations`, {
      as_of: '2026-01-08',
    });
    expect(started.status).toBe(202);
    const done = await until(started.body.id);
    expect(done.status).toBe('failed');
    expect(done.result).toBeNull();
    expect(done.problem).toMatchObject({
      code: 'missing_prices',
      detail: expect.stringContaining('Never priced'),
    });
    expect(done.attempts).toBe(1);
    const event = await eventFor(done.id);
    expect(event.event_type).toBe('calculation.failed');
    expect(event.data.object.problem).toEqual(done.problem);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/portico_jobs_total\{kind="calculation",outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/portico_jobs_total\{kind="calculation",outcome="succeeded"\} [1-9]/);
    expect(metrics).toContain('portico_jobs_running ');
  });

  it('refuses bad input by field, needs its scopes, and keeps tenants apart', async () => {
    const backwards = await api('POST', `/v1/portfolios/${portfolioId}/performance-calculations`, {
      from: '2026-01-11',
      to: '2026-01-01',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.detail).toContain('to');
    const badDate = await api('POST', `/v1/portfolios/${portfolioId}/valuations`, { as_of: 'yesterday' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.detail).toContain('as_of');
    const method = await api('POST', `/v1/portfolios/${portfolioId}/performance-calculations`, {
      from: '2026-01-01',
      to: '2026-01-11',
      method: 'mwr',
    });
    expect(method.status).toBe(400);
    expect(method.body.detail).toContain('method');

    const as = async (scopes: readonly Scope[], options: { tenantId?: string } = {}) =>
      v1As(app, bearer(await accessToken(app, (await tenantWithClient(app, scopes, options)).client)));
    const reader = await as(['performance:read'], { tenantId });
    expect(
      (await reader('POST', `/v1/portfolios/${portfolioId}/valuations`, { as_of: '2026-01-08' })).status,
    ).toBe(403);
    const list = await reader('GET', `/v1/calculations?portfolio_id=${portfolioId}&type=valuation`);
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(1);
    expect(list.body.data.every((calculation: Json) => calculation.type === 'valuation')).toBe(true);

    const stranger = await as(allScopes);
    const [mine] = list.body.data;
    expect((await stranger('GET', `/v1/calculations/${mine.id}`)).status).toBe(404);
    expect(
      (await stranger('POST', `/v1/portfolios/${portfolioId}/valuations`, { as_of: '2026-01-08' })).status,
    ).toBe(404);
  });
});
