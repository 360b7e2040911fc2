import { parseItem } from 'structured-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '../src/auth/scopes.js';
import { assetAliasIntroduced } from '../src/config.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type JsonApiCall, jsonApiAs } from './helpers/jsonapi.js';
import type { Json } from './helpers/v1.js';

// The JSON:API dialect itself on v2 and v3: media types, refusals that point into the document or
// name the parameter, unknown routes and methods as JSON:API errors, and the deprecated asset alias
// with its Deprecation, Sunset and successor Link on every response.

describe.each(engines)('the v2/v3 JSON:API protocol on %s', (engine) => {
  let app: TestApp;
  let api: JsonApiCall;
  let auth: Record<string, string>;
  let instrument: Json;

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    auth = bearer(await accessToken(app, tenant.client));
    api = jsonApiAs(app, auth);
    instrument = (
      await api('POST', '/api/v3/instruments', {
        data: { type: 'instrument', attributes: { name: 'Fjord Fund', kind: 'fund', currency: 'NOK' } },
      })
    ).body.data;
  });
  afterAll(async () => {
    await app?.close();
  });

  const send = (method: string, path: string, body: string | undefined, contentType?: string) =>
    fetch(`${app.url}${path}`, {
      method,
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
    });

  it('speaks application/vnd.api+json, takes the v2 reference’s vnd.json+api spelling, and refuses other bodies with 415', async () => {
    const read = await send('GET', '/api/v3/instruments', undefined);
    expect(read.headers.get('content-type')).toBe('application/vnd.api+json');
    const body = JSON.stringify({ data: { type: 'issuer', attributes: { name: 'Spelled issuer' } } });
    expect((await send('POST', '/api/v3/issuers', body, 'application/vnd.json+api')).status).toBe(201);
    for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const refused = await send('POST', '/api/v3/issuers', body, contentType);
      expect(refused.status, contentType).toBe(415);
      expect(refused.headers.get('content-type')).toBe('application/vnd.api+json');
      expect((await refused.json()).errors[0]).toMatchObject({
        status: '415',
        code: 'unsupported_media_type',
      });
    }
    // JSON:API allows no media type parameter but profile, and Portico supports no extension.
    for (const contentType of [
      'application/vnd.api+json; charset=utf-8',
      'application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"',
    ]) {
      const refused = await send('POST', '/api/v3/issuers', body, contentType);
      expect(refused.status, contentType).toBe(415);
    }
    const profiled = 'application/vnd.api+json; profile="https://example.com/profiles/audit"';
    expect((await send('POST', '/api/v3/issuers', body, profiled)).status).toBe(201);
    const accept = (value: string) =>
      fetch(`${app.url}/api/v3/issuers`, { headers: { ...auth, accept: value } }).then((r) => r.status);
    expect(await accept('application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"')).toBe(406);
    expect(await accept('application/vnd.api+json')).toBe(200);
    expect(await accept('application/vnd.api+json; ext=x, application/vnd.api+json')).toBe(200);
    expect(await accept('application/json, */*')).toBe(200);
    const malformed = await send('POST', '/api/v3/issuers', '{"data": ', 'application/vnd.api+json');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors[0]).toMatchObject({ status: '400', code: 'invalid_json' });
  });

  it('points every refused member at its place in the document, all at once', async () => {
    // A wrong type, a bad enum value, a bad date and a reference with characters it may not hold.
    const badValues = {
      name: 5,
      kind: 'crypto',
      currency: 'NOK',
      maturityDate: '2029-13-01',
      externalReference: 'not/allowed!',
    };
    const refused = await api('POST', '/api/v3/instruments', {
      data: {
        type: 'instrument',
        attributes: { ...badValues, colour: 'blue' },
        relationships: {
          issuer: { data: { type: 'client', id: crypto.randomUUID() } },
          owner: { data: null },
        },
      },
    });
    expect(refused.status).toBe(400);
    const byPointer = Object.fromEntries(
      refused.body.errors.map((error: Json) => [error.source.pointer, error]),
    );
    expect(Object.keys(byPointer).sort()).toEqual(
      [
        '/data/attributes/colour',
        '/data/attributes/externalReference',
        '/data/attributes/kind',
        '/data/attributes/maturityDate',
        '/data/attributes/name',
        '/data/relationships/issuer',
        '/data/relationships/owner',
      ].sort(),
    );
    expect(byPointer['/data/attributes/colour']).toMatchObject({
      status: '400',
      code: 'invalid_attribute',
      title: 'Bad Request',
      detail: 'is not an attribute of instrument',
    });
    // Values alone, each with its reason.
    const values = await api('POST', '/api/v3/instruments', {
      data: { type: 'instrument', attributes: badValues },
    });
    expect(values.status).toBe(400);
    expect(values.body.errors.map((error: Json) => error.source.pointer).sort()).toEqual(
      [
        '/data/attributes/externalReference',
        '/data/attributes/kind',
        '/data/attributes/maturityDate',
        '/data/attributes/name',
      ].sort(),
    );
    expect(
      values.body.errors.find((error: Json) => error.source.pointer === '/data/attributes/kind').detail,
    ).toBe('must be one of bond, loan, equity, fund, etf, cash, deposit');
    const missing = await api('POST', '/api/v3/instruments', {
      data: { type: 'instrument', attributes: {} },
    });
    expect(missing.body.errors.map((error: Json) => [error.source.pointer, error.detail])).toEqual(
      expect.arrayContaining([
        ['/data/attributes/name', 'is required'],
        ['/data/attributes/kind', 'is required'],
      ]),
    );
    // A reference to nothing the caller can see, as the domain checks it.
    const dangling = await api('POST', '/api/v3/instruments', {
      data: {
        type: 'instrument',
        attributes: { name: 'x', kind: 'fund', currency: 'EUR' },
        relationships: { issuer: { data: { type: 'issuer', id: crypto.randomUUID() } } },
      },
    });
    expect(dangling.body.errors[0]).toMatchObject({
      code: 'invalid_relationship',
      source: { pointer: '/data/relationships/issuer' },
      detail: 'no issuer with this id',
    });
    // Not a document at all.
    const notDocument = await api('POST', '/api/v3/instruments', { name: 'x' });
    expect(notDocument.status).toBe(400);
    expect(notDocument.body.errors[0].source).toEqual({ pointer: '/data' });
    // Query parameters are named.
    const badFilter = await api('GET', '/api/v3/instruments?kind=crypto&colour=blue');
    expect(badFilter.body.errors.map((error: Json) => error.source.parameter).sort()).toEqual([
      'colour',
      'kind',
    ]);
  });

  it('answers a type that does not match with 409 and a client-chosen id with 403, as JSON:API says', async () => {
    const wrongType = await api('POST', '/api/v3/instruments', {
      data: { type: 'issuer', attributes: { name: 'x' } },
    });
    expect(wrongType.status).toBe(409);
    expect(wrongType.body.errors[0]).toMatchObject({
      code: 'type_mismatch',
      source: { pointer: '/data/type' },
    });
    const clientId = await api('POST', '/api/v3/issuers', {
      data: { type: 'issuer', id: crypto.randomUUID(), attributes: { name: 'x' } },
    });
    expect(clientId.status).toBe(403);
    expect(clientId.body.errors[0]).toMatchObject({
      code: 'client_generated_id',
      source: { pointer: '/data/id' },
    });
  });

  it('answers unknown routes with 404 and unknown methods with 405 and Allow, as JSON:API errors', async () => {
    const unknown = await send('GET', '/api/v2/nothing-here', undefined);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/vnd.api+json');
    expect((await unknown.json()).errors[0]).toMatchObject({ status: '404', code: 'route_not_found' });
    const method = await send('PUT', `/api/v3/instruments/${instrument.id}`, undefined);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
    expect((await method.json()).errors[0]).toMatchObject({ status: '405' });
    const anonymous = await fetch(`${app.url}/api/v2/clients`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await anonymous.json()).errors[0]).toMatchObject({ status: '401', code: 'invalid_token' });
  });

  describe('the deprecated /api/v2/asset* alias', () => {
    function expectDeprecated(response: Response, successor: string) {
      const [deprecation] = parseItem(response.headers.get('deprecation') ?? '');
      expect(deprecation).toEqual(assetAliasIntroduced);
      const sunset = new Date(response.headers.get('sunset') ?? '');
      const sixMonths = new Date(assetAliasIntroduced);
      sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
      expect(sunset).toEqual(sixMonths);
      expect(response.headers.get('link')).toBe(`<${successor}>; rel="successor-version"`);
    }

    it('answers as the v3 instrument family under the old names, and says so on every response', async () => {
      const asset = await fetch(`${app.url}/api/v2/assets/${instrument.id}`, { headers: auth });
      expect(asset.status).toBe(200);
      expectDeprecated(asset, `/api/v3/instruments/${instrument.id}`);
      const body = await asset.json();
      expect(body.data).toMatchObject({
        type: 'asset',
        id: instrument.id,
        attributes: instrument.attributes,
      });
      expect(body.data.links.self).toBe(`${app.url}/api/v2/assets/${instrument.id}`);

      const created = await api('POST', '/api/v2/asset-prices', {
        data: {
          type: 'asset-price',
          attributes: { priceDate: '2026-06-30', price: '101.5', currency: 'NOK' },
          relationships: { asset: { data: { type: 'asset', id: instrument.id } } },
        },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body.data.relationships.asset.data).toEqual({ type: 'asset', id: instrument.id });
      const prices = await fetch(`${app.url}/api/v2/assets/${instrument.id}/prices?assetId=x`, {
        headers: auth,
      });
      expect(prices.status).toBe(400);
      expectDeprecated(prices, `/api/v3/instruments/${instrument.id}/prices`);
      const series = await api('GET', `/api/v2/asset-prices?assetId=${instrument.id}&include=asset`);
      expect(series.body.data.map((row: Json) => row.id)).toEqual([created.body.data.id]);
      expect(series.body.included.map((row: Json) => row.type)).toEqual(['asset']);
      const v3 = await api('GET', `/api/v3/price-series/${created.body.data.id}`);
      expect(v3.body.data.type).toBe('instrument-price');
      expect(v3.headers.get('deprecation')).toBeNull();

      // Refusals too: unknown id, no credential.
      const missing = await fetch(`${app.url}/api/v2/asset-holdings/${crypto.randomUUID()}`, {
        headers: auth,
      });
      expect(missing.status).toBe(404);
      expect((await missing.json()).errors[0].code).toBe('asset_holding_not_found');
      expectDeprecated(missing, `/api/v3/instrument-holdings/${missing.url.split('/').at(-1)}`);
      const anonymous = await fetch(`${app.url}/api/v2/asset-lots`);
      expect(anonymous.status).toBe(401);
      expectDeprecated(anonymous, '/api/v3/lot-holdings');
    });

    it('takes its sunset from ASSET_ALIAS_SUNSET', async () => {
      const other = await startTestApp({ database: app.database, env: { ASSET_ALIAS_SUNSET: '2027-03-31' } });
      try {
        const response = await fetch(`${other.url}/api/v2/assets`);
        expect(response.headers.get('sunset')).toBe('Wed, 31 Mar 2027 00:00:00 GMT');
      } finally {
        await other.close();
      }
    });
  });
});
