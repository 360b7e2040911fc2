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
    // portfolios; positions with their instruments and issuers; cashflows with their counts.
    expect(counts[1]).toBe(3);
  });

  it('answers a nested connection as the same list filtered by its parent, both directions, with its total', async () => {
    type Page = Connection<{ id: string }>;
    const { portfolios } = await dataOf(
      gql<{ portfolios: Connection<{ id: string; first: Page; last: Page }> }>(
        `{ portfolios(first: 3) { edges { node { id
            first: cashflows(first: 2) { totalCount edges { node { id } } }
            last: cashflows(last: 2) { totalCount edges { node { id } } } } } } }`,
      ),
    );
    for (const { node } of portfolios.edges) {
      const alone = await dataOf(
        gql<{ first: Page; last: Page }>(
          `query ($p: ID!) {
            first: cashflows(portfolioId: $p, first: 2) { totalCount edges { node { id } } }
            last: cashflows(portfolioId: $p, last: 2) { totalCount edges { node { id } } } }`,
          { p: node.id },
        ),
      );
      expect(node.first.totalCount).toBeGreaterThan(2);
      expect(node.first).toEqual(alone.first);
      expect(node.last).toEqual(alone.last);
    }
  });

  it('reads relations along with a list the same as one by one, through fragments too', async () => {
    const query = /* GraphQL */ `
      fragment Held on Instrument { id name isin issuer { ...Named } }
      fragment Named on Issuer { id name }
      query Along {
        positions(first: 30) { edges { node { id instrument { ...Held } } } }
      }`;
    const before = app.database.statements();
    const { positions } = await dataOf(
      gql<{ positions: Connection<{ instrument: { id: string; issuer: { id: string } | null } }> }>(query),
    );
    expect(app.database.statements() - before).toBe(1);
    expect(positions.edges.length).toBe(30);
    for (const { node } of positions.edges.slice(0, 5)) {
      const { node: alone } = await dataOf(
        gql<{ node: unknown }>(
          'query ($id: ID!) { node(id: $id) { ... on Instrument { id name isin issuer { id name } } } }',
          { id: node.instrument.id },
        ),
      );
      expect(node.instrument).toEqual(alone);
    }
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

  it('asks each family’s scope on every field and mutation, with the REST scope names', async () => {
    const narrow = await tenantWithClient(app, ['positions:read'], { tenantId });
    const limited = graphqlAs(app, bearer(await accessToken(app, narrow.client)));
    const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
      (result.errors ?? []).map((error) => [error.extensions?.code, error.extensions?.scopes]);

    const positions = await limited(
      '{ positions(first: 1) { edges { node { asOf instrument { name } } } } }',
    );
    expect(codes(positions)).toEqual([['FORBIDDEN', ['instruments:read']]]);
    const portfolios = await limited('{ portfolios(first: 1) { totalCount } }');
    expect(codes(portfolios)).toEqual([['FORBIDDEN', ['portfolios:read']]]);
    // node and nodes reach a type by id alone: the type's own read scope still applies.
    const { portfolios: some } = await dataOf(
      gql<{ portfolios: Connection<{ id: string }> }>('{ portfolios(first: 1) { edges { node { id } } } }'),
    );
    const id = some.edges[0]?.node.id;
    const byId = await limited('query ($id: ID!) { node(id: $id) { id } }', { id });
    expect(codes(byId)).toEqual([['FORBIDDEN', ['portfolios:read']]]);
    const byIds = await limited('query ($id: ID!) { nodes(ids: [$id]) { id } }', { id });
    expect(codes(byIds)).toEqual([['FORBIDDEN', ['portfolios:read']]]);
    const create = await limited(
      'mutation { createIndustry(input: { code: "X", name: "X", sector: "X" }) { __typename } }',
    );
    expect(codes(create)).toEqual([['FORBIDDEN', ['instruments:write']]]);
  });

  it('refuses to delete a row live rows still point at, and deletes it once they are gone', async () => {
    const { createIndustry } = await dataOf(
      gql<{ createIndustry: { industry: { id: string } } }>(
        'mutation { createIndustry(input: { code: "REF", name: "Referenced", sector: "Ref" }) { ... on CreateIndustrySuccess { industry { id } } } }',
      ),
    );
    const industryId = createIndustry.industry.id;
    const { createIssuer } = await dataOf(
      gql<{ createIssuer: { issuer: { id: string } } }>(
        'mutation ($industry: ID!) { createIssuer(input: { name: "Referrer", industryId: $industry }) { ... on CreateIssuerSuccess { issuer { id } } } }',
        { industry: industryId },
      ),
    );
    const removeIndustry =
      'mutation ($id: ID!) { deleteIndustry(id: $id) { __typename ... on Error { message } } }';
    const eventCount = async () =>
      Number(
        (
          await app.database.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('count'))
            .where('tenant_id', '=', tenantId)
            .executeTakeFirstOrThrow()
        ).count,
      );
    const events = await eventCount();
    expect(await dataOf(gql(removeIndustry, { id: industryId }))).toEqual({
      deleteIndustry: {
        __typename: 'ConflictError',
        message: 'this industry is still referenced by live issuers (industry_id); delete those first',
      },
    });
    expect(await eventCount()).toBe(events); // refused whole: no event, nothing deleted
    const { node } = await dataOf(
      gql<{ node: { id: string } | null }>('query ($id: ID!) { node(id: $id) { id } }', { id: industryId }),
    );
    expect(node?.id).toBe(industryId);
    expect(
      await dataOf(
        gql('mutation ($id: ID!) { deleteIssuer(id: $id) { __typename } }', { id: createIssuer.issuer.id }),
      ),
    ).toEqual({ deleteIssuer: { __typename: 'DeleteIssuerSuccess' } });
    expect(await dataOf(gql(removeIndustry, { id: industryId }))).toEqual({
      deleteIndustry: { __typename: 'DeleteIndustrySuccess' },
    });
  });

  it('never leaves a live reference to a deleted row when a delete races a write that adds one', async () => {
    for (let round = 0; round < 10; round++) {
      const { createIndustry } = await dataOf(
        gql<{ createIndustry: { industry: { id: string } } }>(
          `mutation { createIndustry(input: { code: "RACE${round}", name: "Race", sector: "Race" }) { ... on CreateIndustrySuccess { industry { id } } } }`,
        ),
      );
      const industry = createIndustry.industry.id;
      await Promise.all([
        gql('mutation ($i: ID!) { createIssuer(input: { name: "Racer", industryId: $i }) { __typename } }', {
          i: industry,
        }),
        gql('mutation ($i: ID!) { deleteIndustry(id: $i) { __typename } }', { i: industry }),
      ]);
      const dangling = await app.database.db
        .selectFrom('issuers')
        .innerJoin('industries', 'industries.id', 'issuers.industry_id')
        .select('issuers.id')
        .where('issuers.deleted_at', 'is', null)
        .where('industries.deleted_at', 'is not', null)
        .execute();
      expect(dangling).toEqual([]);
    }
  });

  it('answers a duplicate natural key with ConflictError and a broken rule with the field it names', async () => {
    const industry =
      'mutation { createIndustry(input: { code: "DUP", name: "Dup", sector: "Dup" }) { __typename ... on Error { message } } }';
    expect(await dataOf(gql(industry))).toEqual({ createIndustry: { __typename: 'CreateIndustrySuccess' } });
    expect(await dataOf(gql(industry))).toEqual({
      createIndustry: { __typename: 'ConflictError', message: 'an industry with this code already exists' },
    });

    const ids = await dataOf(
      gql<Record<string, { edges: { node: { id: string } }[] }>>(
        '{ positions(first: 1) { edges { node { id portfolio { id } account { id } } } } instruments(first: 1, kind: FUND) { edges { node { id } } } }',
      ),
    );
    const position = ids.positions?.edges[0]?.node as unknown as {
      portfolio: { id: string };
      account: { id: string };
    };
    const both = await dataOf(
      gql<{ createPosition: unknown }>(
        `mutation ($portfolio: ID!, $account: ID!, $instrument: ID!) {
          createPosition(input: { portfolioId: $portfolio, accountId: $account, instrumentId: $instrument, quantity: "1", par: "100", currency: "EUR", asOf: "2026-01-31" }) {
            __typename ... on ValidationError { issues { field message } }
          }
        }`,
        {
          portfolio: position.portfolio.id,
          account: position.account.id,
          instrument: ids.instruments?.edges[0]?.node.id,
        },
      ),
    );
    expect(both.createPosition).toEqual({
      __typename: 'ValidationError',
      issues: [{ field: 'quantity', message: 'set exactly one of quantity and par' }],
    });
  });

  it('walks a large connection while rows are inserted, returning every row once', async () => {
    const before = await dataOf(
      gql<{ cashflows: { totalCount: number } }>('{ cashflows(first: 0) { totalCount } }'),
    );
    const { accounts } = await dataOf(
      gql<{ accounts: Connection<{ id: string }> }>('{ accounts(first: 1) { edges { node { id } } } }'),
    );
    const account = accounts.edges[0]?.node.id;
    let inserting = true;
    const inserted: string[] = [];
    const writer = (async () => {
      for (let i = 0; inserting && i < 200; i++) {
        const { createCashflow } = await dataOf(
          gql<{ createCashflow: { cashflow: { id: string } } }>(
            'mutation ($account: ID!) { createCashflow(input: { accountId: $account, kind: FEE, status: EXPECTED, amount: "-1.00", currency: "EUR", valueDate: "2026-06-30" }) { ... on CreateCashflowSuccess { cashflow { id } } } }',
            { account },
          ),
        );
        inserted.push(createCashflow.cashflow.id);
      }
    })();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { cashflows }: { cashflows: Connection<{ id: string }> } = await dataOf(
        gql<{ cashflows: Connection<{ id: string }> }>(
          'query ($after: String) { cashflows(first: 25, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
          { after },
        ),
      );
      seen.push(...cashflows.edges.map((edge) => edge.node.id));
      if (!cashflows.pageInfo.hasNextPage) break;
      after = cashflows.pageInfo.endCursor;
    }
    inserting = false;
    await writer;
    expect(inserted.length).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length); // no row twice
    const existing = seen.filter((id) => !inserted.includes(id));
    expect(existing.length).toBe(before.cashflows.totalCount); // every row that was there, once
  });

  it('counts a nested connection the same whatever its cursor', async () => {
    const query =
      'query ($after: String) { portfolios(first: 3) { edges { node { cashflows(first: 2, after: $after) { totalCount edges { node { id } } } } } } }';
    type Nested = { portfolios: Connection<{ cashflows: Connection<{ id: string }> }> };
    const plain = await dataOf(gql<Nested>(query, { after: null }));
    // A cursor past every row: no row carries its parent's total, so it is counted on its own.
    const last = Buffer.from(JSON.stringify({ id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' })).toString(
      'base64url',
    );
    const past = await dataOf(gql<Nested>(query, { after: last }));
    const totals = (data: Nested) => data.portfolios.edges.map(({ node }) => node.cashflows.totalCount);
    expect(totals(past)).toEqual(totals(plain));
    expect(totals(plain).every((total) => (total ?? 0) > 0)).toBe(true);
    expect(past.portfolios.edges.every(({ node }) => node.cashflows.edges.length === 0)).toBe(true);
  });
});
