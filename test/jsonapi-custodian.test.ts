import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type JsonApiCall, jsonApiAs } from './helpers/jsonapi.js';
import type { Json } from './helpers/v1.js';

// v3 custodian connections as a partner drives them: start a flow, send the "browser" to the
// sandbox custodian, which approves or refuses on request, follow its redirects back, then read
// the authority (which accounts, until when), the raw snapshots on v2, and revoke it.

const redirectUri = 'https://partner.example.com/custody/connected';

describe.each(engines)('v3 custodian connections on %s', (engine) => {
  let app: TestApp;
  let api: JsonApiCall;
  let other: JsonApiCall;
  let client: Json;
  let depository: Json;
  let accounts: Json[];

  const one = (type: string, id: string) => ({ data: { type, id } });
  const startFlow = async () => {
    const started = await api('POST', '/api/v3/custodian-auth-flows', {
      data: {
        type: 'custodian-auth-flow',
        attributes: { redirectUri },
        relationships: { client: one('client', client.id), depository: one('depository', depository.id) },
      },
    });
    expect(started.status, started.text).toBe(201);
    return started;
  };

  /** What a browser does at the sandbox custodian: decide, then follow the redirects back. */
  async function decide(authorizationUrl: string, decision: 'approve' | 'refuse'): Promise<URL> {
    const atCustodian = await fetch(`${authorizationUrl}&decision=${decision}`, { redirect: 'manual' });
    expect(atCustodian.status).toBe(302);
    const callback = await fetch(atCustodian.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBe(302);
    return new URL(callback.headers.get('location') ?? '');
  }

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    const tenant = await tenantWithClient(app, allScopes);
    api = jsonApiAs(app, bearer(await accessToken(app, tenant.client)));
    const stranger = await tenantWithClient(app, allScopes, { name: 'Other tenant' });
    other = jsonApiAs(app, bearer(await accessToken(app, stranger.client)));
    const create = async (path: string, body: Json) => {
      const response = await api('POST', path, body);
      expect(response.status, response.text).toBe(201);
      return response.body.data;
    };
    client = await create('/api/v2/clients', {
      data: { type: 'client', attributes: { name: 'Custody client' } },
    });
    depository = await create('/api/v2/depositories', {
      data: {
        type: 'depository',
        attributes: { name: 'Sandbox Bank' },
        relationships: { client: one('client', client.id) },
      },
    });
    accounts = [];
    for (const name of ['Custody', 'Bonds']) {
      accounts.push(
        await create('/api/v2/accounts', {
          data: {
            type: 'account',
            attributes: { name, currency: 'EUR' },
            relationships: { client: one('client', client.id), depository: one('depository', depository.id) },
          },
        }),
      );
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('connects: pending flow → approval at the custodian → completed flow and an authority over the accounts', async () => {
    const started = await startFlow();
    const flow = started.body.data;
    expect(flow.attributes).toMatchObject({ state: 'pending', custodian: 'sandbox', redirectUri });
    expect(started.headers.get('location')).toBe(`${app.url}/api/v3/custodian-auth-flows/${flow.id}`);
    const authorizationUrl = flow.attributes.authorizationUrl as string;
    expect(authorizationUrl.startsWith(`${app.url}/sandbox-custodian/authorize?`)).toBe(true);
    // The authorization URL is shown once: a read of the flow does not repeat it.
    const pending = await api('GET', `/api/v3/custodian-auth-flows/${flow.id}`);
    expect(pending.body.data.attributes.authorizationUrl).toBeUndefined();

    const back = await decide(authorizationUrl, 'approve');
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(back.searchParams)).toEqual({ flow: flow.id, status: 'completed' });

    const completed = (await api('GET', `/api/v3/custodian-auth-flows/${flow.id}`)).body.data;
    expect(completed.attributes.state).toBe('completed');
    const authorityId = completed.relationships.authority.data.id;
    const authority = await api('GET', `/api/v3/custodian-authorities/${authorityId}`);
    expect(authority.status).toBe(200);
    expect(authority.body.data.attributes.status).toBe('active');
    expect(authority.body.data.relationships.accounts.data.map((account: Json) => account.id).sort()).toEqual(
      accounts.map((account) => account.id).sort(),
    );
    const validUntil = new Date(authority.body.data.attributes.validUntil).getTime();
    expect(validUntil).toBeGreaterThan(Date.now() + 80 * 24 * 3600 * 1000);
    const listed = await api('GET', `/api/v3/custodian-authorities?clientId=${client.id}&status=active`);
    expect(listed.body.data.map((row: Json) => row.id)).toContain(authorityId);

    // The raw statements the custodian delivered, on v2.
    const snapshots = await api('GET', `/api/v2/custodian-snapshots?accountId=${accounts[0].id}`);
    expect(snapshots.body.data).toHaveLength(1);
    expect(snapshots.body.data[0].attributes.payload).toEqual(expect.any(Object));

    // Another tenant sees none of it.
    expect((await other('GET', `/api/v3/custodian-auth-flows/${flow.id}`)).status).toBe(404);
    expect((await other('DELETE', `/api/v3/custodian-authorities/${authorityId}`)).status).toBe(404);
    expect((await other('GET', '/api/v3/custodian-authorities')).body.data).toEqual([]);

    // Revoked at once, still readable; revoking again is 404.
    expect((await api('DELETE', `/api/v3/custodian-authorities/${authorityId}`)).status).toBe(204);
    const revoked = await api('GET', `/api/v3/custodian-authorities/${authorityId}`);
    expect(revoked.body.data.attributes).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect((await api('DELETE', `/api/v3/custodian-authorities/${authorityId}`)).status).toBe(404);

    const events = await app.database.db
      .selectFrom('events')
      .select('type')
      .where('type', 'like', 'custodian%')
      .orderBy('id')
      .execute();
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'custodian-auth-flow.created',
        'custodian-auth-flow.completed',
        'custodian-authority.created',
        'custodian-snapshot.created',
        'custodian-authority.revoked',
      ]),
    );
  });

  it('fails the flow when the client refuses at the custodian', async () => {
    const flow = (await startFlow()).body.data;
    const back = await decide(flow.attributes.authorizationUrl, 'refuse');
    expect(Object.fromEntries(back.searchParams)).toEqual({ flow: flow.id, status: 'failed' });
    const failed = (await api('GET', `/api/v3/custodian-auth-flows/${flow.id}`)).body.data;
    expect(failed.attributes).toMatchObject({ state: 'failed', failureReason: 'access_denied' });
    expect(failed.relationships.authority.data).toBeNull();
    const failures = await api('GET', `/api/v3/custodian-auth-flows?state=failed&clientId=${client.id}`);
    expect(failures.body.data.map((row: Json) => row.id)).toContain(flow.id);
  });

  it('points refusals at the document: a bad redirect URI, a missing relationship, an unknown filter', async () => {
    const refused = await api('POST', '/api/v3/custodian-auth-flows', {
      data: {
        type: 'custodian-auth-flow',
        attributes: { redirectUri: 'javascript:alert(1)' },
        relationships: { client: one('client', client.id) },
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: Json) => error.source.pointer).sort()).toEqual([
      '/data/relationships/depository',
    ]);
    const badUri = await api('POST', '/api/v3/custodian-auth-flows', {
      data: {
        type: 'custodian-auth-flow',
        attributes: { redirectUri: 'javascript:alert(1)' },
        relationships: { client: one('client', client.id), depository: one('depository', depository.id) },
      },
    });
    expect(badUri.body.errors[0]).toMatchObject({
      code: 'invalid_attribute',
      source: { pointer: '/data/attributes/redirectUri' },
    });
    const unknown = await api('GET', '/api/v3/custodian-authorities?status=lapsed');
    expect(unknown.body.errors[0].source).toEqual({ parameter: 'status' });
  });
});
