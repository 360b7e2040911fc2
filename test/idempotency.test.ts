import { randomBytes, randomUUID } from 'node:crypto';
import { ClientError, GraphQLClient } from 'graphql-request';
import { type ControlledTransaction, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DB } from '../db/types.js';
import { allScopes } from '../src/auth/scopes.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { pruneIdempotencyRecords } from '../src/http/idempotency/idempotency-records.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { apiKeyFor } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { wsClientAs } from './helpers/graphql.js';
import { type V1Call, v1As } from './helpers/v1.js';

// Idempotency-Key on v1's state-changing routes and on GraphQL mutations: a replay answers the
// first answer, a different request under the same key is refused, and the stored answer commits
// with the effect it answers for.

/** Stored answers are sealed with it (a created API key's secret is part of its answer). */
const sealed = { PORTICO_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

const statusOf = async (pending: Promise<{ status: number }>) => (await pending).status;

describe.each(engines)('Idempotency-Key (%s)', (engine) => {
  let app: TestApp;
  let v1: V1Call;
  let tenantId: string;
  let apiKey: string;

  const clientsNamed = async (name: string) =>
    app.database.db
      .selectFrom('clients')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .execute();
  const eventsOf = async (resourceId: string) =>
    app.database.db.selectFrom('events').select('type').where('resource_id', '=', resourceId).execute();

  beforeAll(async () => {
    app = await startTestApp({
      database: await isolatedDatabase(engine),
      env: sealed,
    });
    tenantId = (await createTenant(app.database.db, 'Idempotent tenant')).id;
    apiKey = (await apiKeyFor(app, tenantId, [...allScopes])).key;
    v1 = v1As(app, { 'x-api-key': apiKey });
  });
  afterAll(async () => {
    await app?.close();
    await app?.database.close();
  });

  it('replays the first answer for a retry, with Idempotent-Replayed, and changes nothing twice', async () => {
    const key = randomUUID();
    const name = `Replayed ${key}`;
    const first = await v1('POST', '/v1/clients', { name }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same request, its body written differently (the same JSON): the same answer, stored.
    const retry = await v1('POST', '/v1/clients', `{ "name" : ${JSON.stringify(name)} }`, {
      'idempotency-key': key.toUpperCase(),
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.body).toEqual(first.body);
    expect(await clientsNamed(name)).toHaveLength(1);
    expect(await eventsOf(first.body.id)).toEqual([{ type: 'client.created' }]);

    // A PATCH and a DELETE replay as well; the DELETE's replay is not the 404 a second delete is.
    const path = `/v1/clients/${first.body.id}`;
    const patchKey = randomUUID();
    const renamed = await v1('PATCH', path, { name: `${name} renamed` }, { 'idempotency-key': patchKey });
    const renamedAgain = await v1(
      'PATCH',
      path,
      { name: `${name} renamed` },
      { 'idempotency-key': patchKey },
    );
    expect([renamed.status, renamedAgain.status]).toEqual([200, 200]);
    expect(renamedAgain.body).toEqual(renamed.body);
    const deleteKey = randomUUID();
    expect((await v1('DELETE', path, undefined, { 'idempotency-key': deleteKey })).status).toBe(204);
    const deletedAgain = await v1('DELETE', path, undefined, { 'idempotency-key': deleteKey });
    expect(deletedAgain.status).toBe(204);
    expect(deletedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect((await v1('DELETE', path)).status).toBe(404);
    expect((await eventsOf(first.body.id)).map((event) => event.type)).toEqual([
      'client.created',
      'client.updated',
      'client.deleted',
    ]);
  });

  it('refuses the same key for a different request with 422, and a key that is not a UUID v4 with 400', async () => {
    const key = randomUUID();
    expect((await v1('POST', '/v1/clients', { name: 'First use' }, { 'idempotency-key': key })).status).toBe(
      201,
    );
    const otherBody = await v1('POST', '/v1/clients', { name: 'Second use' }, { 'idempotency-key': key });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(otherBody.body.detail).toContain('POST /v1/clients');
    const otherRoute = await v1(
      'POST',
      '/v1/industries',
      { code: 'X', name: 'X', sector: 'X' },
      { 'idempotency-key': key },
    );
    expect(otherRoute.status).toBe(422);
    expect(await clientsNamed('Second use')).toHaveLength(0);

    for (const malformed of ['not-a-key', '6ba7b810-9dad-11d1-80b4-00c04fd430c8' /* v1 */]) {
      const refused = await v1(
        'POST',
        '/v1/clients',
        { name: 'Malformed' },
        { 'idempotency-key': malformed },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { header: 'Idempotency-Key', detail: expect.stringContaining('UUID v4') },
      ]);
    }
    expect(await clientsNamed('Malformed')).toHaveLength(0);
  });

  it('records nothing for a refused request: the key stays free for the corrected one', async () => {
    const key = randomUUID();
    const invalid = await v1(
      'POST',
      '/v1/clients',
      { name: 'Refused', kind: 'alien' },
      { 'idempotency-key': key },
    );
    expect(invalid.status).toBe(400);
    // Refused by the domain after validation (an unknown client): not recorded either.
    const unknown = await v1(
      'POST',
      '/v1/accounts',
      { client_id: randomUUID(), name: 'Nowhere', currency: 'EUR' },
      { 'idempotency-key': key },
    );
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    const corrected = await v1('POST', '/v1/clients', { name: 'Corrected' }, { 'idempotency-key': key });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 409 while the first request with the key is still running, then replays it', async () => {
    const key = randomUUID();
    const body = { name: `Concurrent ${key}` };
    // Hold the clients table: the first request's insert waits (on the embedded engine the whole
    // session waits) until the test lets go.
    const hold: ControlledTransaction<DB> = await app.database.db.startTransaction().execute();
    await sql`lock table clients in exclusive mode`.execute(hold);
    const first = v1('POST', '/v1/clients', body, { 'idempotency-key': key });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = v1('POST', '/v1/clients', body, { 'idempotency-key': key });
    // Whichever arrived second is refused at once, without waiting for the lock.
    const refused = await Promise.race([first, second]);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'idempotency_key_in_flight' });
    await hold.rollback().execute();
    expect([await statusOf(first), await statusOf(second)].sort()).toEqual([201, 409]);
    const retry = await v1('POST', '/v1/clients', body, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await clientsNamed(body.name)).toHaveLength(1);
  });

  it.skipIf(engine !== 'postgres')('answers 409 from another instance too', async () => {
    const other = await startTestApp({ database: app.database, env: sealed });
    try {
      const key = randomUUID();
      const body = { name: `Across instances ${key}` };
      const hold: ControlledTransaction<DB> = await app.database.db.startTransaction().execute();
      await sql`lock table clients in exclusive mode`.execute(hold);
      const first = v1('POST', '/v1/clients', body, { 'idempotency-key': key });
      // Running on the first instance once its transaction holds the key's advisory lock.
      await vi.waitFor(async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_locks where locktype = 'advisory' and granted`.execute(hold);
        expect(rows[0]?.n).toBeGreaterThan(0);
      });
      const second = await v1As(other, { 'x-api-key': apiKey })('POST', '/v1/clients', body, {
        'idempotency-key': key,
      });
      expect(second.status).toBe(409);
      await hold.rollback().execute();
      expect((await first).status).toBe(201);
    } finally {
      await other.close();
    }
  });

  it('keeps equal keys of two tenants apart', async () => {
    const otherTenant = (await createTenant(app.database.db, 'Other tenant')).id;
    const other = v1As(app, { 'x-api-key': (await apiKeyFor(app, otherTenant, [...allScopes])).key });
    const key = randomUUID();
    const mine = await v1('POST', '/v1/clients', { name: 'Same key' }, { 'idempotency-key': key });
    const theirs = await other('POST', '/v1/clients', { name: 'Same key' }, { 'idempotency-key': key });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    // Another credential of the same tenant shares the tenant's keys.
    const colleague = v1As(app, { 'x-api-key': (await apiKeyFor(app, tenantId, [...allScopes])).key });
    const replay = await colleague('POST', '/v1/clients', { name: 'Same key' }, { 'idempotency-key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(mine.body.id);
  });

  it('stores the answer sealed, and prunes records after 72 hours', async () => {
    const key = randomUUID();
    const created = await v1('POST', '/v1/clients', { name: 'Pruned' }, { 'idempotency-key': key });
    const record = await app.database.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(record.response_encryption).toBe('aes-256-gcm');
    expect(record.response_body).not.toContain(created.body.id);
    const hours = (record.expires_at.getTime() - record.created_at.getTime()) / 3_600_000;
    expect(hours).toBe(72);
    // An expired record replays nothing (the request runs again), and pruning removes it.
    await app.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('key', '=', key)
      .execute();
    const again = await v1('POST', '/v1/clients', { name: 'Pruned' }, { 'idempotency-key': key });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.id).not.toBe(created.body.id);
    await app.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('key', '=', key)
      .execute();
    // The job runner's upkeep takes it.
    await app.jobRunner?.upkeep({ force: true });
    const left = await app.database.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', key)
      .execute();
    expect(left).toEqual([]);
    expect(await pruneIdempotencyRecords(app.database.db)).toBe(0);
  });

  it('covers the hand-written routes too: a created API key replays with its secret, sealed at rest', async () => {
    const key = randomUUID();
    const body = { name: 'Replayed key', scopes: ['positions:read'] };
    const created = await v1('POST', '/v1/api-keys', body, { 'idempotency-key': key });
    expect(created.status).toBe(201);
    const replay = await v1('POST', '/v1/api-keys', body, { 'idempotency-key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(created.body);
    const stored = await app.database.db
      .selectFrom('idempotency_keys')
      .select('response_body')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(stored.response_body).not.toContain(created.body.key);
    const keys = await app.database.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', 'Replayed key')
      .execute();
    expect(keys).toHaveLength(1);
  });

  it('holds announcements until the request transaction commits, and drops them when it rolls back', async () => {
    const seen: string[] = [];
    const committed = await app.database.beginRequestTransaction();
    await committed.run(async () => app.database.afterCommit(() => seen.push('committed')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    await committed.commit();
    await vi.waitFor(() => expect(seen).toEqual(['committed']));
    const rolledBack = await app.database.beginRequestTransaction();
    await rolledBack.run(async () => app.database.afterCommit(() => seen.push('rolled back')));
    await rolledBack.rollback();
    app.database.afterCommit(() => seen.push('outside a request transaction'));
    await vi.waitFor(() => expect(seen).toEqual(['committed', 'outside a request transaction']));
  });

  it('is documented: v1 writes take the header, v2 and v3 writes say they ignore it', async () => {
    const document = await (await fetch(`${app.url}/openapi.json`)).json();
    const create = document.paths['/v1/clients'].post;
    expect(create.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(create.responses['201'].headers).toHaveProperty('Idempotent-Replayed');
    for (const path of ['/api/v2/clients', '/api/v3/instruments']) {
      expect(document.paths[path].post.description).toContain('ignores Idempotency-Key');
      expect(document.paths[path].post.parameters ?? []).not.toContainEqual({
        $ref: '#/components/parameters/IdempotencyKey',
      });
    }
  });

  it('leaves v2 and v3 alone: they ignore the header', async () => {
    const key = randomUUID();
    const send = (path: string) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: {
          'x-api-key': apiKey,
          'content-type': 'application/vnd.api+json',
          'idempotency-key': 'not-a-uuid',
        },
        body: JSON.stringify({
          data: { type: 'industry', attributes: { code: `I${key.slice(0, 6)}`, name: 'I', sector: 'I' } },
        }),
      });
    const response = await send('/api/v3/industries');
    expect(response.status).not.toBe(400);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
  });

  describe('GraphQL mutations', () => {
    const createClient = /* GraphQL */ `
      mutation Create($name: String!) {
        createClient(input: { name: $name }) { __typename ... on CreateClientSuccess { client { id name } } }
      }`;
    const client = (headers: Record<string, string> = {}) =>
      new GraphQLClient(`${app.url}/graphql`, { headers: { 'x-api-key': apiKey, ...headers } });

    it('replays a mutation by the header or by extensions.idempotencyKey', async () => {
      const key = randomUUID();
      const name = `GraphQL ${key}`;
      const first = await client({ 'idempotency-key': key }).rawRequest(createClient, { name });
      const retry = await client({ 'idempotency-key': key }).rawRequest(createClient, { name });
      expect(retry.data).toEqual(first.data);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(await clientsNamed(name)).toHaveLength(1);

      const inBody = async (extensionsKey: string) => {
        const response = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: {
            'x-api-key': apiKey,
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
          },
          body: JSON.stringify({
            query: createClient,
            variables: { name: `${name} (body)` },
            extensions: { idempotencyKey: extensionsKey },
          }),
        });
        return {
          status: response.status,
          replayed: response.headers.get('idempotent-replayed'),
          body: await response.json(),
        };
      };
      const bodyKey = randomUUID();
      const once = await inBody(bodyKey);
      const twice = await inBody(bodyKey);
      expect(twice.body.data).toEqual(once.body.data);
      expect([once.replayed, twice.replayed]).toEqual([null, 'true']);
      expect(await clientsNamed(`${name} (body)`)).toHaveLength(1);

      const malformed = await inBody('12345');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'Idempotency-Key',
      });
    });

    it('refuses a different mutation under the key with 422, and records nothing for a typed error result', async () => {
      const key = randomUUID();
      await client({ 'idempotency-key': key }).rawRequest(createClient, { name: 'GraphQL first' });
      const refused = await client({ 'idempotency-key': key })
        .rawRequest(createClient, { name: 'GraphQL second' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ClientError);
      const { response } = refused as ClientError;
      expect(response.status).toBe(422);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNPROCESSABLE_CONTENT' });

      // A ValidationError result changed nothing: the key is free for the corrected mutation.
      const typedKey = randomUUID();
      const invalid = await client({ 'idempotency-key': typedKey }).rawRequest<{
        createClient: { __typename: string };
      }>(createClient, { name: '' });
      expect(invalid.data.createClient.__typename).toBe('ValidationError');
      const corrected = await client({ 'idempotency-key': typedKey }).rawRequest<{
        createClient: { __typename: string };
      }>(createClient, { name: 'GraphQL corrected' });
      expect(corrected.data.createClient.__typename).toBe('CreateClientSuccess');
      expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    });

    it('replays a mutation sent over graphql-ws with extensions.idempotencyKey', async () => {
      const ws = wsClientAs(app, apiKey);
      try {
        const key = randomUUID();
        const name = `Over WebSocket ${key}`;
        const send = () => ws.run(createClient, { variables: { name }, extensions: { idempotencyKey: key } });
        const first = await send();
        const second = await send();
        expect(first.data).toBeDefined();
        expect(second.data).toEqual(first.data);
        expect(await clientsNamed(name)).toHaveLength(1);
      } finally {
        await ws.dispose();
      }
    });

    it('ignores the key on queries', async () => {
      const result = await client({ 'idempotency-key': 'whatever' }).rawRequest('{ viewer { tenantId } }');
      expect(result.status).toBe(200);
    });
  });
});
