// REST v1 read performance against plain routes, side by side in one run over the data set
// bench/graphql.ts loads (bench/dataset.ts):
//  - GET /v1/positions/{id} on Portico and on a plain node:http route running the same SQL with pg
//    (bench/bare-rest.mjs);
//  - GET /v1/positions?portfolio_id=<id>&limit=100 on both.
// Several positions and portfolios are taken in turn, so no single row is all that is read. Timing,
// placement and statement counts as in graphql.ts (bench/load.ts, bench/servers.ts); both sides must
// answer the same records or the benchmark stops. BENCH_REST_PROFILE=<folder> runs Portico with
// --cpu-prof (one profile per route).
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { accessToken, createOAuthClient, type Dataset, ensureDataset, withClient } from './dataset.js';
import {
  type Call,
  type Counted,
  comparePair,
  countEach,
  type Json,
  plan,
  table,
  timingLine,
  verdict,
} from './load.js';
import {
  buildPortico,
  knobLines,
  onLoadCore,
  profileFolder,
  type Server,
  startBareServer,
  startPortico,
} from './servers.js';

export interface RestBenchmarkOptions {
  quick: boolean;
  /** A Postgres server's URL; the data set lives in a database beside this one. */
  databaseUrl: string;
  redisUrl?: string | undefined;
}

const rotated = { positions: 64, portfolios: 16 };

/** Live positions and portfolios holding some, spread over the tenant (md5 order, the same every run). */
async function pickIds(dataset: Dataset): Promise<{ positions: string[]; portfolios: string[] }> {
  return withClient(dataset.databaseUrl, async (client) => {
    const live = 'from positions where tenant_id = $1 and deleted_at is null';
    const positions = await client.query<{ id: string }>(
      `select id ${live} order by md5(id::text) limit $2`,
      [dataset.tenantId, rotated.positions],
    );
    const portfolios = await client.query<{ id: string }>(
      `select portfolio_id as id ${live} group by portfolio_id order by md5(portfolio_id::text) limit $2`,
      [dataset.tenantId, rotated.portfolios],
    );
    return { positions: positions.rows.map((r) => r.id), portfolios: portfolios.rows.map((r) => r.id) };
  });
}

/** Both sides answered every path alike: the whole record, or a page's records and has_more. */
function checkSame(route: string, portico: Counted, plain: Counted, page: boolean): void {
  const essence = (answer: Json) => (page ? { data: answer.data, has_more: answer.has_more } : answer);
  portico.answers.forEach((answer, i) => {
    if (!isDeepStrictEqual(essence(answer), essence(plain.answers[i])))
      throw new Error(
        `${route}: Portico and the plain route answer differently:\n${JSON.stringify(answer).slice(0, 1000)}\n${JSON.stringify(plain.answers[i]).slice(0, 1000)}`,
      );
  });
}

export async function restBenchmark(options: RestBenchmarkOptions): Promise<string[]> {
  const timing = plan(options.quick, 'REST');
  const say = (line: string) => process.stderr.write(`rest: ${line}\n`);
  await buildPortico('rest');
  const dataset = await ensureDataset(options.databaseUrl, options.quick ? 'small' : 'large', say);
  const credentials = await createOAuthClient(dataset, 'rest', 'positions:read');
  const ids = await pickIds(dataset);
  const byId = ids.positions.map((id) => `/v1/positions/${id}`);
  const byPortfolio = ids.portfolios.map((id) => `/v1/positions?portfolio_id=${id}&limit=100`);
  const accept = { accept: 'application/json' };
  const plainLabel = 'plain node:http + pg';
  const plainCall = (paths: string[]): Call => ({ method: 'GET', paths, headers: accept });
  const porticoCall = async (server: Server, paths: string[]): Promise<Call> => ({
    method: 'GET',
    paths,
    headers: { ...accept, authorization: `Bearer ${await accessToken(server.port, credentials)}` },
  });
  const startPlain = (databaseUrl: string) =>
    startBareServer('plain REST', 'bench/bare-rest.mjs', {
      DATABASE_URL: databaseUrl,
      BENCH_TENANT_ID: dataset.tenantId,
    });

  // 1. Statements per request, and the same records from both sides.
  const n = timing.countedRequests;
  const portico = await countEach(
    dataset.databaseUrl,
    (url) => startPortico(url, options.redisUrl),
    { get: (server) => porticoCall(server, byId), list: (server) => porticoCall(server, byPortfolio) },
    n,
    true,
  );
  const plain = await countEach(
    dataset.databaseUrl,
    startPlain,
    { get: () => plainCall(byId), list: () => plainCall(byPortfolio) },
    n,
    false,
  );
  checkSame('GET /v1/positions/{id}', portico.get, plain.get, false);
  checkSame('GET /v1/positions?portfolio_id', portico.list, plain.list, true);

  // 2. Timed runs, each server alone on the server core, the load generator on the other; a fresh
  // Portico per route, so a profile covers one route.
  const profileDir = await profileFolder('BENCH_REST_PROFILE');
  const loadBefore = os.loadavg()[0] ?? 0;
  const pair = (paths: string[], profileName: string) =>
    comparePair(
      timing,
      {
        start: () =>
          startPortico(dataset.databaseUrl, options.redisUrl, { dir: profileDir, name: profileName }),
        call: (server) => porticoCall(server, paths),
      },
      { label: plainLabel, start: () => startPlain(dataset.databaseUrl), call: plainCall(paths) },
    );
  const { get, list } = await onLoadCore(async () => ({
    get: await pair(byId, 'portico-rest-get'),
    list: await pair(byPortfolio, 'portico-rest-list'),
  }));

  // 3. Report.
  const loadAfter = os.loadavg()[0] ?? 0;
  const getRatio = get.portico.rps / get.peer.rps;
  const listRatio = list.portico.rps / list.peer.rps;
  const rows: number[] = portico.list.answers.map((answer: Json) => answer.data.length);
  const bytes = (counted: Counted) =>
    Math.round(
      counted.answers.reduce((sum, answer) => sum + Buffer.byteLength(JSON.stringify(answer)), 0) /
        counted.answers.length,
    );
  const own = (counted: Counted) => counted.own?.toFixed(2);
  return [
    `REST v1 position reads on the ${dataset.size} data set (${dataset.database}; Portico on Postgres${options.redisUrl ? ' + Redis' : ''}, role api, bearer token)`,
    timingLine(timing),
    `Taken in turn: ${ids.positions.length} positions, ${ids.portfolios.length} portfolios (${Math.min(...rows)}–${Math.max(...rows)} positions each, ${(rows.reduce((sum, count) => sum + count, 0) / rows.length).toFixed(1)} on average); no If-None-Match sent`,
    '',
    ...table(
      'GET /v1/positions/{id}',
      [plainLabel, get.peer, plain.get.proxy],
      ['Portico', get.portico, portico.get.proxy],
    ),
    ...table(
      'GET /v1/positions?portfolio_id=<id>&limit=100',
      [plainLabel, list.peer, plain.list.proxy],
      ['Portico', list.portico, portico.list.proxy],
    ),
    `Answer size (mean): ${bytes(portico.get)} B by id, ${bytes(portico.list)} B per page (Portico; the plain route's records are the same). Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the timed runs`,
    `SQL statements counted on the wire (Q + E messages); Portico's own counter ${portico.get.own === portico.get.proxy && portico.list.own === portico.list.proxy ? 'agrees' : 'DISAGREES'}: ${own(portico.get)} by id, ${own(portico.list)} list`,
    'SQL Portico prepared or sent while counted (each text once, warm-up pass included):',
    ...[...portico.get.texts, ...portico.list.texts].map((text) => `  ${text}`),
    `Goal: GET by id ≥ 0.80× the plain route: ${verdict(getRatio >= 0.8)} (${getRatio.toFixed(2)}×); list: ${listRatio.toFixed(2)}× the plain route (no goal set)`,
    ...knobLines(profileDir),
  ];
}

export const restMethod = [
  'Method: bench/rest.ts. Data: the database bench/graphql.ts loads beside BENCH_DATABASE_URL (`<db>_graphql_large`: one',
  'tenant, 4,000 portfolios, 100k positions), loaded once by `npm run admin -- seed --size large`, then VACUUM ANALYZE.',
  'Portico runs compiled as in graphql.ts (`node dist/main.js` with the Node flags of `npm start`; NODE_ENV=production,',
  'ROLE=api, LOG_LEVEL=warn, Postgres + Redis from BENCH_REDIS_URL, rate limit raised) and is called with a',
  'client_credentials bearer token (scope positions:read), no If-None-Match. The peer, bench/bare-rest.mjs, is node:http',
  'with a pg pool of 10 and one named statement per route: the position by tenant_id, id and deleted_at is null, or a',
  "portfolio's live positions in id order (limit + 1), sent as JSON.stringify of the rows with v1's fields; no",
  'authentication (tenant fixed by the environment), no validation, no ETag. 64 positions and 16 portfolios, spread',
  'over the tenant (md5 order), are requested in turn by every connection; before timing, both sides must answer every',
  'one of them with the same records (a page: its records and has_more) or the benchmark stops. Timing as graphql.ts:',
  'the two servers of a pair pinned to core 0 (taskset), taking load one at a time; autocannon, 32 connections, in the',
  'benchmark process pinned to core 1; Postgres unpinned. Warm-up 10 s per target, then 3 rounds alternating the pair,',
  'each run preceded by 2 s of warm-up and measured for 10 s; medians of req/s (autocannon mean per second), p50, p99',
  "and the server process's CPU time per request (/proc utime + stime / requests answered). SQL statements per request:",
  'each target run once more behind bench/statement-proxy.ts (Query and Execute messages) over 50 sequential requests',
  "after a pass over every id; Portico's `portico_sql_statements_total` read over the same requests as a cross-check.",
].join(' ');
