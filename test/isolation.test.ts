import { randomUUID } from 'node:crypto';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';

type Headers = Record<string, string>;
interface CreatedKey {
  id: string;
  public_id: string;
  key: string;
}

async function call(app: TestApp, method: string, path: string, headers: Headers, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

type Call = Awaited<ReturnType<typeof call>>;

/** What a caller can learn from a refusal, with the id it asked for (and the request id) taken out. */
function shape(response: Call, id: string) {
  const blank = (value: unknown) => (typeof value === 'string' ? value.replaceAll(id, '<id>') : value);
  const body = response.body ?? {};
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    challenge: response.headers.get('www-authenticate'),
    fields: Object.keys(body).sort(),
    type: body.type,
    title: body.title,
    code: body.code,
    detail: blank(body.detail),
    instance: blank(body.instance),
  };
}

const ids = (response: Call): string[] => response.body.data.map((key: { id: string }) => key.id);

describe('tenant isolation', () => {
  let app: TestApp;
  let a: Headers;
  let b: Headers;
  let tenantA: string;
  let tenantB: string;
  const keysA: CreatedKey[] = [];
  const keysB: CreatedKey[] = [];

  const create = async (headers: Headers, name: string): Promise<CreatedKey> => {
    const response = await call(app, 'POST', '/v1/api-keys', headers, { name, scopes: ['keys:manage'] });
    expect(response.status).toBe(201);
    return response.body;
  };
  const apiKeysOver = (headers: Headers) =>
    new GraphQLClient(`${app.url}/graphql`, { headers }).request<{ apiKeys: { id: string }[] }>(
      '{ apiKeys { id } }',
    );

  beforeAll(async () => {
    app = await startTestApp();
    const first = await tenantWithClient(app, ['keys:manage', 'clients:read'], { name: 'Tenant A' });
    const second = await tenantWithClient(app, ['keys:manage', 'clients:read'], { name: 'Tenant B' });
    tenantA = first.tenantId;
    tenantB = second.tenantId;
    a = bearer(await accessToken(app, first.client));
    b = bearer(await accessToken(app, second.client));
    for (let i = 0; i < 3; i++) {
      keysA.push(await create(a, `A key ${i}`));
      keysB.push(await create(b, `B key ${i}`));
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists only the caller's own keys, on v1 and on GraphQL", async () => {
    const listA = await call(app, 'GET', '/v1/api-keys', a);
    const listB = await call(app, 'GET', '/v1/api-keys', b);
    expect(ids(listA).sort()).toEqual(keysA.map((k) => k.id).sort());
    expect(ids(listB).sort()).toEqual(keysB.map((k) => k.id).sort());
    expect((await apiKeysOver(a)).apiKeys.map((k) => k.id).sort()).toEqual(keysA.map((k) => k.id).sort());
    expect((await apiKeysOver(b)).apiKeys.map((k) => k.id).sort()).toEqual(keysB.map((k) => k.id).sort());
  });

  it('refuses a cursor it did not issue to this tenant, revealing nothing', async () => {
    const made = Buffer.from(JSON.stringify({ id: '00000000-0000-0000-0000-000000000000' })).toString(
      'base64url',
    );
    const theirs = (await call(app, 'GET', '/v1/api-keys?limit=1', b)).body.next_cursor as string;
    expect(theirs).toEqual(expect.any(String));
    for (const cursor of [made, theirs]) {
      const response = await call(
        app,
        'GET',
        `/v1/api-keys?limit=200&cursor=${encodeURIComponent(cursor)}`,
        a,
      );
      expect(response.status).toBe(400);
      expect(response.body.errors[0].parameter).toBe('cursor');
      expect(JSON.stringify(response.body)).not.toContain(keysB[0]?.id);
    }
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { name: 'Taken over' }],
    ['DELETE', undefined],
  ] as const)(
    "%s on another tenant's key answers exactly like a key that does not exist",
    async (method, body) => {
      const foreign = keysB[0]!;
      const missing = randomUUID();
      const onForeign = await call(app, method, `/v1/api-keys/${foreign.id}`, a, body);
      const onMissing = await call(app, method, `/v1/api-keys/${missing}`, a, body);
      expect(onForeign.status).toBe(404);
      expect(shape(onForeign, foreign.id)).toEqual(shape(onMissing, missing));
      expect(onForeign.body.code).toBe('not_found');
    },
  );

  it("the other tenant's key is untouched and still works", async () => {
    const foreign = keysB[0]!;
    const row = await app.database.db
      .selectFrom('api_keys')
      .select(['name', 'revoked_at', 'tenant_id'])
      .where('id', '=', foreign.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'B key 0', revoked_at: null, tenant_id: tenantB });
    const viaKey = await call(app, 'GET', `/v1/api-keys/${foreign.id}`, { 'x-api-key': foreign.key });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.name).toBe('B key 0');
  });

  it("a key authenticates as its own tenant and sees that tenant's keys only", async () => {
    const key = keysA[1]!;
    const client = new GraphQLClient(`${app.url}/graphql`, { headers: { 'x-api-key': key.key } });
    const { viewer } = await client.request<{ viewer: { tenantId: string; whiteLabelId: string | null } }>(
      '{ viewer { tenantId whiteLabelId } }',
    );
    expect(viewer).toEqual({ tenantId: tenantA, whiteLabelId: null });
    expect((await apiKeysOver({ 'x-api-key': key.key })).apiKeys.map((k) => k.id).sort()).toEqual(
      keysA.map((k) => k.id).sort(),
    );
    const foreign = await call(app, 'GET', `/v1/api-keys/${keysB[1]!.id}`, { 'x-api-key': key.key });
    expect(foreign.status).toBe(404);
  });
});

describe('white-label isolation', () => {
  let app: TestApp;
  let tenantId: string;
  let w1: { headers: Headers; whiteLabelId: string };
  let w2: { headers: Headers; whiteLabelId: string };
  let tenantWide: Headers;
  const keys: Record<'w1' | 'w2' | 'tenant', CreatedKey[]> = { w1: [], w2: [], tenant: [] };

  const create = async (headers: Headers, name: string): Promise<CreatedKey> => {
    const response = await call(app, 'POST', '/v1/api-keys', headers, { name, scopes: ['keys:manage'] });
    expect(response.status).toBe(201);
    return response.body;
  };
  const listed = async (headers: Headers) => ids(await call(app, 'GET', '/v1/api-keys', headers)).sort();
  const listedOverGraphQL = async (headers: Headers) =>
    (
      await new GraphQLClient(`${app.url}/graphql`, { headers }).request<{ apiKeys: { id: string }[] }>(
        '{ apiKeys { id } }',
      )
    ).apiKeys
      .map((k) => k.id)
      .sort();
  const idsOf = (...groups: CreatedKey[][]) =>
    groups
      .flat()
      .map((k) => k.id)
      .sort();

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, ['keys:manage', 'clients:read'], { name: 'Branded tenant' });
    tenantId = tenant.tenantId;
    tenantWide = bearer(await accessToken(app, tenant.client));
    const first = await tenantWithClient(app, ['keys:manage', 'clients:read'], {
      tenantId,
      whiteLabel: 'W1',
    });
    const second = await tenantWithClient(app, ['keys:manage', 'clients:read'], {
      tenantId,
      whiteLabel: 'W2',
    });
    w1 = { headers: bearer(await accessToken(app, first.client)), whiteLabelId: first.whiteLabelId! };
    w2 = { headers: bearer(await accessToken(app, second.client)), whiteLabelId: second.whiteLabelId! };
    for (let i = 0; i < 2; i++) {
      keys.w1.push(await create(w1.headers, `W1 key ${i}`));
      keys.w2.push(await create(w2.headers, `W2 key ${i}`));
      keys.tenant.push(await create(tenantWide, `Tenant key ${i}`));
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('binds a key to the white label of the credential that created it', async () => {
    const w1Key = await call(app, 'GET', `/v1/api-keys/${keys.w1[0]!.id}`, w1.headers);
    expect(w1Key.body.white_label_id).toBe(w1.whiteLabelId);
    const tenantKey = await call(app, 'GET', `/v1/api-keys/${keys.tenant[0]!.id}`, tenantWide);
    expect(tenantKey.body.white_label_id).toBeNull();
  });

  it('the viewer reports its white label, for tokens and for keys', async () => {
    const viewerOf = async (headers: Headers) =>
      (
        await new GraphQLClient(`${app.url}/graphql`, { headers }).request<{
          viewer: { tenantId: string; whiteLabelId: string | null };
        }>('{ viewer { tenantId whiteLabelId } }')
      ).viewer;
    expect(await viewerOf(w1.headers)).toEqual({ tenantId, whiteLabelId: w1.whiteLabelId });
    expect(await viewerOf(w2.headers)).toEqual({ tenantId, whiteLabelId: w2.whiteLabelId });
    expect(await viewerOf(tenantWide)).toEqual({ tenantId, whiteLabelId: null });
    expect(await viewerOf({ 'x-api-key': keys.w1[0]!.key })).toEqual({
      tenantId,
      whiteLabelId: w1.whiteLabelId,
    });
    expect(await viewerOf({ 'x-api-key': keys.tenant[0]!.key })).toEqual({ tenantId, whiteLabelId: null });
  });

  it('lists: a white label sees its own keys, the tenant-wide credential sees all', async () => {
    expect(await listed(w1.headers)).toEqual(idsOf(keys.w1));
    expect(await listed(w2.headers)).toEqual(idsOf(keys.w2));
    expect(await listed(tenantWide)).toEqual(idsOf(keys.w1, keys.w2, keys.tenant));
    expect(await listed({ 'x-api-key': keys.w1[1]!.key })).toEqual(idsOf(keys.w1));
  });

  it('GraphQL apiKeys shows the same visibility', async () => {
    expect(await listedOverGraphQL(w1.headers)).toEqual(idsOf(keys.w1));
    expect(await listedOverGraphQL(w2.headers)).toEqual(idsOf(keys.w2));
    expect(await listedOverGraphQL(tenantWide)).toEqual(idsOf(keys.w1, keys.w2, keys.tenant));
    expect(await listedOverGraphQL({ 'x-api-key': keys.w2[1]!.key })).toEqual(idsOf(keys.w2));
  });

  it("the tenant-wide credential reads a white label's key", async () => {
    const response = await call(app, 'GET', `/v1/api-keys/${keys.w1[0]!.id}`, tenantWide);
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('W1 key 0');
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { description: 'Taken over' }],
    ['DELETE', undefined],
  ] as const)(
    '%s from another white label, or on a tenant-wide key, answers like a missing key',
    async (method, body) => {
      const missing = randomUUID();
      const onMissing = shape(await call(app, method, `/v1/api-keys/${missing}`, w2.headers, body), missing);
      expect(onMissing.status).toBe(404);
      const cases: [Headers, CreatedKey][] = [
        [w2.headers, keys.w1[0]!],
        [w1.headers, keys.w2[0]!],
        [w1.headers, keys.tenant[0]!],
        [{ 'x-api-key': keys.w2[1]!.key }, keys.w1[1]!],
      ];
      for (const [headers, target] of cases) {
        const response = await call(app, method, `/v1/api-keys/${target.id}`, headers, body);
        expect(shape(response, target.id)).toEqual(onMissing);
      }
    },
  );

  it('those refusals changed nothing: every key is intact and still works', async () => {
    const rows = await app.database.db
      .selectFrom('api_keys')
      .select(['id', 'name', 'description', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row.revoked_at).toBeNull();
      expect(row.description).toBeNull();
    }
    for (const key of [...keys.w1, ...keys.w2, ...keys.tenant]) {
      const response = await call(app, 'GET', `/v1/api-keys/${key.id}`, { 'x-api-key': key.key });
      expect(response.status).toBe(200);
    }
  });

  it('the tenant-wide credential manages white-label keys', async () => {
    const target = keys.w2[0]!;
    const renamed = await call(app, 'PATCH', `/v1/api-keys/${target.id}`, tenantWide, {
      name: 'Renamed by tenant',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed by tenant', white_label_id: w2.whiteLabelId });
    expect((await call(app, 'DELETE', `/v1/api-keys/${target.id}`, tenantWide)).status).toBe(204);
    expect((await call(app, 'GET', '/v1/api-keys', { 'x-api-key': target.key })).status).toBe(401);
    expect(await listed(w2.headers)).toEqual(idsOf(keys.w2.slice(1)));
  });
});
