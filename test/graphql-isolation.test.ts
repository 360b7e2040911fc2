import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import '../src/domain/resources/described-resources.js';
import { camel, describedResources, pascal } from '../src/domain/resource.js';
import { createWhiteLabel } from '../src/domain/tenants/tenants.service.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { dataOf, graphqlAs } from './helpers/graphql.js';

// Another tenant's id is indistinguishable from one that does not exist, on every path that takes
// an id: node and nodes, every filter taking an id, update and delete. Driven by the descriptions.

const resources = describedResources();
type Rows = Record<string, { totalCount: number; edges: { node: { id: string } }[] }>;

describe('tenant isolation over GraphQL', () => {
  let app: TestApp;
  let mine: ReturnType<typeof graphqlAs>;
  let theirs: ReturnType<typeof graphqlAs>;
  /** One row id of the other tenant per resource. */
  const foreign = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApp();
    const a = await tenantWithClient(app, allScopes, { name: 'Mine' });
    const b = await tenantWithClient(app, allScopes, { name: 'Theirs' });
    await seedTenant(app.database.db, a.tenantId, { size: 'small' });
    await seedTenant(app.database.db, b.tenantId, { size: 'small' });
    mine = graphqlAs(app, bearer(await accessToken(app, a.client)));
    theirs = graphqlAs(app, bearer(await accessToken(app, b.client)));
    const lists = resources
      .map((r) => `${camel(r.plural)}(first: 1) { totalCount edges { node { id } } }`)
      .join(' ');
    const data = await dataOf(theirs<Rows>(`{ ${lists} }`));
    for (const resource of resources) {
      const id = data[camel(resource.plural)]?.edges[0]?.node.id;
      if (id) foreign.set(resource.name, id);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(resources.map((r) => [r.name] as const))(
    '%s: node and nodes answer null for the other tenant’s id',
    async (name) => {
      const id = foreign.get(name) as string;
      expect(id).toBeDefined();
      expect(await dataOf(mine('query ($id: ID!) { node(id: $id) { id } }', { id }))).toEqual({ node: null });
      expect(await dataOf(mine('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [id] }))).toEqual({
        nodes: [null],
      });
    },
  );

  const writable = resources.filter((r) => !r.readOnly);
  it.each(writable.map((r) => [r.name, r] as const))(
    '%s: update and delete answer NotFoundError',
    async (_, resource) => {
      const id = foreign.get(resource.name) as string;
      const type = pascal(resource.name);
      const result = await dataOf(
        mine<Record<string, { __typename: string }>>(
          `mutation ($id: ID!) { update: update${type}(id: $id, input: {}) { __typename ... on NotFoundError { id } } delete: delete${type}(id: $id) { __typename ... on NotFoundError { id } } }`,
          { id },
        ),
      );
      // The refusal names the id as sent, never the row behind it.
      expect(result).toEqual({
        update: { __typename: 'NotFoundError', id },
        delete: { __typename: 'NotFoundError', id },
      });
    },
  );

  const idFilters = resources.flatMap((resource) =>
    Object.entries(resource.filters)
      .filter(([, spec]) => spec.field.type === 'reference' && spec.field.references)
      .map(
        ([name, spec]) =>
          [`${resource.plural}(${camel(name)})`, resource, name, spec.field.references as string] as const,
      ),
  );
  it.each(idFilters)('%s finds nothing for the other tenant’s id', async (_, resource, name, target) => {
    const id = foreign.get(target);
    expect(id, `${target} has a foreign row`).toBeDefined();
    const list = camel(resource.plural);
    const data = await dataOf(
      mine<Rows>(
        `query ($id: ID) { ${list}(first: 5, ${camel(name)}: $id) { totalCount edges { node { id } } } }`,
        { id },
      ),
    );
    expect(data[list]).toEqual({ totalCount: 0, edges: [] });
  });

  it('keeps a white-label credential to its own white label', async () => {
    const tenant = await tenantWithClient(app, ['portfolios:read', 'clients:read'], {
      name: 'Labels',
      whiteLabel: 'North',
    });
    const south = await createWhiteLabel(app.database.db, tenant.tenantId, 'South');
    await seedTenant(app.database.db, tenant.tenantId, {
      size: 'small',
      whiteLabelIds: [tenant.whiteLabelId as string, south.id],
    });
    const labelled = graphqlAs(app, bearer(await accessToken(app, tenant.client)));
    const { clients } = await dataOf(
      labelled<Rows>('{ clients(first: 50) { totalCount edges { node { id } } } }'),
    );
    const visible = await app.database.db
      .selectFrom('clients')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .where('white_label_id', '=', tenant.whiteLabelId)
      .execute();
    expect(clients?.totalCount).toBe(visible.length);
    expect(clients?.totalCount).toBeGreaterThan(0);
    const southern = await app.database.db
      .selectFrom('portfolios')
      .select('id')
      .where('white_label_id', '=', south.id)
      .executeTakeFirstOrThrow();
    const id = Buffer.from(`Portfolio:${southern.id}`).toString('base64');
    expect(await dataOf(labelled('query ($id: ID!) { node(id: $id) { id } }', { id }))).toEqual({
      node: null,
    });
  });
});
