// Bare graphql-yoga, the floor for Portico's small query in bench/graphql.ts: node:http, Yoga's
// defaults, a two-field schema and one SQL statement per request over the same database and tenant
// (from BENCH_TENANT_ID: no authentication, no connection types, no DataLoader). Plain JavaScript so
// it runs as Portico does, compiled. Prints the port it listens on.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import pg from 'pg';

const tenantId = process.env.BENCH_TENANT_ID;
if (!process.env.DATABASE_URL || !tenantId) throw new Error('set DATABASE_URL and BENCH_TENANT_ID');
// The same pool size as Portico's.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Portfolio {
      id: ID!
      name: String!
    }
    type Query {
      portfolios(first: Int! = 50): [Portfolio!]!
    }
  `,
  resolvers: {
    Query: {
      portfolios: async (_root, { first }) =>
        (
          await pool.query(
            'select id, name from portfolios where tenant_id = $1 and deleted_at is null order by id limit $2',
            [tenantId, Math.min(first, 200)],
          )
        ).rows,
    },
  },
});

const server = createServer(
  createYoga({ schema, graphqlEndpoint: '/graphql', logging: false, landingPage: false }),
);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
