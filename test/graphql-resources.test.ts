import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { dataOf, graphqlAs } from './helpers/graphql.js';

type Connection<T> = {
  totalCount?: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

describe('GraphQL over the described resources', () => {
  let app: TestApp;
  let gql: ReturnType<typeof graphqlAs>;
  let other: ReturnType<typeof graphqlAs>;
  let tenantId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    await seedTenant(app.database.db, tenant.tenantId, { size: 'small' });
    gql = graphqlAs(app, bearer(await accessToken(app, tenant.client)));
    const stranger = await tenantWithClient(app, allScopes, { name: 'Other tenant' });
    await seedTenant(app.database.db, stranger.tenantId, { size: 'small', seed: 7 });
    other = graphqlAs(app, bearer(await accessToken(app, stranger.client)));
  });
  afterAll(async () => {
    await app?.close();
  });

  const nested = /* GraphQL */ `
    query Nested($n: Int!) {
      portfolios(first: $n) {
        edges {
          node {
            name
            positions(first: $n) { edges { node { marketValue { amount currency } instrument { name issuer { name } } } } }
            cashflows(first: $n) { totalCount edges { node { amount { amount } status valueDate } } }
          }
        }
      }
    }`;

  it('answers a nested read with one statement per level, whatever the page size', async () => {
    await gql(nested, { n: 1 }); // warm: the credential lookup is cached after the first request
    const counts: number[] = [];
    const sizes: number[] = [];
    for (const n of [5, 50]) {
      const before = app.database.statements();
      const data = await dataOf(
        gql<{ portfolios: Connection<{ positions: Connection<unknown>; cashflows: Connection<unknown> }> }>(
          nested,
          { n },
        ),
      );
      counts.push(app.database.statements() - before);
      sizes.push(
        data.portfolios.edges.reduce(
          (sum, { node }) => sum + node.positions.edges.length + node.cashflows.edges.length,
          0,
        ),
      );
    }
    expect(sizes[1]).toBeGreaterThan(sizes[0] as number); // more rows at 50 …
    expect(counts[0]).toBe(counts[1]); // … for the same statements
    // portfolios, positions, instruments, issuers, cashflows and their count: six levels.
    expect(counts[1]).toBeLessThanOrEqual(6);
  });

  it('pages a connection with cursors, every row exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const { instruments }: { instruments: Connection<{ id: string }> } = await dataOf(
        gql<{ instruments: Connection<{ id: string }> }>(
          'query Page($after: String) { instruments(first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }',
          { after },
        ),
      );
      total = instruments.totalCount ?? 0;
      seen.push(...instruments.edges.map((edge) => edge.node.id));
      if (!instruments.pageInfo.hasNextPage) break;
      after = instruments.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('filters cashflows by status and date range', async () => {
    const { cashflows } = await dataOf(
      gql<{ cashflows: Connection<{ status: string; valueDate: string }> }>(
        '{ cashflows(first: 200, status: POSTED, fromDate: "2020-01-01", toDate: "2100-01-01") { edges { node { status valueDate } } } }',
      ),
    );
    expect(cashflows.edges.length).toBeGreaterThan(0);
    for (const { node } of cashflows.edges) expect(node.status).toBe('POSTED');
  });

  it('creates, updates and deletes through typed results, each change in the event log', async () => {
    const created = await dataOf(
      gql<{ createIndustry: { __typename: string; industry?: { id: string; code: string } } }>(
        'mutation { createIndustry(input: { code: "SPACE", name: "Space", sector: "Industrials" }) { __typename ... on CreateIndustrySuccess { industry { id code } } } }',
      ),
    );
    expect(created.createIndustry.__typename).toBe('CreateIndustrySuccess');
    const id = created.createIndustry.industry?.id as string;

    const invalid = await dataOf(
      gql<{ createIssuer: { __typename: string; issues?: { field: string; message: string }[] } }>(
        'mutation { createIssuer(input: { name: "", lei: "short" }) { __typename ... on ValidationError { issues { field message } } } }',
      ),
    );
    expect(invalid.createIssuer.__typename).toBe('ValidationError');
    expect(invalid.createIssuer.issues?.map((issue) => issue.field).sort()).toEqual(['lei', 'name']);

    const updated = await dataOf(
      gql<{ updateIndustry: { industry: { name: string } } }>(
        'mutation ($id: ID!) { updateIndustry(id: $id, input: { name: "Space and defence" }) { ... on UpdateIndustrySuccess { industry { name } } } }',
        { id },
      ),
    );
    expect(updated.updateIndustry.industry.name).toBe('Space and defence');
    const events = await app.database.db
      .selectFrom('events')
      .select(['type', 'changed_fields'])
      .where('tenant_id', '=', tenantId)
      .where('resource_type', '=', 'industry')
      .orderBy('id')
      .execute();
    expect(events.slice(-2)).toEqual([
      { type: 'industry.created', changed_fields: [] },
      { type: 'industry.updated', changed_fields: ['name'] },
    ]);

    const remove = 'mutation ($id: ID!) { deleteIndustry(id: $id) { __typename } }';
    expect(await dataOf(gql(remove, { id }))).toEqual({
      deleteIndustry: { __typename: 'DeleteIndustrySuccess' },
    });
    expect(await dataOf(gql(remove, { id }))).toEqual({ deleteIndustry: { __typename: 'NotFoundError' } });
    expect(await dataOf(gql('query ($id: ID!) { node(id: $id) { id } }', { id }))).toEqual({ node: null });
  });

  it('refuses references to another tenant’s rows as if they did not exist', async () => {
    const { portfolios } = await dataOf(
      other<{ portfolios: Connection<{ id: string }> }>('{ portfolios(first: 1) { edges { node { id } } } }'),
    );
    const foreign = portfolios.edges[0]?.node.id as string;
    expect(await dataOf(gql('query ($id: ID!) { node(id: $id) { id } }', { id: foreign }))).toEqual({
      node: null,
    });
    const { instruments } = await dataOf(
      gql<{ instruments: Connection<{ id: string }> }>('{ instruments(first: 1) { edges { node { id } } } }'),
    );
    const { accounts } = await dataOf(
      gql<{ accounts: Connection<{ id: string }> }>('{ accounts(first: 1) { edges { node { id } } } }'),
    );
    const refused = await dataOf(
      gql<{ createPosition: { __typename: string; issues?: { field: string; message: string }[] } }>(
        `mutation ($portfolio: ID!, $account: ID!, $instrument: ID!) {
          createPosition(input: { portfolioId: $portfolio, accountId: $account, instrumentId: $instrument, quantity: "10", currency: "EUR", asOf: "2026-01-31" }) {
            __typename ... on ValidationError { issues { field message } }
          }
        }`,
        {
          portfolio: foreign,
          account: accounts.edges[0]?.node.id,
          instrument: instruments.edges[0]?.node.id,
        },
      ),
    );
    expect(refused.createPosition).toEqual({
      __typename: 'ValidationError',
      issues: [{ field: 'portfolioId', message: 'no portfolio with this id' }],
    });
  });
});
