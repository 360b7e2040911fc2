import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import '../src/domain/resources/described-resources.js';
import { assetAlias, type JsonApiSurface, servedBy, v2, v3 } from '../src/rest/jsonapi/jsonapi-surfaces.js';
import { rendererOf } from '../src/rest/jsonapi/resource-objects.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type JsonApiCall, jsonApiAs } from './helpers/jsonapi.js';
import type { Json, V1Response } from './helpers/v1.js';

// The isolation matrix over every v2 and v3 route (the asset alias included): another tenant's
// ids answer exactly like ids that do not exist, on reads, writes, deletes and related
// collections; its rows never appear in a list, an include or a relationship link.

/** What a caller can learn from a refusal, with the id it asked for and the request id taken out. */
function shape(response: V1Response, id: string) {
  const blank = (value: unknown) => (typeof value === 'string' ? value.replaceAll(id, '<id>') : value);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    errors: (response.body?.errors ?? []).map((error: Json) => ({ ...error, detail: blank(error.detail) })),
  };
}

const routes = [v2, v3, assetAlias].flatMap((surface: JsonApiSurface) =>
  servedBy(surface).map(
    (resource) => [`${surface.prefix}/${surface.paths[resource.name]}`, surface, resource] as const,
  ),
);

describe.each(engines)('v2/v3 tenant isolation on %s', (engine) => {
  let app: TestApp;
  let mine: JsonApiCall;
  let theirs: JsonApiCall;
  const theirRows = new Map<string, Json>();

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const a = await tenantWithClient(app, allScopes, { name: 'Tenant A' });
    const b = await tenantWithClient(app, allScopes, { name: 'Tenant B' });
    await seedTenant(app.database.db, a.tenantId, { size: 'small' });
    await seedTenant(app.database.db, b.tenantId, { size: 'small', seed: 7 });
    mine = jsonApiAs(app, bearer(await accessToken(app, a.client)));
    theirs = jsonApiAs(app, bearer(await accessToken(app, b.client)));
    for (const [path] of routes) {
      const [row] = (await theirs('GET', path)).body.data;
      if (!row) throw new Error(`the seed has nothing at ${path}`);
      theirRows.set(path, row);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(routes)(
    '%s: another tenant’s id is answered like an id that does not exist',
    async (path, surface, resource) => {
      const their = theirRows.get(path);
      const noneId = crypto.randomUUID();
      const type = rendererOf(surface, resource).type;
      const requests: [string, string, ((id: string) => unknown)?][] = [
        ['GET', `${path}/{id}`],
        ['GET', `${path}/{id}?include=${[...rendererOf(surface, resource).relationships.keys()][0] ?? ''}`],
      ];
      if (!resource.readOnly) {
        requests.push([
          'PATCH',
          `${path}/{id}`,
          (id) => ({ data: { type, id, attributes: { externalReference: 'taken-over' } } }),
        ]);
        requests.push(['DELETE', `${path}/{id}`]);
      }
      for (const relationship of rendererOf(surface, resource).relationships.values()) {
        if (relationship.kind === 'many') requests.push(['GET', `${path}/{id}/${relationship.path}`]);
      }
      for (const [method, template, body] of requests) {
        const url = (id: string) => template.replace('{id}', id).replace(/\?include=$/, '');
        const foreign = await mine(method, url(their.id), body?.(their.id));
        const missing = await mine(method, url(noneId), body?.(noneId));
        expect(foreign.status, `${method} ${template}`).toBe(404);
        expect(shape(foreign, their.id), `${method} ${template}`).toEqual(shape(missing, noneId));
      }
      // Their row is as it was; never listed; their relationship links lead nowhere for us.
      expect((await theirs('GET', `${path}/${their.id}`)).body.data).toEqual(their);
      const listed = (await mine('GET', path)).body.data as Json[];
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.map((row) => row.id)).not.toContain(their.id);
      for (const relationship of Object.values(their.relationships ?? {}) as Json[]) {
        const related = relationship.links?.related as string | undefined;
        if (!related) continue;
        const followed = await mine('GET', related.slice(app.url.length));
        expect(followed.status, related).toBe(404);
      }
    },
  );

  it('includes only the caller’s rows: a write naming their row is refused like one naming nothing', async () => {
    const portfolio = theirRows.get('/api/v2/portfolios');
    const body = (id: string) => ({
      data: {
        type: 'investment-limit',
        attributes: { name: 'Limit', kind: 'min_cash_weight', minPercent: '1' },
        relationships: { portfolio: { data: { type: 'portfolio', id } } },
      },
    });
    const foreign = await mine('POST', '/api/v2/limits', body(portfolio.id));
    const missing = await mine('POST', '/api/v2/limits', body(crypto.randomUUID()));
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual(missing.body.errors);
    expect(foreign.body.errors[0].source).toEqual({ pointer: '/data/relationships/portfolio' });
    const filtered = await mine('GET', `/api/v2/limits?portfolioId=${portfolio.id}&include=portfolio`);
    expect(filtered.body.data).toEqual([]);
    expect(filtered.body.included).toEqual([]);
  });
});
