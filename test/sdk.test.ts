import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeedSummary, seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import {
  AccountsDocument,
  CashflowsDocument,
  CreateIndustryDocument,
  CreateInstrumentDocument,
  CreateIssuerDocument,
  CreatePositionDocument,
  DeleteIndustryDocument,
  DeletePositionDocument,
  PortfolioOverviewDocument,
  type PortfolioOverviewQuery,
  PortfoliosDocument,
  PositionsDocument,
  UpdateIndustryDocument,
  UpdatePositionDocument,
  ViewerDocument,
} from '../src/sdk/generated/graphql.js';
import { type PorticoClient, PorticoRequestError } from '../src/sdk/portico-client.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, bearer, tenantWithClient } from './helpers/credentials.js';
import { sdkAs } from './helpers/graphql.js';

type OverviewPortfolio = PortfolioOverviewQuery['portfolios']['edges'][number]['node'];

describe('the typed SDK against a real Portico', () => {
  let app: TestApp;
  let sdk: PorticoClient;
  let tenantId: string;
  let seeded: SeedSummary;

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    seeded = await seedTenant(app.database.db, tenantId, { size: 'small' });
    sdk = sdkAs(app, bearer(await accessToken(app, tenant.client)));
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Every portfolio with all its positions (the small data set has fewer than 100 per portfolio). */
  async function overview(cashflowStatus?: 'POSTED' | 'EXPECTED'): Promise<OverviewPortfolio[]> {
    const { portfolios } = await sdk.request(PortfolioOverviewDocument, {
      first: 50,
      positionsFirst: 100,
      cashflowsFirst: 3,
      cashflowStatus,
    });
    expect(portfolios.pageInfo.hasNextPage).toBe(false);
    return portfolios.edges.map((edge) => edge.node);
  }

  it('reads portfolios → positions → instrument → issuer, with cashflow counts', async () => {
    const portfolios = await overview();
    expect(portfolios).toHaveLength(seeded.rows.portfolios as number);
    const positions = portfolios.flatMap((portfolio) => portfolio.positions.edges.map((edge) => edge.node));
    expect(positions).toHaveLength(seeded.rows.positions as number);
    for (const portfolio of portfolios) {
      expect(portfolio.positions.totalCount).toBe(portfolio.positions.edges.length);
    }
    for (const position of positions) expect(position.instrument.name).not.toBe('');
    // Cash and deposits have no issuer; every bond, loan and equity has one.
    const issued = positions.filter((position) =>
      ['BOND', 'LOAN', 'EQUITY'].includes(position.instrument.kind),
    );
    expect(issued.length).toBeGreaterThan(0);
    for (const position of issued) expect(position.instrument.issuer?.name).toEqual(expect.any(String));

    // The counts are of all the portfolio's cashflows, not of the page of three.
    const counted = portfolios.reduce((sum, portfolio) => sum + portfolio.cashflows.totalCount, 0);
    const { count } = await app.database.db
      .selectFrom('cashflows')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('portfolio_id', 'is not', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(counted).toBe(Number(count));
    for (const portfolio of portfolios) {
      expect(portfolio.cashflows.edges).toHaveLength(Math.min(3, portfolio.cashflows.totalCount));
    }
  });

  it('filters positions by portfolio and issuer, and cashflows by portfolio and status', async () => {
    const [portfolio] = await overview('POSTED');
    if (!portfolio) throw new Error('no portfolio seeded');
    const issuerId = portfolio.positions.edges.find((edge) => edge.node.instrument.issuer)?.node.instrument
      .issuer?.id as string;
    const expected = portfolio.positions.edges
      .filter((edge) => edge.node.instrument.issuer?.id === issuerId)
      .map((edge) => edge.node.id)
      .sort();

    const { positions } = await sdk.request(PositionsDocument, {
      first: 100,
      portfolioId: portfolio.id,
      issuerId,
    });
    expect(positions.edges.map((edge) => edge.node.id).sort()).toEqual(expected);
    expect(positions.totalCount).toBe(expected.length);
    expect(expected.length).toBeLessThan(portfolio.positions.totalCount); // the issuer filter did filter
    for (const { node } of positions.edges) expect(node.portfolio.id).toBe(portfolio.id);

    const { cashflows } = await sdk.request(CashflowsDocument, {
      first: 100,
      portfolioId: portfolio.id,
      status: 'POSTED',
    });
    expect(cashflows.totalCount).toBe(portfolio.cashflows.totalCount); // overview('POSTED') counted these
    expect(cashflows.totalCount).toBeGreaterThan(0);
    for (const { node } of cashflows.edges) {
      expect(node.status).toBe('POSTED');
      expect(node.portfolio?.id).toBe(portfolio.id);
    }
  });

  it('creates, updates and deletes through typed mutation results', async () => {
    const created = await sdk.request(CreateIndustryDocument, {
      input: { code: 'SDK', name: 'SDK tools', sector: 'Technology' },
    });
    if (created.createIndustry.__typename !== 'CreateIndustrySuccess') {
      throw new Error(`expected success, got ${JSON.stringify(created)}`);
    }
    const { id } = created.createIndustry.industry;
    const updated = await sdk.request(UpdateIndustryDocument, { id, input: { name: 'SDK tooling' } });
    expect(updated.updateIndustry).toEqual({
      __typename: 'UpdateIndustrySuccess',
      industry: { id, code: 'SDK', name: 'SDK tooling', sector: 'Technology' },
    });
    const deleted = await sdk.request(DeleteIndustryDocument, { id });
    expect(deleted.deleteIndustry).toEqual({ __typename: 'DeleteIndustrySuccess', industry: { id } });
    // Deleting again is "not found" (its NotFoundError.id is not asserted: it currently echoes the
    // row id, not the global id that was sent).
    expect((await sdk.request(DeleteIndustryDocument, { id })).deleteIndustry).toMatchObject({
      __typename: 'NotFoundError',
      resource: 'industry',
    });

    // A position in a new instrument, in one of the seeded portfolios and one of its client's accounts.
    const instrument = await sdk.request(CreateInstrumentDocument, {
      input: { name: 'SDK Equity', kind: 'EQUITY', currency: 'EUR' },
    });
    if (instrument.createInstrument.__typename !== 'CreateInstrumentSuccess') {
      throw new Error(`expected success, got ${JSON.stringify(instrument)}`);
    }
    const { portfolios } = await sdk.request(PortfoliosDocument, { first: 1 });
    const portfolio = portfolios.edges[0]?.node;
    const { accounts } = await sdk.request(AccountsDocument, { first: 50 });
    const account = accounts.edges.find((edge) => edge.node.client.id === portfolio?.client.id)?.node;
    const position = await sdk.request(CreatePositionDocument, {
      input: {
        portfolioId: portfolio?.id as string,
        accountId: account?.id as string,
        instrumentId: instrument.createInstrument.instrument.id,
        quantity: '10',
        currency: 'EUR',
        asOf: '2026-01-30',
      },
    });
    if (position.createPosition.__typename !== 'CreatePositionSuccess') {
      throw new Error(`expected success, got ${JSON.stringify(position)}`);
    }
    expect(Number(position.createPosition.position.quantity)).toBe(10); // Decimal strings keep their scale
    expect(position.createPosition.position).toMatchObject({
      portfolio: { id: portfolio?.id },
      account: { id: account?.id },
      instrument: { name: 'SDK Equity', kind: 'EQUITY' },
    });
    const positionId = position.createPosition.position.id;
    const changed = await sdk.request(UpdatePositionDocument, {
      id: positionId,
      input: { quantity: '12.5' },
    });
    if (changed.updatePosition.__typename !== 'UpdatePositionSuccess') {
      throw new Error(`expected success, got ${JSON.stringify(changed)}`);
    }
    expect(changed.updatePosition.position.id).toBe(positionId);
    expect(Number(changed.updatePosition.position.quantity)).toBe(12.5);
    expect((await sdk.request(DeletePositionDocument, { id: positionId })).deletePosition).toEqual({
      __typename: 'DeletePositionSuccess',
      position: { id: positionId },
    });
  });

  it('returns a ValidationError result naming each refused field', async () => {
    const { createIssuer } = await sdk.request(CreateIssuerDocument, { input: { name: '', lei: 'short' } });
    if (createIssuer.__typename !== 'ValidationError') {
      throw new Error(`expected a ValidationError, got ${JSON.stringify(createIssuer)}`);
    }
    expect(createIssuer.issues.map((issue) => issue.field).sort()).toEqual(['lei', 'name']);
    expect(createIssuer.message).not.toBe('');
  });

  it('authenticates with an API key, and rejects with the error code on a refused credential', async () => {
    const { key } = await apiKeyFor(app, tenantId, ['positions:read']);
    const withKey = sdkAs(app, {}, { apiKey: key });
    expect((await withKey.request(ViewerDocument)).viewer).toMatchObject({
      tenantId,
      credentialKind: 'API_KEY',
      scopes: ['positions:read'],
    });
    const refused = await sdkAs(app, {}, { token: 'not-a-token' })
      .request(ViewerDocument)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PorticoRequestError);
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', result: { status: 401, data: undefined } });
  });

  it('sends the sha256 of the document instead of its text when persisted', async () => {
    const bodies: Record<string, unknown>[] = [];
    const token = await accessToken(app, (await tenantWithClient(app, [], { tenantId })).client);
    const persisted = sdkAs(
      app,
      {},
      {
        token: async () => token,
        persisted: true,
        fetch: (input, init) => {
          bodies.push(JSON.parse(String(init?.body)));
          return fetch(input, init);
        },
      },
    );
    expect((await persisted.request(ViewerDocument)).viewer.tenantId).toBe(tenantId);
    expect(bodies).toEqual([
      {
        operationName: 'Viewer',
        extensions: { persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      },
    ]);
  });
});
