import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes } from '../src/auth/scopes.js';
import {
  completeAuthFlow,
  getAuthFlow,
  getAuthority,
  listAuthFlows,
  listAuthorities,
  revokeAuthority,
  startAuthFlow,
} from '../src/domain/custodians/custodian-connections.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../src/domain/errors.js';
import type { PageRequest } from '../src/domain/pagination.js';
import { createWhiteLabel } from '../src/domain/tenants/tenants.service.js';
import type { TenantScope } from '../src/domain/write.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type Json, type V1Call, v1As, walk } from './helpers/v1.js';

// Custodian connections end to end on both engines: a flow started through the service, the
// sandbox custodian's page followed as a browser would (without following redirects), Portico's
// callback settling the flow once, the authority and snapshots it leaves, revocation, the events
// of every change, and another tenant's ids answered like unknown ones.

const firstPage: PageRequest = { direction: 'forward', limit: 50 };
const redirectUri = 'https://app.example.com/banks/connected?tab=custody';
const dayMs = 24 * 60 * 60 * 1000;

describe.each(engines)('custodian connections on %s', (engine) => {
  let app: TestApp;
  let api: V1Call;
  let scope: TenantScope;
  let publicUrl: string;
  let client: Json;
  let depository: Json;
  let covered: Json[];
  let elsewhere: Json;
  let otherDepository: Json;

  beforeAll(async () => {
    app = await startTestApp({ database: await isolatedDatabase(engine) });
    publicUrl = app.config.publicUrl;
    const tenant = await tenantWithClient(app, allScopes);
    scope = { tenantId: tenant.tenantId, whiteLabelId: null };
    api = v1As(app, bearer(await accessToken(app, tenant.client)));
    const create = async (path: string, body: Record<string, unknown>) => {
      const response = await api('POST', `/v1${path}`, body);
      expect(response.status, `${path}: ${response.text}`).toBe(201);
      return response.body;
    };
    const equity = await create('/instruments', {
      isin: 'NO0010096985',
      name: 'Equinor ASA',
      kind: 'equity',
      currency: 'NOK',
    });
    const bond = await create('/instruments', {
      isin: 'XS1234567890',
      name: 'Aurora 4.5% 2030',
      kind: 'bond',
      currency: 'EUR',
    });
    client = await create('/clients', { name: 'Nordlys Family Office' });
    depository = await create('/depositories', {
      client_id: client.id,
      name: 'Sandbox Bank',
      bic: 'SBXBNOKK',
    });
    const account = (name: string, extra: Record<string, unknown>) =>
      create('/accounts', { client_id: client.id, name, currency: 'EUR', ...extra });
    covered = [
      await account('Custody', { depository_id: depository.id, account_number: '1234-567890.12' }),
      await account('Bonds', { depository_id: depository.id }),
    ];
    elsewhere = await account('Elsewhere', {});
    const deleted = await account('Closed', { depository_id: depository.id });
    expect((await api('DELETE', `/v1/accounts/${deleted.id}`)).status).toBe(204);
    const portfolio = await create('/portfolios', {
      client_id: client.id,
      name: 'Core',
      base_currency: 'EUR',
    });
    const position = (accountId: string, instrument: Json, amount: Record<string, string>) =>
      create('/positions', {
        portfolio_id: portfolio.id,
        account_id: accountId,
        instrument_id: instrument.id,
        ...amount,
        currency: instrument.currency,
        as_of: '2026-05-22',
      });
    await position(covered[0].id, equity, { quantity: '1500', mark_price: '271.4', market_value: '407100' });
    await position(covered[1].id, bond, { par: '250000', mark_price: '99.875', market_value: '249687.5' });
    const other = await create('/clients', { name: 'Other client' });
    otherDepository = await create('/depositories', { client_id: other.id, name: 'Other Bank' });
  });
  afterAll(async () => {
    await app?.close();
  });

  const start = (input: Partial<Parameters<typeof startAuthFlow>[2]> = {}, as: TenantScope = scope) =>
    startAuthFlow(
      app.database.db,
      as,
      { clientId: client.id, depositoryId: depository.id, redirectUri, ...input },
      { publicUrl },
    );

  /** A browser's step: one request, redirects reported rather than followed. */
  const visit = (url: string) => fetch(url, { redirect: 'manual' });

  /** Decides at the sandbox custodian; returns its redirect to Portico's callback. */
  async function decide(authorizationUrl: string, decision: 'approve' | 'refuse'): Promise<string> {
    const answer = await visit(`${authorizationUrl}&decision=${decision}`);
    expect(answer.status).toBe(302);
    const callback = answer.headers.get('location') ?? '';
    expect(callback.startsWith(`${publicUrl}/custodian-callback/sandbox?`)).toBe(true);
    return callback;
  }

  /** Follows the callback; returns where Portico sends the browser. */
  async function callBack(callback: string): Promise<URL> {
    const answer = await visit(callback);
    expect(answer.status, await answer.clone().text()).toBe(302);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    return new URL(answer.headers.get('location') ?? '');
  }

  const eventsOf = async (resourceId: string) =>
    (
      await app.database.db
        .selectFrom('events')
        .select('type')
        .where('tenant_id', '=', scope.tenantId)
        .where('resource_id', '=', resourceId)
        .orderBy('id')
        .execute()
    ).map((event) => event.type);

  let approvedFlowId: string;
  let authorityId: string;
  let usedCallback: string;

  it('starts a pending flow with a URL at the custodian, keeping only a hash of its state', async () => {
    const flow = await start({ externalReference: 'onboarding-42' });
    expect(flow).toMatchObject({
      client_id: client.id,
      depository_id: depository.id,
      custodian: 'sandbox',
      state: 'pending',
      redirect_uri: redirectUri,
      failure_reason: null,
      authority_id: null,
      completed_at: null,
      external_reference: 'onboarding-42',
    });
    expect(flow).not.toHaveProperty('state_hash');
    expect(flow.expires_at.getTime() - flow.created_at.getTime()).toBe(10 * 60 * 1000);
    const url = new URL(flow.authorization_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${publicUrl}/sandbox-custodian/authorize`);
    const state = url.searchParams.get('state') ?? '';
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);
    expect(url.searchParams.get('redirect_uri')).toBe(`${publicUrl}/custodian-callback/sandbox`);
    const stored = await app.database.db
      .selectFrom('custodian_auth_flows')
      .select('state_hash')
      .where('id', '=', flow.id)
      .executeTakeFirstOrThrow();
    expect(stored.state_hash).toBe(createHash('sha256').update(state).digest('base64url'));
    expect(await eventsOf(flow.id)).toEqual(['custodian-auth-flow.created']);
    expect(await getAuthFlow(app.database.db, scope, flow.id)).toEqual(
      Object.fromEntries(Object.entries(flow).filter(([key]) => key !== 'authorization_url')),
    );
  });

  it('shows the sandbox custodian’s consent page, with Approve and Refuse', async () => {
    const flow = await start();
    const page = await visit(flow.authorization_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('decision=approve');
    expect(html).toContain('decision=refuse');
  });

  it('completes an approved flow: an authority over the client’s live accounts there, for 90 days, and their snapshots', async () => {
    const flow = await start();
    approvedFlowId = flow.id;
    usedCallback = await decide(flow.authorization_url, 'approve');
    const back = await callBack(usedCallback);
    expect(`${back.origin}${back.pathname}`).toBe('https://app.example.com/banks/connected');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      tab: 'custody',
      flow: flow.id,
      status: 'completed',
    });

    const completed = await getAuthFlow(app.database.db, scope, flow.id);
    expect(completed).toMatchObject({ state: 'completed', failure_reason: null });
    expect(completed.completed_at).toBeInstanceOf(Date);
    authorityId = completed.authority_id as string;
    const authority = await getAuthority(app.database.db, scope, authorityId);
    expect(authority).toMatchObject({
      client_id: client.id,
      depository_id: depository.id,
      flow_id: flow.id,
      custodian: 'sandbox',
      status: 'active',
      revoked_at: null,
      account_ids: covered.map((account) => account.id),
    });
    expect(authority.account_ids).not.toContain(elsewhere.id);
    const ninetyDays = Date.now() + 90 * dayMs;
    expect(Math.abs(authority.valid_until.getTime() - ninetyDays)).toBeLessThan(60_000);

    const listed = await listAuthorities(app.database.db, scope, { client_id: client.id }, firstPage);
    expect(listed.rows.map((row) => row.id)).toEqual([authorityId]);
    expect((await listAuthorities(app.database.db, scope, { status: 'revoked' }, firstPage)).rows).toEqual(
      [],
    );
    const flows = await listAuthFlows(app.database.db, scope, { state: 'completed' }, firstPage);
    expect(flows.rows.map((row) => row.id)).toEqual([flow.id]);

    // One raw snapshot per covered account, also where partners read them: /v1/custodian-snapshots.
    const snapshots = await walk(api, `/v1/custodian-snapshots?depository_id=${depository.id}`);
    expect(snapshots.map((row) => row.account_id).sort()).toEqual(
      covered.map((account) => account.id).sort(),
    );
    const [custody] = await walk(api, `/v1/custodian-snapshots?account_id=${covered[0].id}`);
    expect(custody).toMatchObject({
      client_id: client.id,
      depository_id: depository.id,
      authority_id: authorityId,
      snapshot_date: '2026-05-22',
    });
    expect(custody.payload).toMatchObject({
      accountNumber: '1234-567890.12',
      asOf: '2026-05-22',
      currency: 'EUR',
      positions: [
        {
          isin: 'NO0010096985',
          name: 'Equinor ASA',
          quantityType: 'UNIT',
          currency: 'NOK',
        },
      ],
      cash: { amount: '0', currency: 'EUR' },
    });
    expect(Number(custody.payload.positions[0].quantity)).toBe(1500);
    expect(Number(custody.payload.positions[0].marketValue)).toBe(407100);
    const [bonds] = await walk(api, `/v1/custodian-snapshots?account_id=${covered[1].id}`);
    expect(bonds.payload.positions).toEqual([
      expect.objectContaining({ isin: 'XS1234567890', quantityType: 'FAMT' }),
    ]);
    expect((await api('GET', `/v1/custodian-snapshots/${custody.id}`)).body).toEqual(custody);

    expect(await eventsOf(flow.id)).toEqual(['custodian-auth-flow.created', 'custodian-auth-flow.completed']);
    expect(await eventsOf(authorityId)).toEqual(['custodian-authority.created']);
    for (const snapshot of snapshots)
      expect(await eventsOf(snapshot.id)).toEqual(['custodian-snapshot.created']);
  });

  it('refuses a state used once: the callback again is a conflict, and nothing changes', async () => {
    const again = await visit(usedCallback);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    await expect(
      completeAuthFlow(app.database.db, 'sandbox', Object.fromEntries(new URL(usedCallback).searchParams), {
        publicUrl,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await eventsOf(approvedFlowId)).toEqual([
      'custodian-auth-flow.created',
      'custodian-auth-flow.completed',
    ]);
  });

  it('settles a flow once when its callback arrives twice at the same time', async () => {
    const flow = await start();
    const callback = await decide(flow.authorization_url, 'approve');
    const answers = await Promise.all([visit(callback), visit(callback)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([302, 409]);
    expect(await eventsOf(flow.id)).toEqual(['custodian-auth-flow.created', 'custodian-auth-flow.completed']);
    const authorities = await listAuthorities(app.database.db, scope, {}, firstPage);
    expect(authorities.rows.filter((row) => row.flow_id === flow.id)).toHaveLength(1);
    await revokeAuthority(
      app.database.db,
      scope,
      (await getAuthFlow(app.database.db, scope, flow.id)).authority_id!,
    );
  });

  it('fails a flow the account holder refused, and creates nothing', async () => {
    const flow = await start();
    const back = await callBack(await decide(flow.authorization_url, 'refuse'));
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ flow: flow.id, status: 'failed' });
    expect(await getAuthFlow(app.database.db, scope, flow.id)).toMatchObject({
      state: 'failed',
      failure_reason: 'access_denied',
      authority_id: null,
      completed_at: null,
    });
    expect(await eventsOf(flow.id)).toEqual(['custodian-auth-flow.created', 'custodian-auth-flow.failed']);
    const active = await listAuthorities(app.database.db, scope, { status: 'active' }, firstPage);
    expect(active.rows.map((row) => row.id)).toEqual([authorityId]);
  });

  it('fails an expired flow, however the custodian answered', async () => {
    const flow = await start();
    await sql`update custodian_auth_flows set expires_at = now() - interval '1 second' where id = ${flow.id}`.execute(
      app.database.db,
    );
    const back = await callBack(await decide(flow.authorization_url, 'approve'));
    expect(back.searchParams.get('status')).toBe('failed');
    expect(await getAuthFlow(app.database.db, scope, flow.id)).toMatchObject({
      state: 'failed',
      failure_reason: 'expired',
    });
    expect(await eventsOf(flow.id)).toEqual(['custodian-auth-flow.created', 'custodian-auth-flow.failed']);
  });

  it('fails a flow whose code was not the custodian’s', async () => {
    const flow = await start();
    const callback = new URL(await decide(flow.authorization_url, 'approve'));
    callback.searchParams.set('code', 'forged');
    const back = await callBack(callback.toString());
    expect(back.searchParams.get('status')).toBe('failed');
    expect(await getAuthFlow(app.database.db, scope, flow.id)).toMatchObject({
      failure_reason: 'invalid_grant',
    });
  });

  it('fails an approval that covers no account Portico knows at the depository', async () => {
    const empty = (await api('POST', '/v1/depositories', { client_id: client.id, name: 'Empty Bank' })).body;
    const flow = await start({ depositoryId: empty.id });
    const back = await callBack(await decide(flow.authorization_url, 'approve'));
    expect(back.searchParams.get('status')).toBe('failed');
    expect(await getAuthFlow(app.database.db, scope, flow.id)).toMatchObject({
      failure_reason: 'no_known_accounts',
    });
  });

  it('answers a callback without a usable state with a problem, and changes nothing', async () => {
    const problem = async (url: string, status: number) => {
      const response = await visit(url);
      expect(response.status, url).toBe(status);
      expect(response.headers.get('content-type'), url).toContain('application/problem+json');
      return response.json();
    };
    expect((await problem(`${publicUrl}/custodian-callback/sandbox?code=x`, 400)).detail).toContain('state');
    await problem(`${publicUrl}/custodian-callback/sandbox?state=unknown&code=x`, 404);
    await problem(`${publicUrl}/custodian-callback/elsewhere?state=unknown&code=x`, 404);
    // A state that is real, but for another custodian, finds nothing there either.
    const flow = await start();
    const state = new URL(flow.authorization_url).searchParams.get('state') ?? '';
    await expect(completeAuthFlow(app.database.db, 'other', { state }, { publicUrl })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // The sandbox sends codes to Portico's callback only, and knows two decisions.
    const authorize = `${publicUrl}/sandbox-custodian/authorize`;
    await problem(
      `${authorize}?state=${state}&redirect_uri=${encodeURIComponent('https://evil.example')}&decision=approve`,
      400,
    );
    await problem(`${authorize}?state=${state}&decision=maybe`, 400);
    await problem(`${authorize}?decision=approve`, 400);
    expect((await getAuthFlow(app.database.db, scope, flow.id)).state).toBe('pending');
  });

  it('refuses a flow for what the caller cannot connect, naming each field', async () => {
    const refusal = async (input: Parameters<typeof start>[0]) => {
      const error = await start(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues;
    };
    expect(await refusal({ clientId: crypto.randomUUID(), depositoryId: crypto.randomUUID() })).toEqual([
      { field: 'client_id', message: 'no client with this id' },
      { field: 'depository_id', message: 'no depository with this id' },
    ]);
    expect(await refusal({ depositoryId: otherDepository.id })).toEqual([
      { field: 'depository_id', message: 'belongs to another client than client_id' },
    ]);
    for (const uri of [
      'not a url',
      'ftp://example.com/x',
      'https://user:pw@example.com/',
      'https://example.com/#x',
    ]) {
      expect(
        (await refusal({ redirectUri: uri })).map((issue) => issue.field),
        uri,
      ).toEqual(['redirect_uri']);
    }
    expect(await refusal({ custodian: 'nowhere', externalReference: 'not <ok>' })).toEqual([
      { field: 'custodian', message: 'must be one of sandbox' },
      { field: 'external_reference', message: expect.any(String) },
    ]);
    await expect(
      listAuthorities(app.database.db, scope, { client_id: 'x', status: 'gone' }, firstPage),
    ).rejects.toThrow(ValidationError);
  });

  it('revokes an authority once; again, it is not found', async () => {
    const revoked = await revokeAuthority(app.database.db, scope, authorityId);
    expect(revoked).toMatchObject({ id: authorityId, status: 'revoked' });
    expect(revoked.revoked_at).toBeInstanceOf(Date);
    expect(await getAuthority(app.database.db, scope, authorityId)).toEqual(revoked);
    await expect(revokeAuthority(app.database.db, scope, authorityId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await eventsOf(authorityId)).toEqual([
      'custodian-authority.created',
      'custodian-authority.revoked',
    ]);
    const listed = await listAuthorities(app.database.db, scope, { status: 'revoked' }, firstPage);
    expect(listed.rows.map((row) => row.id)).toContain(authorityId);
    expect((await listAuthorities(app.database.db, scope, { status: 'active' }, firstPage)).rows).toEqual([]);
  });

  it('answers another tenant’s and another white label’s ids exactly like unknown ones', async () => {
    const stranger = await tenantWithClient(app, allScopes, { name: 'Stranger' });
    const brand = await createWhiteLabel(app.database.db, scope.tenantId, 'Brand');
    const unknownId = crypto.randomUUID();
    const outcome = (promise: Promise<unknown>, id: string) =>
      promise.then(
        () => 'answered',
        (error: Error) => `${error.name}: ${error.message.replace(id, '<id>')}`,
      );
    for (const other of [
      { tenantId: stranger.tenantId, whiteLabelId: null },
      { tenantId: scope.tenantId, whiteLabelId: brand.id },
    ]) {
      const db = app.database.db;
      for (const [id, read] of [
        [approvedFlowId, (id: string) => getAuthFlow(db, other, id)],
        [authorityId, (id: string) => getAuthority(db, other, id)],
        [authorityId, (id: string) => revokeAuthority(db, other, id)],
      ] as const) {
        expect(await outcome(read(id), id)).toBe(await outcome(read(unknownId), unknownId));
        expect(await outcome(read(id), id)).toMatch(/^NotFoundError/);
      }
      expect((await listAuthFlows(db, other, {}, firstPage)).rows).toEqual([]);
      expect((await listAuthorities(db, other, { client_id: client.id }, firstPage)).rows).toEqual([]);
      const refused = await start({}, other).catch((error: ValidationError) => error.issues);
      expect(refused).toEqual([
        { field: 'client_id', message: 'no client with this id' },
        { field: 'depository_id', message: 'no depository with this id' },
      ]);
    }
    const theirs = v1As(app, bearer(await accessToken(app, stranger.client)));
    expect((await theirs('GET', '/v1/custodian-snapshots')).body.data).toEqual([]);
    // Nothing the stranger tried changed the authority.
    expect((await getAuthority(app.database.db, scope, authorityId)).status).toBe('revoked');
  });
});
