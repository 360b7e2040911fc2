// PostGraphile 5 (Amber preset), the peer of bench/graphql.ts: the public schema of the database in
// DATABASE_URL as GraphQL over node:http, nothing else (no GraphiQL, no watch, no subscriptions).
// Prints the port it listens on. Usage: node --import ./polyfill.mjs server.mjs
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public'],
      pubsub: false,
      // The same pool size as Portico's.
      poolConfig: { max: 10 },
    }),
  ],
  // Amber offers `condition` only on indexed columns; deleted_at has no index of its own (Portico's
  // live-row indexes are partial), so this lets the query say `deletedAt: null` as Portico's SQL does.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  grafserv: { graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
// Builds the schema (introspection) before the port is announced, so no request pays for it.
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
if (process.argv.includes('--print-schema')) {
  const { printSchema } = await import('postgraphile/graphql');
  console.error(printSchema(await pgl.getSchema()));
}
