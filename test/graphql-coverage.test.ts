import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes } from '../src/auth/scopes.js';
import '../src/domain/resources/described-resources.js';
import {
  camel,
  describedResources,
  type FilterSpec,
  pascal,
  type ResourceDescription,
  relationName,
} from '../src/domain/resource.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { dataOf, graphqlAs } from './helpers/graphql.js';

// Driven by the descriptions themselves: every described resource is reachable as a list and as a
// node with every field, and every filter it declares narrows the list to rows that satisfy it.
// A resource or filter added to a description is covered here without a new line of test.

const resources = describedResources();

/** Every field of a resource as a selection: relations by id, money as amount and currency. */
function selection(resource: ResourceDescription): string {
  const fields = ['id'];
  for (const [column, spec] of Object.entries(resource.fields)) {
    if (spec.type === 'id') continue;
    if (spec.type === 'reference') fields.push(`${camel(relationName(column))} { id }`);
    else if (spec.type === 'money') fields.push(`${camel(column)} { amount currency }`);
    else fields.push(camel(column));
  }
  for (const name of Object.keys(resource.children)) fields.push(`${camel(name)}(first: 1) { totalCount }`);
  return fields.join(' ');
}

/** The path from a row to the value a filter compares (`instrument { issuer { id } }` for issuer_id on positions). */
function filterPath(spec: FilterSpec): string[] {
  const column = spec.column;
  if (spec.kind === 'through') {
    // Hop by hop to the last table; its id, or the column the last hop compares (an industry's code).
    const steps = [relationName(column), ...spec.path.map((hop) => relationName(hop.column))];
    return spec.path.at(-1)?.column.endsWith('_id') ? [...steps, 'id'] : steps;
  }
  if (spec.field.type === 'reference') return [relationName(column), 'id'];
  return [column];
}

const nest = (path: string[]) =>
  path.reduceRight(
    (inner, step, index) => (index === path.length - 1 ? camel(step) : `${camel(step)} { ${inner} }`),
    '',
  );

const valueAt = (node: Record<string, unknown>, path: string[]): unknown =>
  path.reduce<unknown>(
    (value, step) => (value as Record<string, unknown> | null)?.[camel(step)] ?? null,
    node,
  );

describe('every described resource over GraphQL', () => {
  let app: TestApp;
  let gql: ReturnType<typeof graphqlAs>;

  beforeAll(async () => {
    app = await startTestApp();
    const tenant = await tenantWithClient(app, allScopes);
    await seedTenant(app.database.db, tenant.tenantId, { size: 'small' });
    gql = graphqlAs(app, bearer(await accessToken(app, tenant.client)));
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each(resources.map((r) => [r.plural, r] as const))(
    '%s: listed and loaded as a node with every field',
    async (_, resource) => {
      const list = camel(resource.plural);
      const data = await dataOf(
        gql<Record<string, { totalCount: number; edges: { node: { id: string } }[] }>>(
          `{ ${list}(first: 3) { totalCount edges { node { ${selection(resource)} } } } }`,
        ),
      );
      const connection = data[list];
      expect(connection?.totalCount, `${resource.plural} are seeded`).toBeGreaterThan(0);
      const first = connection?.edges[0]?.node as { id: string };
      const node = await dataOf(
        gql<{ node: { __typename: string; id: string } }>(
          `query ($id: ID!) { node(id: $id) { __typename id ... on ${pascal(resource.name)} { ${selection(resource)} } } }`,
          { id: first.id },
        ),
      );
      expect(node.node).toEqual({ __typename: pascal(resource.name), ...first });
    },
  );

  const filters = resources.flatMap((resource) =>
    Object.entries(resource.filters).map(
      ([name, spec]) => [`${resource.plural}(${camel(name)})`, resource, name, spec] as const,
    ),
  );

  it.each(filters)('%s narrows the list to matching rows', async (_, resource, name, spec) => {
    const list = camel(resource.plural);
    const path = filterPath(spec);
    const all = await dataOf(
      gql<Record<string, { edges: { node: Record<string, unknown> }[] }>>(
        `{ ${list}(first: 200) { edges { node { id ${nest(path)} } } } }`,
      ),
    );
    const rows = all[list]?.edges.map((edge) => edge.node) ?? [];
    const sample = rows
      .map((row) => valueAt(row, path))
      .find((value) => value !== null && value !== undefined);
    if (sample === undefined) {
      // Nothing seeded carries this value (external references): the filter must then find nothing.
      expect(['external_reference']).toContain(name);
      return;
    }
    const type =
      spec.field.type === 'reference'
        ? 'ID'
        : spec.field.type === 'enum'
          ? `${pascal(resource.name)}${pascal(spec.column)}`
          : ({ date: 'Date', datetime: 'DateTime' }[spec.field.type as 'date'] ?? 'String');
    const filtered = await dataOf(
      gql<Record<string, { edges: { node: Record<string, unknown> }[] }>>(
        `query ($value: ${type}) { ${list}(first: 200, ${camel(name)}: $value) { edges { node { id ${nest(path)} } } } }`,
        { value: sample },
      ),
    );
    const matched = filtered[list]?.edges.map((edge) => edge.node) ?? [];
    expect(matched.length).toBeGreaterThan(0);
    for (const row of matched) {
      const value = valueAt(row, path) as string;
      if (spec.kind === 'from') expect(value >= (sample as string), `${value} ≥ ${sample}`).toBe(true);
      else if (spec.kind === 'to') expect(value <= (sample as string), `${value} ≤ ${sample}`).toBe(true);
      else expect(value).toEqual(sample);
    }
    if (spec.kind === 'equals' || spec.kind === 'through') {
      // The filter really narrows: rows with another value are left out.
      const others = rows.filter((row) => valueAt(row, path) !== sample).map((row) => row.id);
      const ids = new Set(matched.map((row) => row.id));
      for (const id of others) expect(ids.has(id)).toBe(false);
    }
  });

  it('refuses a filter id of the wrong type, naming the argument', async () => {
    const { data } = await gql<{ portfolios: { edges: { node: { id: string } }[] } }>(
      '{ portfolios(first: 1) { edges { node { id } } } }',
    );
    const portfolio = data?.portfolios.edges[0]?.node.id;
    const { errors } = await gql('query ($id: ID) { positions(first: 1, accountId: $id) { totalCount } }', {
      id: portfolio,
    });
    expect(errors?.[0]?.message).toBe('accountId: must be an id of type Account');
  });
});
