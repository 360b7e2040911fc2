import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, bearer, tenantWithClient } from './helpers/credentials.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';
import { redisUrl } from './helpers/environment.js';
import { v1As } from './helpers/v1.js';

type Headers = Record<string, string>;

/**
 * A JSON request to the app; the body is parsed when there is one. Every /v1 answer goes through the
 * v1 client, which holds it to the OpenAPI document.
 */
async function call(app: TestApp, method: string, path: string, headers: Headers, body?: unknown) {
  if (path.startsWith('/v1/')) return v1As(app, headers)(method, path, body);
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function graphql(app: TestApp, headers: Headers, query: string) {
  return call(
    app,
    'POST',
    '/graphql',
    { ...headers, accept: 'application/graphql-response+json, application/json' },
    { query },
  );
}

const apiKeyHeader = (key: string) => ({ 'x-api-key': key });

/** A database that outlives the apps started on it: no app's close() may close it. */
function sharedView(database: TestDatabase): TestDatabase {
  return { ...database, close: async () => {} };
}

describe('/v1/api-keys', () => {
  let app: TestApp;
  let tenantId: string;
  let manager: Headers;
  const creatorScopes: Scope[] = ['keys:manage', 'clients:read', 'accounts:read'];

  const createKey = async (body: Record<string, unknown>, headers: Headers = manager) =>
    call(app, 'POST', '/v1/api-keys', headers, body);

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, creatorScopes);
    tenantId = tenant.tenantId;
    manager = bearer(await accessToken(app, tenant.client));
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('create', () => {
    it('returns the key once, as <public_id>.<secret>, and stores only a hash of the secret', async () => {
      const response = await createKey({
        name: 'Reporting export',
        description: 'Nightly export to the data warehouse',
        scopes: ['clients:read', 'keys:manage'],
      });
      expect(response.status).toBe(201);
      const body = response.body;
      expect(response.headers.get('location')).toBe(`/v1/api-keys/${body.id}`);
      expect(body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        public_id: expect.stringMatching(/^pk_/),
        name: 'Reporting export',
        description: 'Nightly export to the data warehouse',
        white_label_id: null,
        last_used_at: null,
      });
      expect([...body.scopes].sort()).toEqual(['clients:read', 'keys:manage']);
      expect(new Date(body.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(body.key.startsWith(`${body.public_id}.`)).toBe(true);
      const secret = body.key.slice(body.public_id.length + 1);
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(secret).not.toContain('.');

      const row = await app.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', body.id)
        .executeTakeFirstOrThrow();
      expect(row.tenant_id).toBe(tenantId);
      expect(row.public_id).toBe(body.public_id);
      expect(row.secret_hash).toBeTruthy();
      expect(row.secret_hash).not.toBe(secret);
      for (const value of Object.values(row)) {
        expect(JSON.stringify(value ?? null)).not.toContain(secret);
      }
    });

    it('refuses a scope the creator does not hold with 403 naming it', async () => {
      const response = await createKey({ name: 'Too strong', scopes: ['clients:read', 'clients:write'] });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 403, code: 'insufficient_scope' });
      expect(response.body.detail).toContain('clients:write');
      expect(response.headers.get('www-authenticate')).toContain('scope="clients:write"');
      const rows = await app.database.db
        .selectFrom('api_keys')
        .select('id')
        .where('name', '=', 'Too strong')
        .execute();
      expect(rows).toEqual([]);
    });

    it.each([
      ['an unknown scope', { name: 'k', scopes: ['clients:read', 'clients:admin'] }, 'scopes'],
      ['an empty scope list', { name: 'k', scopes: [] }, 'scopes'],
      ['no scopes', { name: 'k' }, 'scopes'],
      ['no name', { scopes: ['clients:read'] }, 'name'],
      ['a blank name', { name: '   ', scopes: ['clients:read'] }, 'name'],
      ['a name that is not a string', { name: 42, scopes: ['clients:read'] }, 'name'],
      ['an unknown field', { name: 'k', scopes: ['clients:read'], expires_at: '2030-01-01' }, 'expires_at'],
      ['a name over 200 characters', { name: 'n'.repeat(201), scopes: ['clients:read'] }, 'name'],
      [
        'a description over 2000 characters',
        { name: 'k', description: 'd'.repeat(2001), scopes: ['clients:read'] },
        'description',
      ],
      [
        'a description that is not a string',
        { name: 'k', description: 7, scopes: ['clients:read'] },
        'description',
      ],
      ['scopes that are not strings', { name: 'k', scopes: [1] }, 'scopes'],
    ])('answers 400 naming the field for %s', async (label, body, field) => {
      const response = await createKey(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, code: 'invalid_input' });
      expect(response.body.errors[0].pointer).toBe(`#/${field}`);
      if (label === 'no name') expect(response.body.errors[0].detail).toBe('is required');
    });

    it.each([
      ['an array', [{ name: 'k', scopes: ['clients:read'] }]],
      ['a string', '"name"'],
      ['null', 'null'],
    ])('answers 400 for a body that is %s', async (_label, body) => {
      const response = await createKey(body as never);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.status).toBe(400);
    });
  });

  describe('using a key', () => {
    let created: { id: string; public_id: string; key: string };
    beforeAll(async () => {
      created = (await createKey({ name: 'Caller', scopes: ['keys:manage', 'clients:read'] })).body;
    });

    it('is accepted as Authorization: Bearer and as X-API-Key', async () => {
      for (const headers of [bearer(created.key), apiKeyHeader(created.key)]) {
        const list = await call(app, 'GET', '/v1/api-keys', headers);
        expect(list.status).toBe(200);
        expect(list.body.data.map((key: { id: string }) => key.id)).toContain(created.id);

        const viewer = await graphql(
          app,
          headers,
          '{ viewer { tenantId credentialKind credentialId scopes } }',
        );
        expect(viewer.status).toBe(200);
        expect(viewer.body).toEqual({
          data: {
            viewer: {
              tenantId,
              credentialKind: 'API_KEY',
              credentialId: created.public_id,
              scopes: ['clients:read', 'keys:manage'],
            },
          },
          extensions: { rateLimit: expect.any(Object) },
        });
      }
    });

    it('refuses a tampered secret, a bare public id and an unknown public id with 401', async () => {
      const last = created.key.at(-1) === 'A' ? 'B' : 'A';
      const tampered = `${created.key.slice(0, -1)}${last}`;
      const candidates = [
        tampered,
        created.public_id,
        `${created.public_id}.`,
        `pk_${'x'.repeat(16)}.${created.key.split('.')[1]}`,
      ];
      for (const key of candidates) {
        for (const headers of [bearer(key), apiKeyHeader(key)]) {
          const response = await call(app, 'GET', '/v1/api-keys', headers);
          expect(response.status, key).toBe(401);
          expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
          const viewer = await graphql(app, headers, '{ viewer { scopes } }');
          expect(viewer.status).toBe(401);
        }
      }
      // The real key still works after the failed attempts (nothing was poisoned in the cache).
      expect((await call(app, 'GET', '/v1/api-keys', apiKeyHeader(created.key))).status).toBe(200);
    });

    it('holds only its own scopes: a key without keys:manage cannot manage keys', async () => {
      const reader = (await createKey({ name: 'Reader', scopes: ['clients:read'] })).body;
      const response = await call(app, 'GET', '/v1/api-keys', apiKeyHeader(reader.key));
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('insufficient_scope');
      const viewer = await graphql(app, apiKeyHeader(reader.key), '{ apiKeys { id } }');
      expect(viewer.body.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('cannot mint a key stronger than itself', async () => {
      const response = await createKey(
        { name: 'Escalation', scopes: ['keys:manage', 'accounts:read'] },
        apiKeyHeader(created.key),
      );
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('insufficient_scope');
      expect(response.body.detail).toContain('accounts:read');
    });
  });

  describe('list', () => {
    let pageTenant: Headers;
    const ids: string[] = [];
    beforeAll(async () => {
      const tenant = await tenantWithClient(app, ['keys:manage', 'clients:read'], { name: 'Paging tenant' });
      pageTenant = bearer(await accessToken(app, tenant.client));
      for (let i = 0; i < 5; i++) {
        const response = await createKey({ name: `Key ${i}`, scopes: ['clients:read'] }, pageTenant);
        expect(response.status).toBe(201);
        ids.push(response.body.id);
      }
    });

    it('never shows a secret', async () => {
      const response = await call(app, 'GET', '/v1/api-keys', manager);
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeGreaterThan(0);
      for (const key of response.body.data) {
        expect(Object.keys(key).sort()).toEqual(
          [
            'created_at',
            'daily_quota',
            'description',
            'expires_at',
            'id',
            'last_used_at',
            'name',
            'public_id',
            'scopes',
            'updated_at',
            'white_label_id',
          ].sort(),
        );
      }
      expect(JSON.stringify(response.body)).not.toMatch(/secret|"key"/);
    });

    it('pages with an opaque cursor, each key once, in id order', async () => {
      const seen: string[] = [];
      let path = '/v1/api-keys?limit=2';
      const sizes: number[] = [];
      for (let pages = 0; pages < 10; pages++) {
        const response = await call(app, 'GET', path, pageTenant);
        expect(response.status).toBe(200);
        sizes.push(response.body.data.length);
        seen.push(...response.body.data.map((key: { id: string }) => key.id));
        if (response.body.next_cursor === null) {
          expect(response.body.has_more).toBe(false);
          expect(response.headers.get('link')).toBeNull();
          break;
        }
        expect(typeof response.body.next_cursor).toBe('string');
        expect(response.body.has_more).toBe(true);
        path = `/v1/api-keys?limit=2&cursor=${encodeURIComponent(response.body.next_cursor)}`;
        // The Link header names the same next page.
        const link = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1];
        expect(link && new URL(link, app.url).searchParams.get('cursor')).toBe(response.body.next_cursor);
        expect(link && new URL(link, app.url).searchParams.get('limit')).toBe('2');
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(5);
    });

    it('returns everything on one page by default, with no next cursor', async () => {
      const response = await call(app, 'GET', '/v1/api-keys', pageTenant);
      expect(response.body.data).toHaveLength(5);
      expect(response.body).toMatchObject({ has_more: false, next_cursor: null });
    });

    it('takes up to 1000 rows a page', async () => {
      const response = await call(app, 'GET', '/v1/api-keys?limit=1000', pageTenant);
      expect(response.status).toBe(200);
      expect(response.body.data).toHaveLength(5);
    });

    it('refuses a cursor that was edited, replayed by another tenant or issued for another list', async () => {
      const first = await call(app, 'GET', '/v1/api-keys?limit=2', pageTenant);
      const next: string = first.body.next_cursor;
      const [position, mac] = next.split('.');
      const elsewhere = Buffer.from(JSON.stringify({ id: ids[4] })).toString('base64url');
      for (const [label, forged, who] of [
        ['another position under the same MAC', `${elsewhere}.${mac}`, pageTenant],
        ['no MAC', position, pageTenant],
        ['a MAC cut short', `${position}.${mac?.slice(0, 20)}`, pageTenant],
        ['another tenant', next, manager],
      ] as const) {
        const response = await call(
          app,
          'GET',
          `/v1/api-keys?limit=2&cursor=${encodeURIComponent(forged ?? '')}`,
          who,
        );
        expect(response.status, label).toBe(400);
        expect(response.body.errors[0].parameter, label).toBe('cursor');
      }
      const own = await call(
        app,
        'GET',
        `/v1/api-keys?limit=2&cursor=${encodeURIComponent(next)}`,
        pageTenant,
      );
      expect(own.status).toBe(200);
    });

    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=two', 'limit'],
      ['cursor=garbage', 'cursor'],
      // Well-formed base64url JSON, but not a cursor this API returned.
      ['cursor=<{"id":"not-a-uuid"}>', 'cursor'],
      ['cursor=<{"id":7}>', 'cursor'],
    ])('answers 400 naming the parameter for ?%s', async (label, parameter) => {
      const query = label.replace(/<(.*)>$/, (_, json: string) => cursor(JSON.parse(json)));
      const response = await call(app, 'GET', `/v1/api-keys?${query}`, pageTenant);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors[0].parameter).toBe(parameter);
    });
  });

  describe('get, rename, revoke', () => {
    let key: { id: string; public_id: string; key: string; name: string };
    beforeAll(async () => {
      key = (
        await createKey({
          name: 'Managed',
          description: 'to be renamed',
          scopes: ['keys:manage', 'clients:read'],
        })
      ).body;
    });

    it('gets one key without its secret', async () => {
      const response = await call(app, 'GET', `/v1/api-keys/${key.id}`, manager);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: key.id,
        public_id: key.public_id,
        name: 'Managed',
        description: 'to be renamed',
      });
      expect(response.body).not.toHaveProperty('key');
      expect(response.body).not.toHaveProperty('secret_hash');
      expect(JSON.stringify(response.body)).not.toContain(key.key.split('.')[1]);
    });

    it.each([
      ['an unknown uuid', randomUUID()],
      ['an id that is not a uuid', 'not-a-uuid'],
      ['a public id', 'pk_abc'],
    ])('answers 404 problem details for %s', async (_label, id) => {
      const response = await call(app, 'GET', `/v1/api-keys/${id}`, manager);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({
        status: 404,
        title: 'Not Found',
        code: 'not_found',
        request_id: response.headers.get('x-request-id'),
      });
    });

    it('renames and redescribes', async () => {
      const renamed = await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, {
        name: 'Managed (renamed)',
        description: 'new description',
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({
        id: key.id,
        name: 'Managed (renamed)',
        description: 'new description',
      });
      expect(renamed.body).not.toHaveProperty('key');

      const nameOnly = await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, { name: 'Managed again' });
      expect(nameOnly.body).toMatchObject({ name: 'Managed again', description: 'new description' });

      const cleared = await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, { description: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ name: 'Managed again', description: null });

      const read = await call(app, 'GET', `/v1/api-keys/${key.id}`, manager);
      expect(read.body).toMatchObject({ name: 'Managed again', description: null });
      // The key itself is unchanged by a rename.
      expect((await call(app, 'GET', '/v1/api-keys', apiKeyHeader(key.key))).status).toBe(200);
    });

    it.each([
      ['scopes', { scopes: ['clients:read'] }, 'scopes'],
      ['public_id', { public_id: 'pk_mine' }, 'public_id'],
      ['a null name', { name: null }, 'name'],
      ['a blank name', { name: '' }, 'name'],
      ['a name that is not a string', { name: ['x'] }, 'name'],
    ])('refuses to change %s with 400 naming the field', async (_label, body, field) => {
      const response = await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, body);
      expect(response.status).toBe(400);
      expect(response.body.errors[0].pointer).toBe(`#/${field}`);
      const row = await app.database.db
        .selectFrom('api_keys')
        .select(['name', 'scopes', 'public_id'])
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(row.public_id).toBe(key.public_id);
      expect([...row.scopes].sort()).toEqual(['clients:read', 'keys:manage']);
    });

    it('answers an empty PATCH without a server error, changing nothing', async () => {
      const before = await call(app, 'GET', `/v1/api-keys/${key.id}`, manager);
      const response = await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, {});
      // Either "nothing to change" (400) or the unchanged key (200); never a 500.
      expect([200, 400]).toContain(response.status);
      if (response.status === 200) {
        expect(response.body).toMatchObject({ name: before.body.name, description: before.body.description });
      } else {
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('answers 404 when renaming a key that does not exist', async () => {
      const response = await call(app, 'PATCH', `/v1/api-keys/${randomUUID()}`, manager, { name: 'x' });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    });

    it('revokes at once: the very next request with the key is refused', async () => {
      // Cached on this instance by a successful request first.
      expect((await call(app, 'GET', '/v1/api-keys', apiKeyHeader(key.key))).status).toBe(200);
      const revoked = await call(app, 'DELETE', `/v1/api-keys/${key.id}`, manager);
      expect(revoked.status).toBe(204);
      expect(revoked.body).toBeUndefined();

      for (const headers of [apiKeyHeader(key.key), bearer(key.key)]) {
        const refused = await call(app, 'GET', '/v1/api-keys', headers);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect((await graphql(app, headers, '{ viewer { scopes } }')).status).toBe(401);
      }

      expect((await call(app, 'DELETE', `/v1/api-keys/${key.id}`, manager)).status).toBe(404);
      expect((await call(app, 'GET', `/v1/api-keys/${key.id}`, manager)).status).toBe(404);
      expect((await call(app, 'PATCH', `/v1/api-keys/${key.id}`, manager, { name: 'x' })).status).toBe(404);
      const list = await call(app, 'GET', '/v1/api-keys', manager);
      expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
      const row = await app.database.db
        .selectFrom('api_keys')
        .select('revoked_at')
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(row.revoked_at).toBeInstanceOf(Date);
    });

    it('answers 404 when revoking an id that is not a uuid or does not exist', async () => {
      expect((await call(app, 'DELETE', '/v1/api-keys/nope', manager)).status).toBe(404);
      expect((await call(app, 'DELETE', `/v1/api-keys/${randomUUID()}`, manager)).status).toBe(404);
    });
  });

  describe('last used time', () => {
    it('costs no database statement per request once the key is loaded', async () => {
      const { key } = await apiKeyFor(app, tenantId, ['clients:read']);
      const warmUp = await graphql(app, apiKeyHeader(key), '{ viewer { scopes } }');
      expect(warmUp.status).toBe(200);
      const before = app.database.statements();
      for (let i = 0; i < 5; i++) {
        const response = await graphql(app, i % 2 ? bearer(key) : apiKeyHeader(key), '{ viewer { scopes } }');
        expect(response.body).toEqual({
          data: { viewer: { scopes: ['clients:read'] } },
          extensions: { rateLimit: expect.any(Object) },
        });
      }
      expect(app.database.statements() - before).toBe(0);
    });
  });
});

describe('last_used_at is written when the instance flushes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await isolatedDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('shows null until the flush, then the time of use (flushed on stop)', async () => {
    const app = await startTestApp({ database: sharedView(database) });
    let key: { id: string; key: string };
    const startedAt = Date.now();
    try {
      const tenant = await tenantWithClient(app, ['keys:manage']);
      key = await apiKeyFor(app, tenant.tenantId, ['keys:manage']);
      for (let i = 0; i < 3; i++) {
        const response = await call(app, 'GET', `/v1/api-keys/${key.id}`, apiKeyHeader(key.key));
        expect(response.status).toBe(200);
        expect(response.body.last_used_at).toBeNull();
      }
    } finally {
      await app.close();
    }
    const row = await database.db
      .selectFrom('api_keys')
      .select(['last_used_at', 'created_at', 'updated_at'])
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    // Recording use is bookkeeping, not an edit: updated_at stays where the last edit left it.
    expect(row.updated_at.getTime()).toBe(row.created_at.getTime());
    expect(row.last_used_at).toBeInstanceOf(Date);
    expect(row.last_used_at!.getTime()).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(row.last_used_at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

// Only Redis really crosses instances; the embedded default has one in-process broker per app.
describe.runIf(redisUrl)('revocation across instances', () => {
  let database: TestDatabase;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    database = await isolatedDatabase();
    // Both instances on one database and one Redis namespace, as one deployment.
    const options = { database: sharedView(database), redisNamespace: `test-${randomUUID()}` };
    for (let i = 0; i < 2; i++) {
      apps.push(await startTestApp(options));
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.close();
  });

  it('a key revoked on instance A is refused by instance B on the very next request', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    const tenant = await tenantWithClient(a, ['keys:manage', 'clients:read']);
    const manager = bearer(await accessToken(a, tenant.client));
    const created = await call(a, 'POST', '/v1/api-keys', manager, {
      name: 'Shared',
      scopes: ['clients:read'],
    });
    expect(created.status).toBe(201);
    const headers = apiKeyHeader(created.body.key);

    // B loads and caches the key.
    for (let i = 0; i < 2; i++) {
      expect((await graphql(b, headers, '{ viewer { credentialKind } }')).body).toEqual({
        data: { viewer: { credentialKind: 'API_KEY' } },
        extensions: { rateLimit: expect.any(Object) },
      });
    }

    expect((await call(a, 'DELETE', `/v1/api-keys/${created.body.id}`, manager)).status).toBe(204);
    const refused = await graphql(b, headers, '{ viewer { credentialKind } }');
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
