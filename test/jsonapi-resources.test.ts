import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { type ResourceDescription, resourceNamed } from '../src/domain/resource.js';
import '../src/domain/resources/described-resources.js';
import {
  filterParameter,
  type JsonApiSurface,
  servedBy,
  v2,
  v3,
} from '../src/rest/jsonapi/jsonapi-surfaces.js';
import { rendererOf } from '../src/rest/jsonapi/resource-objects.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type JsonApiCall, jsonApiAs } from './helpers/jsonapi.js';
import type { Json } from './helpers/v1.js';

// Every v2 and v3 route of every resource they serve, on both engines: the legacy partner's whole
// journey in JSON:API (create the graph, read it, list it, follow related collections, include and
// sparse fieldsets, change it, delete it twice), every filter, historical uploads that upsert, and
// the row cap. Every request and response is held to the JSON:API 1.1 schema and the OpenAPI document.

/** A JSON:API write document. */
function doc(
  type: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, [string, string] | null> = {},
  id?: string,
) {
  return {
    data: {
      type,
      ...(id ? { id } : {}),
      attributes,
      relationships: Object.fromEntries(
        Object.entries(relationships).map(([name, target]) => [
          name,
          { data: target ? { type: target[0], id: target[1] } : null },
        ]),
      ),
    },
  };
}

describe.each(engines)('REST v2 and v3 (JSON:API) on %s', (engine) => {
  let app: TestApp;
  let api: JsonApiCall;
  let tenantId: string;

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    api = jsonApiAs(app, bearer(await accessToken(app, tenant.client)));
  });
  afterAll(async () => {
    await app?.close();
  });

  async function create(path: string, body: ReturnType<typeof doc>): Promise<Json> {
    const response = await api('POST', path, body);
    expect(response.status, `POST ${path}: ${response.text}`).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(response.headers.get('location')).toBe(`${app.url}${path}/${response.body.data.id}`);
    expect(response.body.data.type).toBe(body.data.type);
    return response.body.data;
  }

  it('takes a v2/v3 partner through the domain: create, read, list, relate, include, update, delete', async () => {
    const industry = await create(
      '/api/v3/industries',
      doc('industry', { code: 'SWX', name: 'Software', sector: 'Technology' }),
    );
    const issuer = await create(
      '/api/v3/issuers',
      doc('issuer', { name: 'Aurora Software ASA', country: 'NO' }, { industry: ['industry', industry.id] }),
    );
    const instrument = await create(
      '/api/v3/instruments',
      doc(
        'instrument',
        {
          isin: 'NO0010000001',
          name: 'Aurora TLB 2029',
          kind: 'loan',
          currency: 'EUR',
          maturityDate: '2029-06-30',
          couponRate: '0.0725',
          couponFrequency: 4,
          externalReference: 'journey-instrument',
        },
        { issuer: ['issuer', issuer.id] },
      ),
    );
    expect(instrument.attributes).toMatchObject({ name: 'Aurora TLB 2029', couponFrequency: 4 });
    expect(instrument.relationships.issuer).toEqual({
      data: { type: 'issuer', id: issuer.id },
      links: { related: `${app.url}/api/v3/issuers/${issuer.id}` },
    });
    const price = await create(
      '/api/v3/price-series',
      doc(
        'instrument-price',
        { priceDate: '2026-05-22', price: '99.875', currency: 'EUR' },
        { instrument: ['instrument', instrument.id] },
      ),
    );
    const client = await create(
      '/api/v2/clients',
      doc('client', { name: 'Andersen Family Office', baseCurrency: 'NOK' }),
    );
    const user = await create(
      '/api/v2/users',
      doc('user', { name: 'Ingrid Berg', email: 'ingrid@example.com' }, { client: ['client', client.id] }),
    );
    const holdco = await create(
      '/api/v2/legal-entities',
      doc(
        'legal-entity',
        { name: 'Andersen Holding AS', kind: 'company', country: 'NO' },
        { client: ['client', client.id] },
      ),
    );
    const opco = await create(
      '/api/v2/legal-entities',
      doc('legal-entity', { name: 'Andersen Invest AS', kind: 'company' }, { client: ['client', client.id] }),
    );
    const ownership = await create(
      '/api/v2/legal-entity-ownerships',
      doc(
        'legal-entity-ownership',
        { sharePercent: '75' },
        { owner: ['legal-entity', holdco.id], owned: ['legal-entity', opco.id] },
      ),
    );
    const reporting = await create(
      '/api/v2/reporting-entities',
      doc('reporting-entity', { name: 'Group' }, { legalEntity: ['legal-entity', holdco.id] }),
    );
    const role = await create(
      '/api/v2/role-assignments',
      doc(
        'role-assignment',
        { role: 'advisor' },
        { user: ['user', user.id], legalEntity: ['legal-entity', holdco.id] },
      ),
    );
    const depository = await create(
      '/api/v2/depositories',
      doc('depository', { name: 'Nordic Custody Bank', bic: 'NCBKNOKK' }, { client: ['client', client.id] }),
    );
    const account = await create(
      '/api/v2/accounts',
      doc(
        'account',
        { name: 'Custody EUR', currency: 'EUR', kind: 'custody' },
        { legalEntity: ['legal-entity', opco.id], depository: ['depository', depository.id] },
      ),
    );
    const portfolio = await create(
      '/api/v2/portfolios',
      doc(
        'portfolio',
        { name: 'Private credit', baseCurrency: 'EUR' },
        { reportingEntity: ['reporting-entity', reporting.id] },
      ),
    );
    const transaction = await create(
      '/api/v2/transactions',
      doc(
        'transaction',
        {
          kind: 'buy',
          tradeDate: '2025-01-15',
          settleDate: '2025-01-17',
          quantity: '2500000',
          price: '98.5',
          amount: '-2462500.00',
          currency: 'EUR',
        },
        {
          account: ['account', account.id],
          portfolio: ['portfolio', portfolio.id],
          instrument: ['instrument', instrument.id],
        },
      ),
    );
    const limit = await create(
      '/api/v2/limits',
      doc(
        'investment-limit',
        { name: 'Single issuer', kind: 'max_issuer_weight', maxPercent: '10' },
        { portfolio: ['portfolio', portfolio.id] },
      ),
    );
    const holding = await create(
      '/api/v2/account-holdings',
      doc(
        'account-holding',
        {
          holdingDate: '2026-05-22',
          marketValue: '2496875.00',
          currency: 'EUR',
          lines: [{ name: 'Aurora TLB 2029' }],
        },
        { account: ['account', account.id] },
      ),
    );
    const instrumentHolding = await create(
      '/api/v3/instrument-holdings',
      doc(
        'instrument-holding',
        { holdingDate: '2026-05-22', quantity: '2500000', currency: 'EUR' },
        { depository: ['depository', depository.id], instrument: ['instrument', instrument.id] },
      ),
    );
    // A v3 position lives on v1 only: the lot's position relationship is left out here.
    const lot = await create(
      '/api/v3/lot-holdings',
      doc(
        'lot',
        {
          acquiredOn: '2025-01-15',
          quantity: '2500000',
          costPrice: '98.5',
          cost: '2462500.00',
          currency: 'EUR',
        },
        { account: ['account', account.id], instrument: ['instrument', instrument.id] },
      ),
    );

    // Derived on the way in, as on v1: the client of a client-owned row comes from what it refers to.
    expect(account.relationships.client.data).toEqual({ type: 'client', id: client.id });

    const created: [string, Json][] = [
      ['/api/v3/industries', industry],
      ['/api/v3/issuers', issuer],
      ['/api/v3/instruments', instrument],
      ['/api/v3/price-series', price],
      ['/api/v2/clients', client],
      ['/api/v2/users', user],
      ['/api/v2/legal-entities', holdco],
      ['/api/v2/legal-entities', opco],
      ['/api/v2/legal-entity-ownerships', ownership],
      ['/api/v2/reporting-entities', reporting],
      ['/api/v2/role-assignments', role],
      ['/api/v2/depositories', depository],
      ['/api/v2/accounts', account],
      ['/api/v2/portfolios', portfolio],
      ['/api/v2/transactions', transaction],
      ['/api/v2/limits', limit],
      ['/api/v2/account-holdings', holding],
      ['/api/v3/instrument-holdings', instrumentHolding],
      ['/api/v3/lot-holdings', lot],
    ];
    // Every writable resource v2 and v3 serve is in the journey.
    const writable = [v2, v3].flatMap((surface) =>
      servedBy(surface)
        .filter((resource) => !resource.readOnly)
        .map((resource) => `${surface.prefix}/${surface.paths[resource.name]}`),
    );
    expect([...new Set(created.map(([path]) => path))].sort()).toEqual(writable.sort());

    for (const [path, object] of created) {
      const read = await api('GET', `${path}/${object.id}`);
      expect(read.status, path).toBe(200);
      expect(read.body.data, path).toEqual(object);
      expect(read.body.links.self).toBe(`${app.url}${path}/${object.id}`);
      const listed = await api('GET', path);
      expect(listed.status, path).toBe(200);
      expect(
        listed.body.data.map((row: Json) => row.id),
        path,
      ).toContain(object.id);
      expect(listed.body.meta).toMatchObject({ rowCap: 10000, capped: false });
    }

    // Related collections: each to-many relationship's related link answers its rows.
    const related: [string, string][] = [
      [`/api/v2/clients/${client.id}/accounts`, account.id],
      [`/api/v2/clients/${client.id}/portfolios`, portfolio.id],
      [`/api/v2/users/${user.id}/role-assignments`, role.id],
      [`/api/v2/legal-entities/${holdco.id}/owned`, ownership.id],
      [`/api/v2/legal-entities/${opco.id}/owners`, ownership.id],
      [`/api/v2/legal-entities/${opco.id}/accounts`, account.id],
      [`/api/v2/reporting-entities/${reporting.id}/portfolios`, portfolio.id],
      [`/api/v2/depositories/${depository.id}/accounts`, account.id],
      [`/api/v3/instruments/${instrument.id}/prices`, price.id],
      [`/api/v3/issuers/${issuer.id}/instruments`, instrument.id],
      [`/api/v3/industries/${industry.id}/issuers`, issuer.id],
    ];
    for (const [path, id] of related) {
      const list = await api('GET', path);
      expect(list.status, path).toBe(200);
      expect(
        list.body.data.map((row: Json) => row.id),
        path,
      ).toEqual([id]);
    }
    expect((await api('GET', `/api/v3/instruments/${crypto.randomUUID()}/prices`)).status).toBe(404);
    const userRead = await api('GET', `/api/v2/users/${user.id}`);
    expect(userRead.body.data.relationships.roleAssignments).toEqual({
      links: { related: `${app.url}/api/v2/users/${user.id}/role-assignments` },
    });

    // include=: to-one and to-many, nested, each included resource once; fields[type]= trims.
    const compound = await api(
      'GET',
      `/api/v2/accounts?include=client,depository.client,legalEntity.owners&fields[client]=name&fields[account]=name,client`,
    );
    expect(compound.status, compound.text).toBe(200);
    const [shown] = compound.body.data;
    expect(Object.keys(shown.attributes)).toEqual(['name']);
    expect(Object.keys(shown.relationships)).toEqual(['client']);
    const included = compound.body.included.map((object: Json) => `${object.type}:${object.id}`);
    expect(included.sort()).toEqual(
      [
        `client:${client.id}`,
        `depository:${depository.id}`,
        `legal-entity:${opco.id}`,
        `legal-entity-ownership:${ownership.id}`,
      ].sort(),
    );
    const includedOpco = compound.body.included.find((object: Json) => object.id === opco.id);
    expect(includedOpco.relationships.owners.data).toEqual([
      { type: 'legal-entity-ownership', id: ownership.id },
    ]);
    const includedClient = compound.body.included.find((object: Json) => object.id === client.id);
    expect(includedClient.attributes).toEqual({ name: 'Andersen Family Office' });
    // Across versions: a v2 transaction includes its v3 instrument, linked where v3 serves it.
    const withInstrument = await api('GET', `/api/v2/transactions/${transaction.id}?include=instrument`);
    expect(withInstrument.body.included).toEqual([
      expect.objectContaining({
        type: 'instrument',
        id: instrument.id,
        links: { self: `${app.url}/api/v3/instruments/${instrument.id}` },
      }),
    ]);
    for (const [query, parameter] of [
      ['include=nothing', 'include'],
      ['include=client.nothing', 'include'],
      ['include=a.b.c.d', 'include'],
      ['fields[client]=nope', 'fields[client]'],
      ['page[size]=10', 'page[size]'],
      ['sort=name', 'sort'],
    ]) {
      const refused = await api('GET', `/api/v2/accounts?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.errors[0].source, query).toEqual({ parameter });
    }

    // Updates change what is given and nothing else; data.id must be the URL's.
    const renamed = await api(
      'PATCH',
      `/api/v2/accounts/${account.id}`,
      doc('account', { name: 'Custody EUR (main)' }, {}, account.id),
    );
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.data.attributes).toMatchObject({ name: 'Custody EUR (main)', currency: 'EUR' });
    const mismatch = await api(
      'PATCH',
      `/api/v2/accounts/${account.id}`,
      doc('account', { name: 'x' }, {}, client.id),
    );
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.errors[0]).toMatchObject({ code: 'id_mismatch', source: { pointer: '/data/id' } });
    for (const [path, object] of created) {
      const changed = await api(
        'PATCH',
        `${path}/${object.id}`,
        doc(object.type, { externalReference: `renamed-${object.id.slice(-6)}` }, {}, object.id),
      );
      expect(changed.status, `${path}: ${changed.text}`).toBe(200);
      expect(changed.body.data.attributes.externalReference).toBe(`renamed-${object.id.slice(-6)}`);
    }

    // Deleting what live rows refer to is a conflict; leaves first. Deleting twice is 404.
    const refused = await api('DELETE', `/api/v3/instruments/${instrument.id}`);
    expect(refused.status).toBe(409);
    for (const [path, object] of [...created].reverse()) {
      const deleted = await api('DELETE', `${path}/${object.id}`);
      expect(deleted.status, `${path}: ${deleted.text}`).toBe(204);
      expect(deleted.text).toBe('');
      const again = await api('DELETE', `${path}/${object.id}`);
      expect(again.status, path).toBe(404);
      expect(again.body.errors[0].code).toBe(`${object.type.replaceAll('-', '_')}_not_found`);
      expect((await api('GET', `${path}/${object.id}`)).status, path).toBe(404);
    }
  });

  it('upserts historical uploads on their natural key: a retry leaves one row', async () => {
    const client = await create(
      '/api/v2/clients',
      doc('client', { name: 'Upload client', baseCurrency: 'EUR' }),
    );
    const depository = await create(
      '/api/v2/depositories',
      doc('depository', { name: 'Upload bank' }, { client: ['client', client.id] }),
    );
    const account = await create(
      '/api/v2/accounts',
      doc(
        'account',
        { name: 'Upload account', currency: 'EUR' },
        { client: ['client', client.id], depository: ['depository', depository.id] },
      ),
    );
    const instrument = await create(
      '/api/v3/instruments',
      doc('instrument', { name: 'Upload fund', kind: 'fund', currency: 'EUR' }),
    );
    const upload = (marketValue: string) =>
      doc(
        'account-holding',
        { holdingDate: '2026-06-30', marketValue, currency: 'EUR' },
        { account: ['account', account.id] },
      );
    const first = await api('POST', '/api/v2/account-holdings', upload('100.00'));
    expect(first.status).toBe(201);
    const retry = await api('POST', '/api/v2/account-holdings', upload('100.00'));
    expect(retry.status).toBe(200);
    expect(retry.body.data.id).toBe(first.body.data.id);
    const corrected = await api('POST', '/api/v2/account-holdings', upload('125.50'));
    expect(corrected.status).toBe(200);
    expect(corrected.body.data).toMatchObject({
      id: first.body.data.id,
      attributes: { marketValue: '125.500000' },
    });
    const listed = await api('GET', `/api/v2/account-holdings?accountId=${account.id}`);
    expect(listed.body.data).toHaveLength(1);
    const events = await app.database.db
      .selectFrom('events')
      .select('type')
      .where('resource_id', '=', first.body.data.id)
      .orderBy('id')
      .execute();
    // The identical retry changed nothing and said nothing.
    expect(events.map((event) => event.type)).toEqual(['account-holding.created', 'account-holding.updated']);

    const consolidated = () =>
      doc(
        'instrument-holding',
        { holdingDate: '2026-06-30', quantity: '10', currency: 'EUR' },
        { depository: ['depository', depository.id], instrument: ['instrument', instrument.id] },
      );
    const [one, two] = await Promise.all([
      api('POST', '/api/v3/instrument-holdings', consolidated()),
      api('POST', '/api/v3/instrument-holdings', consolidated()),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 201]);
    expect(one.body.data.id).toBe(two.body.data.id);
    const held = await api('GET', `/api/v3/instrument-holdings?instrumentId=${instrument.id}`);
    expect(held.body.data).toHaveLength(1);
  });

  describe('on a seeded tenant', () => {
    beforeAll(async () => {
      await seedTenant(app.database.db, tenantId, { size: 'small' });
    });

    const filterCases = [v2, v3].flatMap((surface: JsonApiSurface) =>
      servedBy(surface).flatMap((resource) =>
        Object.entries(resource.filters)
          .filter(([name, spec]) => spec.kind !== 'through' && name !== 'updated_since')
          .map(
            ([name]) =>
              [
                `${surface.prefix}/${surface.paths[resource.name]}?${filterParameter(surface, name)}`,
                surface,
                resource,
                name,
              ] as const,
          ),
      ),
    );

    it.each(filterCases)('filters %s', async (path, surface, resource: ResourceDescription, name: string) => {
      const spec = resource.filters[name]!;
      const collection = path.split('?')[0]!;
      if (name === 'external_reference') {
        const ids = (
          await app.database.db
            .selectFrom(resource.table)
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('deleted_at', 'is', null)
            .limit(2)
            .execute()
        ).map((row) => row.id);
        await app.database.db
          .updateTable(resource.table)
          .set({ external_reference: 'filter-me' })
          .where('id', 'in', ids)
          .execute();
      }
      const all = (await api('GET', collection)).body.data as Json[];
      const renderer = rendererOf(surface, resource);
      const shownValue = (object: Json) => {
        const relationship = [...renderer.relationships.values()].find(
          (r) => r.kind === 'one' && r.column === spec.column,
        );
        if (relationship) return object.relationships[relationship.name].data?.id ?? null;
        const attribute = renderer.attributes.find(([, column]) => column === spec.column)!;
        return object.attributes[attribute[0]];
      };
      const sample = all.find((object) => shownValue(object) !== null);
      if (!sample) throw new Error(`the seed has no ${resource.plural} with ${spec.column}`);
      const value = shownValue(sample);
      const filtered = await api('GET', `${path}=${encodeURIComponent(value)}`);
      expect(filtered.status, filtered.text).toBe(200);
      const expected = all.filter((object) => {
        const own = shownValue(object);
        if (own === null) return false;
        if (spec.kind === 'from') return own >= value;
        if (spec.kind === 'to') return own <= value;
        return own === value;
      });
      expect(filtered.body.data.map((object: Json) => object.id)).toEqual(
        expected.map((object) => object.id),
      );
      expect(filtered.body.data.length).toBeGreaterThan(0);
    });

    it('filters v3 instruments by industry (its code or its id) and by issuer', async () => {
      const industries = (await api('GET', '/api/v3/industries')).body.data as Json[];
      const issuers = (await api('GET', '/api/v3/issuers')).body.data as Json[];
      const instruments = (await api('GET', '/api/v3/instruments')).body.data as Json[];
      const industryOf = new Map(issuers.map((row) => [row.id, row.relationships.industry.data?.id]));
      const sample = instruments.find((row) => industryOf.get(row.relationships.issuer.data?.id));
      const industry = industries.find(
        (row) => row.id === industryOf.get(sample.relationships.issuer.data.id),
      );
      const expected = instruments
        .filter((row) => industryOf.get(row.relationships.issuer.data?.id) === industry.id)
        .map((row) => row.id);
      for (const query of [
        `industry=${industry.attributes.code}`,
        `industry=${industry.id}`,
        `industryId=${industry.id}`,
      ]) {
        const filtered = await api('GET', `/api/v3/instruments?${encodeURI(query)}`);
        expect(
          filtered.body.data.map((row: Json) => row.id),
          query,
        ).toEqual(expected);
      }
      // And by issuer, through the same relationship.
      const issuerId = sample.relationships.issuer.data.id;
      const byIssuer = await api('GET', `/api/v3/instruments?issuerId=${issuerId}`);
      expect(byIssuer.body.data.map((row: Json) => row.id)).toEqual(
        instruments.filter((row) => row.relationships.issuer.data?.id === issuerId).map((row) => row.id),
      );
    });

    it('reads v2 performance results, daily returns a calculation wrote, and refuses writes', async () => {
      const list = await api('GET', '/api/v2/performance?fromDate=2000-01-01');
      expect(list.status).toBe(200);
      const [first] = list.body.data;
      expect(first.type).toBe('performance-result');
      // Per period, and accumulated: one portfolio's returns chained in period order.
      const portfolioId = first.relationships.portfolio.data.id;
      const own = (await api('GET', `/api/v2/performance?portfolioId=${portfolioId}`)).body.data as Json[];
      own.sort((a, b) => a.attributes.periodEnd.localeCompare(b.attributes.periodEnd));
      expect(own.length).toBeGreaterThan(1);
      let growth = 1;
      for (const result of own) {
        growth *= 1 + Number(result.attributes.timeWeightedReturn);
        expect(Number(result.attributes.accumulatedTimeWeightedReturn)).toBeCloseTo(growth - 1, 8);
      }
      // Narrowed to a span, the chain starts at its first period.
      const from = own[1].attributes.periodEnd;
      const span = (await api('GET', `/api/v2/performance?portfolioId=${portfolioId}&fromDate=${from}`)).body
        .data as Json[];
      const start = span.find((result) => result.attributes.periodEnd === from);
      expect(start.attributes.accumulatedTimeWeightedReturn).toBe(start.attributes.timeWeightedReturn);
      const response = await fetch(`${app.url}/api/v2/performance/${first.id}`, {
        method: 'DELETE',
        headers: bearer(
          await accessToken(app, (await tenantWithClient(app, allScopes, { tenantId })).client),
        ),
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect((await response.json()).errors[0]).toMatchObject({ status: '405' });
    });

    it('answers every matching row up to ROW_CAP, and says when it stopped there', async () => {
      const capped = await startTestApp({ database: app.database, env: { ROW_CAP: '3' } });
      try {
        const tenant = await tenantWithClient(capped, allScopes, { tenantId });
        const call = jsonApiAs(capped, bearer(await accessToken(capped, tenant.client)));
        const all = await api('GET', '/api/v2/transactions');
        expect(all.body.data.length).toBeGreaterThan(3);
        const list = await call('GET', '/api/v2/transactions');
        expect(list.body.data).toHaveLength(3);
        expect(list.body.meta).toEqual({ count: 3, rowCap: 3, capped: true });
        expect(list.body.data.map((row: Json) => row.id)).toEqual(
          all.body.data.slice(0, 3).map((row: Json) => row.id),
        );
        const account = all.body.data[0].relationships.account.data.id;
        const narrowed = all.body.data.filter((row: Json) => row.relationships.account.data.id === account);
        if (narrowed.length <= 3) {
          const few = await call('GET', `/api/v2/transactions?accountId=${account}`);
          expect(few.body.meta).toEqual({ count: narrowed.length, rowCap: 3, capped: false });
        }
      } finally {
        await capped.close();
      }
    });

    it('reads a list with its includes in one statement per relationship', async () => {
      await api('GET', '/api/v2/accounts?include=client');
      let before = app.database.statements();
      expect((await api('GET', '/api/v2/accounts')).status).toBe(200);
      expect(app.database.statements() - before).toBe(1);
      before = app.database.statements();
      expect((await api('GET', '/api/v2/accounts?include=client,depository,legalEntity.owners')).status).toBe(
        200,
      );
      expect(app.database.statements() - before).toBe(5);
    });
  });

  it('holds every route to its scope family, with the same token as v1', async () => {
    const reader = await tenantWithClient(app, ['instruments:read'], { tenantId });
    const token = bearer(await accessToken(app, reader.client));
    const call = jsonApiAs(app, token);
    expect((await call('GET', '/api/v3/instruments')).status).toBe(200);
    expect((await fetch(`${app.url}/v1/instruments`, { headers: token })).status).toBe(200);
    for (const surface of [v2, v3]) {
      for (const resource of servedBy(surface)) {
        const path = `${surface.prefix}/${surface.paths[resource.name]}`;
        const read = await call('GET', path);
        expect(read.status, path).toBe(resource.family === 'instruments' ? 200 : 403);
        if (read.status === 403)
          expect(read.body.errors[0]).toMatchObject({ status: '403', code: 'insufficient_scope' });
        if (resource.readOnly) continue;
        const write = await call('POST', path, doc(rendererOf(surface, resource).type, {}));
        expect(write.status, path).toBe(403);
      }
    }
    // An include reaches into another family: it needs that family's read scope too.
    const include = await call('GET', '/api/v3/lot-holdings?include=account');
    expect(include.status).toBe(403);
    expect(resourceNamed('lot').family).toBe('instruments');
  });
});
