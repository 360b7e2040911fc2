// GraphQL read performance against peers, side by side in one run over one database:
//  - the nested read (20 portfolios × 10 positions × instrument × issuer, plus each portfolio's first
//    10 cashflows and their totalCount) on Portico and on PostGraphile 5 answering the same query in
//    its own dialect;
//  - a small query (20 portfolios, id and name) on Portico and on bare graphql-yoga (bench/bare-yoga.mjs).
// The two servers of a pair run on core 0 and take load one at a time from autocannon, which runs in
// this process on core 1. Warm-up, then repetitions alternating between the two; medians of req/s,
// p50, p99 and the server's CPU time per request. SQL statements per request are counted for every
// target by one wire-protocol proxy (bench/statement-proxy.ts), in a separate phase so that the proxy
// never sits in a timed path. BENCH_GRAPHQL_PROFILE=<folder> runs Portico with --cpu-prof (one
// profile per query; bench/cpu-profile-summary.ts reads them).
//
// The data lives in its own database on the BENCH_DATABASE_URL server, `<database>_graphql_large`
// (or `_small` for --quick), migrated and seeded on first use and reused afterwards. PostGraphile is
// installed into bench/postgraphile/ on first use (its packages declare Node ≥ 22; on Node 20 it runs
// with bench/postgraphile/polyfill.mjs).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accessToken, createOAuthClient, ensureDataset } from './dataset.js';
import { type Call, comparePair, countEach, type Json, plan, table, timingLine, verdict } from './load.js';
import {
  buildPortico,
  knobLines,
  onLoadCore,
  printedPort,
  profileFolder,
  root,
  run,
  type Server,
  startBareServer,
  startPortico,
  startServer,
} from './servers.js';

const peerFolder = path.join(root, 'bench', 'postgraphile');
const scopes = 'portfolios:read positions:read instruments:read cashflows:read';

export interface GraphqlBenchmarkOptions {
  quick: boolean;
  /** A Postgres server's URL; the benchmark creates its own database beside this one. */
  databaseUrl: string;
  /** Portico runs as in production, on Postgres and Redis; without one it uses its in-process broker. */
  redisUrl?: string | undefined;
}

// --- the queries ------------------------------------------------------------------------------

const porticoNested = `{
  portfolios(first: 20) { edges { node { id name baseCurrency
    positions(first: 10) { edges { node { id quantity par { amount currency } marketValue { amount currency }
      instrument { id name isin issuer { id name } } } } }
    cashflows(first: 10) { totalCount edges { node { id amount { amount currency } valueDate kind status } } }
  } } }
}`;

// PostGraphile's dialect for the same rows. Portico scopes every level by the caller's tenant and
// hides soft-deleted rows; PostGraphile has no caller, so the query says both with `condition` at
// every list level (the to-one joins follow foreign keys, which stay inside the tenant). Money is a
// decimal string plus its currency column instead of Portico's Money object.
const postgraphileNested = `query Nested($tenant: UUID!) {
  allPortfolios(first: 20, condition: { tenantId: $tenant, deletedAt: null }) { edges { node { id rowId name baseCurrency
    positionsByPortfolioId(first: 10, condition: { tenantId: $tenant, deletedAt: null }) { edges { node { id quantity par marketValue currency
      instrumentByInstrumentId { id name isin issuerByIssuerId { id name } } } } }
    cashflowsByPortfolioId(first: 10, condition: { tenantId: $tenant, deletedAt: null }) { totalCount edges { node { id amount currency valueDate kind status } } }
  } } }
}`;

const porticoSmall = '{ portfolios(first: 20) { edges { node { id name } } } }';
const yogaSmall = '{ portfolios(first: 20) { id name } }';

/** What a nested answer holds, whichever dialect: the benchmark refuses to compare unequal answers. */
interface Shape {
  portfolios: number;
  positions: number;
  instruments: number;
  issuers: number;
  cashflows: number;
  cashflowTotal: number;
  names: string;
}

function nestedShape(answer: Json, dialect: 'portico' | 'postgraphile'): Shape {
  if (answer.errors) throw new Error(`${dialect} answered with errors: ${JSON.stringify(answer.errors)}`);
  const pg = dialect === 'postgraphile';
  const portfolios = (pg ? answer.data.allPortfolios : answer.data.portfolios).edges.map((e: Json) => e.node);
  const shape: Shape = {
    portfolios: portfolios.length,
    positions: 0,
    instruments: 0,
    issuers: 0,
    cashflows: 0,
    cashflowTotal: 0,
    names: portfolios.map((p: Json) => p.name).join('|'),
  };
  for (const portfolio of portfolios) {
    for (const { node } of (pg ? portfolio.positionsByPortfolioId : portfolio.positions).edges) {
      shape.positions++;
      const instrument = pg ? node.instrumentByInstrumentId : node.instrument;
      if (!instrument) continue;
      shape.instruments++;
      if (pg ? instrument.issuerByIssuerId : instrument.issuer) shape.issuers++;
    }
    const cashflows = pg ? portfolio.cashflowsByPortfolioId : portfolio.cashflows;
    shape.cashflows += cashflows.edges.length;
    shape.cashflowTotal += cashflows.totalCount;
  }
  return shape;
}

function smallShape(answer: Json, dialect: 'portico' | 'yoga'): string {
  if (answer.errors) throw new Error(`${dialect} answered with errors: ${JSON.stringify(answer.errors)}`);
  const rows =
    dialect === 'portico' ? answer.data.portfolios.edges.map((e: Json) => e.node) : answer.data.portfolios;
  return rows.map((r: Json) => r.name).join('|');
}

// --- PostGraphile installation ------------------------------------------------------------------

async function ensurePostGraphile(say: (line: string) => void): Promise<string> {
  const manifest = path.join(peerFolder, 'node_modules', 'postgraphile', 'package.json');
  if (!existsSync(manifest)) {
    say('installing PostGraphile 5 into bench/postgraphile (first use)');
    // Its own lock file and folder: not the project's install, so its engines (Node ≥ 22) are not
    // enforced here, and npm is told to say nothing short of an error.
    await run(
      'npm',
      ['ci', '--prefix', peerFolder, '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false'],
      { cwd: peerFolder, maxBuffer: 16 * 2 ** 20 },
    );
  }
  return JSON.parse(readFileSync(manifest, 'utf8')).version as string;
}

function startPostGraphile(databaseUrl: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    NODE_ENV: 'production',
    GRAPHILE_ENV: 'production',
  };
  return startServer('PostGraphile', [process.execPath, '--import', './polyfill.mjs', 'server.mjs'], {
    cwd: peerFolder,
    env,
    ready: printedPort,
  });
}

const startBareYoga = (databaseUrl: string, tenantId: string) =>
  startBareServer('bare Yoga', 'bench/bare-yoga.mjs', {
    DATABASE_URL: databaseUrl,
    BENCH_TENANT_ID: tenantId,
  });

// --- the benchmark ----------------------------------------------------------------------------------

export async function graphqlBenchmark(options: GraphqlBenchmarkOptions): Promise<string[]> {
  const timing = plan(options.quick, 'GRAPHQL');
  const say = (line: string) => process.stderr.write(`graphql: ${line}\n`);
  await buildPortico('graphql');
  const dataset = await ensureDataset(options.databaseUrl, options.quick ? 'small' : 'large', say);
  const postgraphileVersion = await ensurePostGraphile(say);
  const credentials = await createOAuthClient(dataset, 'graphql', scopes);
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const graphql = (body: string, headers: Record<string, string> = json): Call => ({
    method: 'POST',
    paths: ['/graphql'],
    headers,
    body,
  });
  const porticoCall = async (server: Server, query: string) =>
    graphql(JSON.stringify({ query }), {
      ...json,
      authorization: `Bearer ${await accessToken(server.port, credentials)}`,
    });
  const peerNested = graphql(
    JSON.stringify({ query: postgraphileNested, variables: { tenant: dataset.tenantId } }),
  );
  const yogaCall = graphql(JSON.stringify({ query: yogaSmall }));

  // 1. Statements per request, and the same rows from both sides of each pair.
  const n = timing.countedRequests;
  const portico = await countEach(
    dataset.databaseUrl,
    (url) => startPortico(url, options.redisUrl),
    {
      nested: (server) => porticoCall(server, porticoNested),
      small: (server) => porticoCall(server, porticoSmall),
    },
    n,
    true,
  );
  const { nested: postgraphile } = await countEach(
    dataset.databaseUrl,
    startPostGraphile,
    { nested: () => peerNested },
    n,
    false,
  );
  const { small: yoga } = await countEach(
    dataset.databaseUrl,
    (url) => startBareYoga(url, dataset.tenantId),
    { small: () => yogaCall },
    n,
    false,
  );
  const porticoShape = nestedShape(portico.nested.answers[0], 'portico');
  const peerShape = nestedShape(postgraphile.answers[0], 'postgraphile');
  if (JSON.stringify(porticoShape) !== JSON.stringify(peerShape))
    throw new Error(
      `Portico and PostGraphile answer different rows:\n${JSON.stringify(porticoShape)}\n${JSON.stringify(peerShape)}`,
    );
  if (smallShape(portico.small.answers[0], 'portico') !== smallShape(yoga.answers[0], 'yoga'))
    throw new Error('Portico and bare Yoga answer different portfolios');

  // 2. Timed runs, each server alone on the server core, the load generator on the other. Each pair
  // starts a fresh Portico, so a profile covers one query.
  const profileDir = await profileFolder('BENCH_GRAPHQL_PROFILE');
  const loadBefore = os.loadavg()[0] ?? 0;
  const peerLabel = `PostGraphile ${postgraphileVersion}`;
  const porticoFor = (query: string, profileName: string) => ({
    start: () => startPortico(dataset.databaseUrl, options.redisUrl, { dir: profileDir, name: profileName }),
    call: (server: Server) => porticoCall(server, query),
  });
  const { nested, small } = await onLoadCore(async () => ({
    nested: await comparePair(timing, porticoFor(porticoNested, 'portico-nested'), {
      label: peerLabel,
      start: () => startPostGraphile(dataset.databaseUrl),
      call: peerNested,
    }),
    small: await comparePair(timing, porticoFor(porticoSmall, 'portico-small'), {
      label: 'bare graphql-yoga',
      start: () => startBareYoga(dataset.databaseUrl, dataset.tenantId),
      call: yogaCall,
    }),
  }));

  // 3. Report. The machine's load average says whether anything else competed for its cores.
  const loadAfter = os.loadavg()[0] ?? 0;
  const { portico: porticoN, peer: peerN } = nested;
  const { portico: porticoS, peer: yogaS } = small;
  const nestedRatio = porticoN.rps / peerN.rps;
  const smallRatio = porticoS.rps / yogaS.rps;
  const kb = (answer: Json) => (Buffer.byteLength(JSON.stringify(answer)) / 1024).toFixed(1);
  return [
    `GraphQL reads on the ${dataset.size} data set (${dataset.database}; Portico on Postgres${options.redisUrl ? ' + Redis' : ''}, role api)`,
    timingLine(timing),
    '',
    ...table(
      'Nested: 20 portfolios × 10 positions × instrument × issuer, + first 10 cashflows and totalCount',
      [peerLabel, peerN, postgraphile.proxy],
      ['Portico', porticoN, portico.nested.proxy],
    ),
    ...table(
      'Small: 20 portfolios, id and name',
      ['bare graphql-yoga', yogaS, yoga.proxy],
      ['Portico', porticoS, portico.small.proxy],
    ),
    `Answer size: PostGraphile ${kb(postgraphile.answers[0])} KB, Portico ${kb(portico.nested.answers[0])} KB (nested); bare Yoga ${kb(yoga.answers[0])} KB, Portico ${kb(portico.small.answers[0])} KB (small). Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the timed runs`,
    `SQL statements counted on the wire (Q + E messages); Portico's own counter ${portico.nested.own === portico.nested.proxy && portico.small.own === portico.small.proxy ? 'agrees' : 'DISAGREES'}: ${portico.nested.own?.toFixed(2)} nested, ${portico.small.own?.toFixed(2)} small`,
    `Goals: nested ≥ 1.50× PostGraphile req/s: ${verdict(nestedRatio >= 1.5)} (${nestedRatio.toFixed(2)}×); ` +
      `p99 ≤ PostGraphile's: ${verdict(porticoN.p99 <= peerN.p99)} (${porticoN.p99} vs ${peerN.p99} ms); ` +
      `≤ 3 statements: ${verdict(portico.nested.proxy <= 3)} (${portico.nested.proxy.toFixed(2)}); ` +
      `small ≥ 0.80× bare Yoga: ${verdict(smallRatio >= 0.8)} (${smallRatio.toFixed(2)}×)`,
    ...knobLines(profileDir),
  ];
}

export const graphqlMethod = [
  'Method: bench/graphql.ts. Data: a dedicated database beside BENCH_DATABASE_URL (`<db>_graphql_large`: one tenant,',
  '4,000 portfolios, 100k positions, 656k cashflows), loaded once by `npm run admin -- seed --size large`, then',
  'VACUUM ANALYZE. Portico runs compiled (`node dist/main.js` with the Node flags of `npm start`; NODE_ENV=production, ROLE=api, LOG_LEVEL=warn, Postgres +',
  'Redis from BENCH_REDIS_URL; rate limit raised so the load test is not refused) and is',
  'called with a client_credentials bearer token. PostGraphile 5 (Amber preset, node:http, pool of 10 like Portico,',
  'PgIndexBehaviorsPlugin disabled so `condition` can say deletedAt: null) runs from bench/postgraphile/ with a',
  'Promise.withResolvers polyfill on Node 20 and answers the same nested read in its dialect, scoped to the same tenant',
  'and live rows by `condition` at every list level. Bare graphql-yoga (bench/bare-yoga.mjs: node:http, two-field',
  'schema, one SQL statement, no authentication) answers the small query. Both sides of a pair must return the same',
  'rows (counted per level, portfolio names compared) or the benchmark stops. The two servers of a pair run pinned to',
  'core 0 (taskset) and take load one at a time; autocannon, 32 connections, runs in the benchmark process pinned to',
  'core 1; Postgres is unpinned. Warm-up 10 s per target, then 3 rounds alternating the pair, each run preceded by 2 s of warm-up and',
  "measured for 10 s; medians of req/s (autocannon mean per second), p50 and p99 latency, and the server process's CPU",
  'time per request (/proc utime + stime over the run / requests answered). SQL statements per request: each target',
  'run once more behind a wire-protocol proxy (bench/statement-proxy.ts) counting Query and Execute messages over 50',
  "sequential requests; Portico's own `portico_sql_statements_total` is read over the same requests as a cross-check.",
].join(' ');
