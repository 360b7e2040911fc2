import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { describedResources, pascal, type ResourceDescription } from '../src/domain/resource.js';
import '../src/domain/resources/described-resources.js';
import { collectionPath, v1FilterName } from '../src/rest/v1/v1-names.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { openApiValidator } from './helpers/openapi-validator.js';
import { type Json, type V1Call, v1As, walk } from './helpers/v1.js';

// Every v1 route of every described resource, on both engines: the partner's whole journey
// (create the graph, read it back, list it, follow its sub-collections, change it, delete it),
// every filter, the scopes, and the statements a read costs.

/** Decimals come back at their column's scale ("2500000.000000"): compare them as numbers. */
const comparable = (value: unknown) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;

describe.each(engines)('REST v1 resources on %s', (engine) => {
  let app: TestApp;
  let auth: Record<string, string>;
  let api: V1Call;
  let tenantId: string;

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    auth = bearer(await accessToken(app, tenant.client));
    api = v1As(app, auth);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Creates one resource, checks 201, Location and the echo of what was sent; returns the record. */
  async function create(path: string, body: Record<string, unknown>): Promise<Json> {
    const response = await api('POST', `/v1${path}`, body);
    expect(response.status, `POST ${path}: ${response.text}`).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1${path}/${response.body.id}`);
    for (const [field, value] of Object.entries(body))
      expect(comparable(response.body[field]), field).toEqual(comparable(value));
    return response.body;
  }

  it('takes a partner through the whole domain: create, read, list, relate, update and delete every resource', async () => {
    const ref = (name: string) => `journey-${name}`;
    const industry = await create('/industries', {
      code: 'SWX',
      name: 'Software',
      sector: 'Technology',
      external_reference: ref('industry'),
    });
    const issuer = await create('/issuers', {
      name: 'Aurora Software ASA',
      industry_id: industry.id,
      country: 'NO',
      external_reference: ref('issuer'),
    });
    const instrument = await create('/instruments', {
      name: 'Aurora TLB 2029',
      kind: 'loan',
      currency: 'EUR',
      issuer_id: issuer.id,
      maturity_date: '2029-06-30',
      coupon_rate: '0.0725',
      coupon_frequency: 4,
      external_reference: ref('instrument'),
    });
    const price = await create('/instrument-prices', {
      instrument_id: instrument.id,
      price_date: '2026-05-22',
      price: '99.875',
      currency: 'EUR',
    });
    const client = await create('/clients', { name: 'Nordlys Family Office', base_currency: 'NOK' });
    const user = await create('/users', {
      client_id: client.id,
      name: 'Ingrid Berg',
      email: 'ingrid@example.com',
    });
    const holdco = await create('/legal-entities', {
      client_id: client.id,
      name: 'Nordlys Holding AS',
      kind: 'company',
      country: 'NO',
    });
    const opco = await create('/legal-entities', {
      client_id: client.id,
      name: 'Nordlys Invest AS',
      kind: 'company',
    });
    const ownership = await create('/legal-entity-ownerships', {
      owner_id: holdco.id,
      owned_id: opco.id,
      share_percent: '75',
    });
    const reporting = await create('/reporting-entities', {
      name: 'Group',
      legal_entity_id: holdco.id,
    });
    const role = await create('/role-assignments', {
      user_id: user.id,
      role: 'advisor',
      legal_entity_id: holdco.id,
    });
    const depository = await create('/depositories', {
      client_id: client.id,
      name: 'Nordic Custody Bank',
      bic: 'NCBKNOKK',
    });
    const account = await create('/accounts', {
      name: 'Custody EUR',
      currency: 'EUR',
      legal_entity_id: opco.id,
      depository_id: depository.id,
      kind: 'custody',
    });
    const portfolio = await create('/portfolios', {
      name: 'Private credit',
      base_currency: 'EUR',
      reporting_entity_id: reporting.id,
    });
    const position = await create('/positions', {
      portfolio_id: portfolio.id,
      account_id: account.id,
      instrument_id: instrument.id,
      par: '2500000.00',
      mark_price: '99.875',
      market_value: '2496875.00',
      currency: 'EUR',
      as_of: '2026-05-22',
      external_reference: ref('position'),
    });
    const lot = await create('/lots', {
      account_id: account.id,
      position_id: position.id,
      instrument_id: instrument.id,
      acquired_on: '2025-01-15',
      quantity: '2500000',
      cost_price: '98.5',
      cost: '2462500.00',
      currency: 'EUR',
    });
    const cashflow = await create('/cashflows', {
      account_id: account.id,
      portfolio_id: portfolio.id,
      position_id: position.id,
      instrument_id: instrument.id,
      kind: 'coupon',
      status: 'expected',
      amount: '45312.50',
      currency: 'EUR',
      value_date: '2026-06-30',
    });
    const transaction = await create('/transactions', {
      account_id: account.id,
      portfolio_id: portfolio.id,
      instrument_id: instrument.id,
      kind: 'buy',
      trade_date: '2025-01-15',
      settle_date: '2025-01-17',
      quantity: '2500000',
      price: '98.5',
      amount: '-2462500.00',
      currency: 'EUR',
      description: 'Primary allocation',
    });
    const holding = await create('/holdings', {
      account_id: account.id,
      holding_date: '2026-05-22',
      market_value: '2496875.00',
      currency: 'EUR',
      lines: [{ isin: null, name: 'Aurora TLB 2029', value: '2496875.00' }],
    });
    const instrumentHolding = await create('/instrument-holdings', {
      depository_id: depository.id,
      instrument_id: instrument.id,
      holding_date: '2026-05-22',
      quantity: '2500000',
      currency: 'EUR',
    });
    const limit = await create('/limits', {
      portfolio_id: portfolio.id,
      name: 'Single issuer',
      kind: 'max_issuer_weight',
      max_percent: '10',
    });

    // Derived on the way in: the client of a client-owned row comes from what it refers to.
    expect(account.client_id).toBe(client.id);
    expect(position.client_id).toBe(client.id);
    // snake_case, decimals as strings, dates as days, times in RFC 3339 UTC.
    expect(position).toMatchObject({ par: '2500000.000000', quantity: null, currency: 'EUR' });
    expect(position.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const created: [string, Json][] = [
      ['/industries', industry],
      ['/issuers', issuer],
      ['/instruments', instrument],
      ['/instrument-prices', price],
      ['/clients', client],
      ['/users', user],
      ['/legal-entities', holdco],
      ['/legal-entities', opco],
      ['/legal-entity-ownerships', ownership],
      ['/reporting-entities', reporting],
      ['/role-assignments', role],
      ['/depositories', depository],
      ['/accounts', account],
      ['/portfolios', portfolio],
      ['/positions', position],
      ['/lots', lot],
      ['/cashflows', cashflow],
      ['/transactions', transaction],
      ['/holdings', holding],
      ['/instrument-holdings', instrumentHolding],
      ['/limits', limit],
    ];
    // Every writable resource is in the journey.
    const writable = describedResources().filter((resource) => !resource.readOnly);
    expect([...new Set(created.map(([path]) => path))].sort()).toEqual(writable.map(collectionPath).sort());

    for (const [path, record] of created) {
      const read = await api('GET', `/v1${path}/${record.id}`);
      expect(read.status, path).toBe(200);
      expect(read.body, path).toEqual(record);
      const listed = await walk(api, `/v1${path}`);
      expect(
        listed.map((row) => row.id),
        path,
      ).toContain(record.id);
    }

    // Sub-collections: each parent's related rows, as partners expect to find them.
    const related: [string, string][] = [
      [`/portfolios/${portfolio.id}/positions`, position.id],
      [`/portfolios/${portfolio.id}/cashflows`, cashflow.id],
      [`/accounts/${account.id}/positions`, position.id],
      [`/accounts/${account.id}/cashflows`, cashflow.id],
      [`/clients/${client.id}/accounts`, account.id],
      [`/clients/${client.id}/portfolios`, portfolio.id],
      [`/instruments/${instrument.id}/prices`, price.id],
      [`/issuers/${issuer.id}/instruments`, instrument.id],
      [`/industries/${industry.id}/issuers`, issuer.id],
      [`/users/${user.id}/role-assignments`, role.id],
      [`/legal-entities/${holdco.id}/owned`, ownership.id],
      [`/legal-entities/${opco.id}/owners`, ownership.id],
      [`/legal-entities/${opco.id}/accounts`, account.id],
      [`/reporting-entities/${reporting.id}/portfolios`, portfolio.id],
      [`/depositories/${depository.id}/accounts`, account.id],
    ];
    for (const [path, id] of related) {
      const page = await api('GET', `/v1${path}`);
      expect(page.status, path).toBe(200);
      expect(
        page.body.data.map((row: Json) => row.id),
        path,
      ).toEqual([id]);
    }
    // A parent without related rows answers an empty page; an unknown parent answers 404.
    expect((await api('GET', `/v1/reporting-entities/${reporting.id}/children`)).body.data).toEqual([]);
    const unknown = await api('GET', `/v1/portfolios/${crypto.randomUUID()}/positions`);
    expect(unknown.status).toBe(404);

    // Updates change what is given and nothing else.
    const moved = await api('PATCH', `/v1/positions/${position.id}`, {
      mark_price: '100.125',
      market_value: '2503125.00',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      mark_price: '100.1250000000',
      market_value: '2503125.000000',
      par: '2500000.000000',
    });
    expect(moved.body.updated_at > position.updated_at).toBe(true);
    for (const [path, record] of created) {
      const renamed = await api('PATCH', `/v1${path}/${record.id}`, {
        external_reference: `renamed-${record.id.slice(-6)}`,
      });
      expect(renamed.status, path).toBe(200);
      expect(renamed.body.external_reference, path).toBe(`renamed-${record.id.slice(-6)}`);
    }

    // Deleting something live rows still refer to is a conflict; leaves first, then the rest.
    const refused = await api('DELETE', `/v1/instruments/${instrument.id}`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    for (const [path, record] of [...created].reverse()) {
      const deleted = await api('DELETE', `/v1${path}/${record.id}`);
      expect(deleted.status, `${path}: ${deleted.text}`).toBe(204);
      expect(deleted.text).toBe('');
      expect((await api('GET', `/v1${path}/${record.id}`)).status, path).toBe(404);
      expect((await api('DELETE', `/v1${path}/${record.id}`)).status, path).toBe(404);
    }
  });

  describe('on a seeded tenant', () => {
    beforeAll(async () => {
      await seedTenant(app.database.db, tenantId, { size: 'small' });
    });

    it('reads performance results, which only calculations write', async () => {
      const [first] = await walk(api, '/v1/performance', 5);
      expect(first).toBeDefined();
      expect((await api('GET', `/v1/performance/${first.id}`)).body).toEqual(first);
      // No such operations (so not in the document): asked for anyway, 405 with what is allowed.
      for (const [method, path] of [
        ['POST', '/v1/performance'],
        ['PATCH', `/v1/performance/${first.id}`],
        ['DELETE', `/v1/performance/${first.id}`],
      ] as const) {
        const response = await fetch(`${app.url}${path}`, { method, headers: auth });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, HEAD');
      }
    });

    it.each(
      describedResources().flatMap((resource) =>
        Object.entries(resource.filters)
          .filter(([name, spec]) => spec.kind !== 'through' && name !== 'updated_since')
          .map(([name]) => [`${collectionPath(resource)}?${v1FilterName(name)}`, resource, name] as const),
      ),
    )('filters %s', async (_label, resource: ResourceDescription, name: string) => {
      const spec = resource.filters[name]!;
      const path = `/v1${collectionPath(resource)}`;
      let all = await walk(api, path, 1000);
      if (name === 'external_reference') {
        // The seed leaves most references empty: give two rows one (calculated rows directly).
        const marked = all.slice(0, 2).map((row) => row.id);
        await app.database.db
          .updateTable(resource.table)
          .set({ external_reference: 'filter-me' })
          .where('id', 'in', marked)
          .execute();
        all = await walk(api, path, 1000);
      }
      const sample = all.find((row) => row[spec.column] !== null);
      if (!sample) throw new Error(`the seed has no ${resource.plural} with ${spec.column}`);
      const value = sample[spec.column];
      const parameter = v1FilterName(name);
      const filtered = await walk(api, `${path}?${parameter}=${encodeURIComponent(value)}`, 1000);
      const expected = all.filter((row) => {
        const own = row[spec.column];
        if (own === null) return false;
        if (spec.kind === 'from') return own >= value;
        if (spec.kind === 'to') return own <= value;
        return own === value;
      });
      expect(filtered.map((row) => row.id)).toEqual(expected.map((row) => row.id));
      expect(filtered.length).toBeGreaterThan(0);
    });

    it('filters positions by issuer and by industry (its code or its id), through their instruments', async () => {
      const instruments = await walk(api, '/v1/instruments', 1000);
      const issuers = await walk(api, '/v1/issuers', 1000);
      const industries = await walk(api, '/v1/industries', 1000);
      const positions = await walk(api, '/v1/positions', 1000);
      const issuerOf = new Map(instruments.map((row) => [row.id, row.issuer_id]));
      const industryOf = new Map(issuers.map((row) => [row.id, row.industry_id]));
      const held = positions.find((row) => industryOf.get(issuerOf.get(row.instrument_id)));
      const issuerId = issuerOf.get(held.instrument_id);
      const industry = industries.find((row) => row.id === industryOf.get(issuerId));

      const byIssuer = await walk(api, `/v1/positions?issuer_id=${issuerId}`, 1000);
      expect(byIssuer.map((row) => row.id)).toEqual(
        positions.filter((row) => issuerOf.get(row.instrument_id) === issuerId).map((row) => row.id),
      );
      const inIndustry = positions
        .filter((row) => industryOf.get(issuerOf.get(row.instrument_id)) === industry.id)
        .map((row) => row.id);
      for (const value of [industry.code, industry.id]) {
        const byIndustry = await walk(api, `/v1/positions?industry=${encodeURIComponent(value)}`, 1000);
        expect(byIndustry.map((row) => row.id)).toEqual(inIndustry);
      }
      // Filters combine with AND.
      const portfolioId = held.portfolio_id;
      const both = await walk(
        api,
        `/v1/positions?industry=${industry.code}&portfolio_id=${portfolioId}`,
        1000,
      );
      expect(both.map((row) => row.id)).toEqual(
        positions
          .filter((row) => inIndustry.includes(row.id) && row.portfolio_id === portfolioId)
          .map((row) => row.id),
      );
    });

    it('reads one resource in one statement, and a filtered list page in one statement', async () => {
      const [position] = (await api('GET', '/v1/positions?limit=1')).body.data;
      await api('GET', `/v1/positions/${position.id}`);
      let before = app.database.statements();
      expect((await api('GET', `/v1/positions/${position.id}`)).status).toBe(200);
      expect(app.database.statements() - before).toBe(1);
      before = app.database.statements();
      const page = await api('GET', `/v1/positions?portfolio_id=${position.portfolio_id}&limit=100`);
      expect(page.body.data.length).toBeGreaterThan(0);
      expect(app.database.statements() - before).toBe(1);
      before = app.database.statements();
      await api('GET', `/v1/portfolios/${position.portfolio_id}/positions?limit=100`);
      expect(app.database.statements() - before).toBe(1);
    });
  });

  it('holds each route to its scope family: <family>:read to read, <family>:write to write', async () => {
    const reader = await tenantWithClient(app, ['positions:read'], { tenantId });
    const call = v1As(app, bearer(await accessToken(app, reader.client)));
    expect((await call('GET', '/v1/positions')).status).toBe(200);
    for (const resource of describedResources()) {
      const path = `/v1${collectionPath(resource)}`;
      const read = await call('GET', path);
      expect(read.status, path).toBe(resource.family === 'positions' ? 200 : 403);
      if (resource.readOnly) continue;
      const write = await call('POST', path, {});
      expect(write.status, path).toBe(403);
      expect(write.headers.get('www-authenticate')).toContain(`scope="${resource.family}:write"`);
    }
  });
});

describe('the v1 document holds to the descriptions', () => {
  it('shows every described field, takes every described filter and asks for the family’s scopes', async () => {
    const { document } = await openApiValidator();
    const paths = document.paths as Record<string, Record<string, Json>>;
    const schemas = (document.components as Json).schemas;
    for (const resource of describedResources()) {
      const path = `/v1${collectionPath(resource)}`;
      const record = schemas[pascal(resource.name)];
      expect(Object.keys(record.properties), resource.name).toEqual(Object.keys(resource.fields));
      const list = paths[path]?.get;
      const query = list.parameters.filter((parameter: Json) => parameter.in === 'query');
      expect(query.map((parameter: Json) => parameter.name).sort(), path).toEqual(
        [...Object.keys(resource.filters).map(v1FilterName), 'include_deleted', 'limit', 'cursor'].sort(),
      );
      const operations = [
        ...Object.entries(paths[path] ?? {}),
        ...Object.entries(paths[`${path}/{id}`] ?? {}),
      ];
      expect(operations.map(([method]) => method).sort(), path).toEqual(
        (resource.readOnly ? ['get', 'get'] : ['delete', 'get', 'get', 'patch', 'post']).sort(),
      );
      for (const [method, operation] of operations) {
        const scope = `${resource.family}:${method === 'get' ? 'read' : 'write'}`;
        expect(operation.security, `${method} ${path}`).toEqual([{ oauth2: [scope] }, { apiKey: [scope] }]);
      }
    }
  });
});
