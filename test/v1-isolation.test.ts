import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { describedResources, type ResourceDescription } from '../src/domain/resource.js';
import '../src/domain/resources/described-resources.js';
import { collectionPath } from '../src/rest/v1/v1-names.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type Json, type V1Call, type V1Response, v1As, walk } from './helpers/v1.js';

// The isolation matrix over every v1 route: another tenant's ids answer exactly like ids that do
// not exist — on reads, writes, deletes and sub-collections — its rows never appear in a list, and
// nothing a refused request tried changed them.

/** What a caller can learn from a refusal, with the id it asked for and the request id taken out. */
function shape(response: V1Response, id: string) {
  const blank = (value: unknown) => (typeof value === 'string' ? value.replaceAll(id, '<id>') : value);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    fields: Object.keys(response.body ?? {}).sort(),
    type: response.body?.type,
    title: response.body?.title,
    code: response.body?.code,
    detail: blank(response.body?.detail),
    instance: blank(response.body?.instance),
    errors: response.body?.errors,
  };
}

describe.each(engines)('v1 tenant isolation on %s', (engine) => {
  let app: TestApp;
  let mine: V1Call;
  let theirs: V1Call;
  let tenantA: string;
  const theirRows = new Map<ResourceDescription, Json>();

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const a = await tenantWithClient(app, allScopes, { name: 'Tenant A' });
    const b = await tenantWithClient(app, allScopes, { name: 'Tenant B' });
    tenantA = a.tenantId;
    await seedTenant(app.database.db, a.tenantId, { size: 'small' });
    await seedTenant(app.database.db, b.tenantId, { size: 'small', seed: 7 });
    mine = v1As(app, bearer(await accessToken(app, a.client)));
    theirs = v1As(app, bearer(await accessToken(app, b.client)));
    for (const resource of describedResources()) {
      const [row] = (await theirs('GET', `/v1${collectionPath(resource)}?limit=1`)).body.data;
      if (!row) throw new Error(`the seed has no ${resource.plural}`);
      theirRows.set(resource, row);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(describedResources().map((resource) => [collectionPath(resource), resource] as const))(
    '%s: another tenant’s id is answered like an id that does not exist',
    async (path, resource) => {
      const theirId = theirRows.get(resource).id;
      const noneId = crypto.randomUUID();
      const requests: [string, string, unknown?][] = [['GET', `/v1${path}/{id}`]];
      if (!resource.readOnly) {
        requests.push(['PATCH', `/v1${path}/{id}`, { external_reference: 'taken-over' }]);
        requests.push(['DELETE', `/v1${path}/{id}`]);
      }
      for (const relation of Object.keys(resource.children)) {
        requests.push(['GET', `/v1${path}/{id}/${relation.replaceAll('_', '-')}`]);
      }
      for (const [method, template, body] of requests) {
        const foreign = await mine(method, template.replace('{id}', theirId), body);
        const missing = await mine(method, template.replace('{id}', noneId), body);
        expect(foreign.status, `${method} ${template}`).toBe(404);
        expect(shape(foreign, theirId), `${method} ${template}`).toEqual(shape(missing, noneId));
      }
      // Their row is as it was.
      expect((await theirs('GET', `/v1${path}/${theirId}`)).body).toEqual(theirRows.get(resource));
      // Never listed, not even when asked for by a filter.
      const listed = await walk(mine, `/v1${path}`, 1000);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.map((row) => row.id)).not.toContain(theirId);
    },
  );

  it('refuses a write that refers to another tenant’s row, exactly as one that refers to nothing', async () => {
    const portfolio = theirRows.get(describedResources().find((r) => r.name === 'portfolio')!);
    const body = (portfolioId: string) => ({
      portfolio_id: portfolioId,
      name: 'Limit',
      kind: 'min_cash_weight',
      min_percent: '1',
    });
    const foreign = await mine('POST', '/v1/limits', body(portfolio.id));
    const missing = await mine('POST', '/v1/limits', body(crypto.randomUUID()));
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual(missing.body.errors);
    // A filter naming their parent finds nothing of theirs.
    const filtered = await mine('GET', `/v1/positions?portfolio_id=${portfolio.id}`);
    expect(filtered.body.data).toEqual([]);
  });

  it('keeps a white-label credential to its own white label’s clients, and shows it the shared reference data', async () => {
    const branded = await tenantWithClient(app, allScopes, { tenantId: tenantA, whiteLabel: 'Brand' });
    const brand = v1As(app, bearer(await accessToken(app, branded.client)));
    const client = (await brand('POST', '/v1/clients', { name: 'Brand client' })).body;
    const portfolio = (
      await brand('POST', '/v1/portfolios', {
        client_id: client.id,
        name: 'Brand book',
        base_currency: 'EUR',
      })
    ).body;

    // The tenant-wide credential sees the brand's rows beside its own.
    const everyClient = await walk(mine, '/v1/clients', 1000);
    expect(everyClient.map((row) => row.id)).toContain(client.id);
    const seeded = everyClient.find((row) => row.id !== client.id);

    // The brand sees only its own client-owned rows…
    expect((await walk(brand, '/v1/clients', 1000)).map((row) => row.id)).toEqual([client.id]);
    expect((await walk(brand, '/v1/portfolios', 1000)).map((row) => row.id)).toEqual([portfolio.id]);
    const hidden = await brand('GET', `/v1/clients/${seeded.id}`);
    const missing = await brand('GET', `/v1/clients/${crypto.randomUUID()}`);
    expect(shape(hidden, seeded.id)).toEqual(shape(missing, missing.body.instance.split('/').at(-1)));
    const borrowed = await brand('POST', '/v1/portfolios', {
      client_id: seeded.id,
      name: 'x',
      base_currency: 'EUR',
    });
    expect(borrowed.status).toBe(400);
    // … and the tenant's reference data, which belongs to no client.
    expect((await brand('GET', '/v1/instruments?limit=1')).body.data).toHaveLength(1);
  });
});
