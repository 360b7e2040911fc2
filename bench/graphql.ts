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
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { plannedCounts, type SeedSize } from '../db/seed/sizes.js';
import { median } from './median.js';
import { type StatementProxy, startStatementProxy } from './statement-proxy.js';

const root = path.resolve(import.meta.dirname, '..');
const peerFolder = path.join(root, 'bench', 'postgraphile');
const run = promisify(execFile);
const serverCore = '0';
const loadCore = '1';
const connections = 32;
const scopes = 'portfolios:read positions:read instruments:read cashflows:read';

export interface GraphqlBenchmarkOptions {
  quick: boolean;
  /** A Postgres server's URL; the benchmark creates its own database beside this one. */
  databaseUrl: string;
  /** Portico runs as in production, on Postgres and Redis; without one it uses its in-process broker. */
  redisUrl?: string | undefined;
}

/** Timings; BENCH_GRAPHQL_DURATION and BENCH_GRAPHQL_RUNS override the full run's. */
function plan(quick: boolean) {
  return quick
    ? { firstWarmUpS: 1, warmUpS: 0, durationS: 1, runs: 1, countedRequests: 5 }
    : {
        firstWarmUpS: 10,
        warmUpS: 2,
        durationS: Number(process.env.BENCH_GRAPHQL_DURATION ?? 10),
        runs: Number(process.env.BENCH_GRAPHQL_RUNS ?? 3),
        countedRequests: 50,
      };
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

// biome-ignore lint/suspicious/noExplicitAny: walking JSON answers of two different schemas.
type Json = any;

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

// --- data set -----------------------------------------------------------------------------------

interface Dataset {
  databaseUrl: string;
  database: string;
  tenantId: string;
  size: SeedSize;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function admin(args: string[], databaseUrl: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  for (const name of ['REDIS_URL', 'PORTICO_DATA_DIR', 'ROLE']) delete env[name];
  try {
    const { stdout } = await run(process.execPath, ['src/launcher.mjs', 'admin', ...args], {
      cwd: root,
      env,
      maxBuffer: 16 * 2 ** 20,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`npm run admin -- ${args.join(' ')} failed: ${failed.stderr || failed.message}`);
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The benchmark's own database, loaded once: a tenant named after the size marks a data set, and it
 * counts only if its positions and cashflows are all there (a load cut short is dropped and redone).
 */
async function ensureDataset(baseUrl: string, size: SeedSize, say: (line: string) => void): Promise<Dataset> {
  const url = new URL(baseUrl);
  const database = `${url.pathname.slice(1) || 'postgres'}_graphql_${size}`;
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const tenantName = `graphql-bench-${size}`;
  const planned = plannedCounts(size);

  const existing = await withClient(baseUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    return (found.rowCount ?? 0) > 0;
  });
  if (existing) {
    await admin(['migrate'], databaseUrl);
    const tenantId = await withClient(databaseUrl, async (client) => {
      const tenant = await client.query<{ id: string }>('select id from tenants where name = $1', [
        tenantName,
      ]);
      const id = tenant.rows[0]?.id;
      if (!id) return undefined;
      const counts = await client.query<{ positions: string; cashflows: string }>(
        `select (select count(*) from positions where tenant_id = $1) as positions,
                (select count(*) from cashflows where tenant_id = $1) as cashflows`,
        [id],
      );
      const row = counts.rows[0];
      return Number(row?.positions) === planned.positions && Number(row?.cashflows) === planned.cashflows
        ? id
        : undefined;
    });
    if (tenantId) return { databaseUrl, database, tenantId, size };
    say(`graphql: ${database} holds no complete ${size} data set; dropping it and loading again`);
    await withClient(baseUrl, (client) => client.query(`drop database ${quoteIdent(database)} with (force)`));
  }

  await withClient(baseUrl, (client) => client.query(`create database ${quoteIdent(database)}`));
  await admin(['migrate'], databaseUrl);
  const { id: tenantId } = JSON.parse(await admin(['tenant', 'create', '--name', tenantName], databaseUrl));
  if (size === 'large') say(`graphql: loading the large data set into ${database} (once, about 2 minutes)`);
  await admin(['seed', '--tenant', tenantId, '--size', size], databaseUrl);
  // Planner statistics and the visibility map, as a database that has been running a while has them.
  await withClient(databaseUrl, (client) => client.query('vacuum analyze'));
  return { databaseUrl, database, tenantId, size };
}

// --- PostGraphile installation ------------------------------------------------------------------

async function ensurePostGraphile(say: (line: string) => void): Promise<string> {
  const manifest = path.join(peerFolder, 'node_modules', 'postgraphile', 'package.json');
  if (!existsSync(manifest)) {
    say('graphql: installing PostGraphile 5 into bench/postgraphile (first use)');
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

// --- processes ------------------------------------------------------------------------------------

interface Server {
  name: string;
  port: number;
  /** CPU time the server process has used so far, in ms (Linux; 0 elsewhere). */
  cpuMs(): number;
  stop(): Promise<void>;
  output(): string;
}

const clockTicks = 100; // USER_HZ: /proc reports CPU time in 1/100 s on every Linux build that matters

/** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, after the command name). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return 0;
  }
}

const pinning = process.platform === 'linux' && os.cpus().length >= 2 && commandExists('taskset');

function commandExists(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((folder) => folder && existsSync(path.join(folder, command)));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a server on the server core; it is ready once `ready` resolves with its port. */
async function startServer(
  name: string,
  command: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: (child: ChildProcess) => Promise<number> },
): Promise<Server> {
  const argv = pinning ? ['taskset', '-c', serverCore, ...command] : command;
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([
      options.ready(child),
      exited.then(() => {
        throw new Error(`${name} exited before it was ready:\n${output}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} not ready after 60 s:\n${output}`)), 60_000);
      }),
    ]);
    return { name, port, stop, output: () => output, cpuMs: () => processCpuMs(child.pid) };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Servers that print their port as their first line (PostGraphile, bare Yoga). */
const printedPort = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    let seen = '';
    const onData = (data: Buffer) => {
      seen += data;
      const line = seen.split('\n')[0];
      if (seen.includes('\n') && line) {
        child.stdout?.off('data', onData);
        resolve(Number(line.trim()));
      }
    };
    child.stdout?.on('data', onData);
  });

async function waitForHealth(port: number, child: ChildProcess): Promise<number> {
  while (child.exitCode === null && child.signalCode === null) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return port;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return port; // exited: startServer reports it
}

function startPortico(
  databaseUrl: string,
  redisUrl: string | undefined,
  profile?: { dir: string; name: string },
) {
  return freePort().then((port) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Serving only: background workers (outbox, webhooks, jobs) are not what is measured here.
      ROLE: 'api',
      // The tenant's rate limit would otherwise answer 429 to a load test.
      RATE_LIMIT_PER_MINUTE: '1000000000',
      RATE_LIMIT_BURST: '1000000000',
    };
    for (const name of ['REDIS_URL', 'PUBLIC_URL', 'PORTICO_DATA_DIR']) delete env[name];
    if (redisUrl) env.REDIS_URL = redisUrl;
    // Portico runs with the Node flags its start command carries (package.json `start`), plus
    // BENCH_PORTICO_NODE_FLAGS: extra flags for Portico only, to try a fix.
    const extra = [
      ...startFlags(),
      ...(process.env.BENCH_PORTICO_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ];
    const flags = profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profile.dir}`,
          `--cpu-prof-name=${profile.name}-${Date.now()}.cpuprofile`,
        ]
      : [];
    return startServer('Portico', [process.execPath, ...extra, ...flags, 'dist/main.js'], {
      cwd: root,
      env,
      ready: (child) => waitForHealth(port, child),
    });
  });
}

/** The Node flags of `npm start` (`node --flag … src/launcher.mjs main`). */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const words = String(scripts.start).split(/\s+/);
  return words.slice(1, words.indexOf('src/launcher.mjs')).filter((word) => word.startsWith('--'));
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

function startBareYoga(databaseUrl: string, tenantId: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    BENCH_TENANT_ID: tenantId,
    PORT: '0',
    NODE_ENV: 'production',
  };
  return startServer('bare Yoga', [process.execPath, 'bench/bare-yoga.mjs'], {
    cwd: root,
    env,
    ready: printedPort,
  });
}

/** This process's CPU affinity (all its threads: autocannon's work happens on the main one). */
async function setAffinity(cpus: string): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cpus, String(process.pid)]);
}

async function affinity(): Promise<string> {
  const { stdout } = await run('taskset', ['-c', '-p', String(process.pid)]);
  return stdout.split(':').at(-1)?.trim() ?? '0-1';
}

// --- requests -------------------------------------------------------------------------------------

interface Target {
  label: string;
  server: Server;
  body: string;
  headers: Record<string, string>;
}

function request(target: Omit<Target, 'label'>): Promise<Json> {
  return fetch(`http://127.0.0.1:${target.server.port}/graphql`, {
    method: 'POST',
    headers: target.headers,
    body: target.body,
  }).then(async (response) => {
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${target.server.name}: HTTP ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  });
}

async function accessToken(port: number, credentials: { client_id: string; client_secret: string }) {
  const response = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...credentials }),
  });
  if (!response.ok) throw new Error(`token endpoint: HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function statementsCounter(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('portico_sql_statements_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request answered, in ms. */
  cpu: number;
}

async function load(target: Target, seconds: number): Promise<Sample> {
  const cpuBefore = target.server.cpuMs();
  const result = await autocannon({
    url: `http://127.0.0.1:${target.server.port}/graphql`,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(
      `${target.label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu: (target.server.cpuMs() - cpuBefore) / Math.max(1, result.requests.total),
  };
}

const kb = (answer: Json) => (Buffer.byteLength(JSON.stringify(answer)) / 1024).toFixed(1);

/** Warm-up, then `runs` alternating measured runs of every target; medians per target. */
async function compare(targets: Target[], timing: ReturnType<typeof plan>): Promise<Map<Target, Sample[]>> {
  const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
  for (const target of targets) await load(target, timing.firstWarmUpS);
  for (let i = 0; i < timing.runs; i++) {
    for (const target of targets) {
      // A short warm-up after the other server's turn: pools and caches as a steady server has them.
      if (timing.warmUpS > 0) await load(target, timing.warmUpS);
      samples.get(target)?.push(await load(target, timing.durationS));
    }
  }
  return samples;
}

// --- statements per request ---------------------------------------------------------------------

interface Counted {
  /** By the wire-protocol proxy. */
  proxy: number;
  /** By Portico's own counter (GET /metrics), when the target is Portico. */
  own?: number;
  /** The first answer, for the equivalence check. */
  answer: Json;
}

async function countStatements(
  target: Omit<Target, 'label'>,
  proxy: StatementProxy,
  requests: number,
  portico: boolean,
): Promise<Counted> {
  const answer = await request(target);
  await request(target);
  const before = proxy.counts().statements;
  const ownBefore = portico ? await statementsCounter(target.server.port) : 0;
  for (let i = 0; i < requests; i++) await request(target);
  const counted: Counted = { proxy: (proxy.counts().statements - before) / requests, answer };
  if (portico) counted.own = ((await statementsCounter(target.server.port)) - ownBefore) / requests;
  return counted;
}

/** Runs a server behind the proxy for the count, then stops both. */
async function throughProxy<T>(
  databaseUrl: string,
  start: (url: string) => Promise<Server>,
  work: (server: Server, proxy: StatementProxy) => Promise<T>,
): Promise<T> {
  const proxy = await startStatementProxy(databaseUrl);
  try {
    const server = await start(proxy.url);
    try {
      return await work(server, proxy);
    } finally {
      await server.stop();
    }
  } finally {
    await proxy.close();
  }
}

// --- the benchmark ----------------------------------------------------------------------------------

export async function graphqlBenchmark(options: GraphqlBenchmarkOptions): Promise<string[]> {
  const timing = plan(options.quick);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  // Portico runs compiled, as `npm start` runs it.
  await run(process.execPath, ['src/launcher.mjs', 'build'], { cwd: root }).catch((error) => {
    throw new Error(
      `graphql: building Portico failed:\n${String(error.stderr || error.message).slice(0, 2000)}`,
    );
  });
  const dataset = await ensureDataset(options.databaseUrl, options.quick ? 'small' : 'large', say);
  const postgraphileVersion = await ensurePostGraphile(say);
  const credentials = JSON.parse(
    await admin(
      [
        'client',
        'create',
        '--tenant',
        dataset.tenantId,
        '--name',
        `bench-graphql-${randomUUID().slice(0, 8)}`,
        '--scopes',
        scopes,
      ],
      dataset.databaseUrl,
    ),
  ) as { client_id: string; client_secret: string };
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const porticoTarget = async (server: Server, query: string) => ({
    server,
    body: JSON.stringify({ query }),
    headers: { ...json, authorization: `Bearer ${await accessToken(server.port, credentials)}` },
  });
  const peerNestedBody = JSON.stringify({
    query: postgraphileNested,
    variables: { tenant: dataset.tenantId },
  });
  const yogaBody = JSON.stringify({ query: yogaSmall });

  // 1. Statements per request, and the same rows from both sides of each pair.
  const n = timing.countedRequests;
  const portico = await throughProxy(
    dataset.databaseUrl,
    (url) => startPortico(url, options.redisUrl),
    async (server, proxy) => ({
      nested: await countStatements(await porticoTarget(server, porticoNested), proxy, n, true),
      small: await countStatements(await porticoTarget(server, porticoSmall), proxy, n, true),
    }),
  );
  const postgraphile = await throughProxy(dataset.databaseUrl, startPostGraphile, (server, proxy) =>
    countStatements({ server, body: peerNestedBody, headers: json }, proxy, n, false),
  );
  const yoga = await throughProxy(
    dataset.databaseUrl,
    (url) => startBareYoga(url, dataset.tenantId),
    (server, proxy) => countStatements({ server, body: yogaBody, headers: json }, proxy, n, false),
  );
  const porticoShape = nestedShape(portico.nested.answer, 'portico');
  const peerShape = nestedShape(postgraphile.answer, 'postgraphile');
  if (JSON.stringify(porticoShape) !== JSON.stringify(peerShape))
    throw new Error(
      `Portico and PostGraphile answer different rows:\n${JSON.stringify(porticoShape)}\n${JSON.stringify(peerShape)}`,
    );
  if (smallShape(portico.small.answer, 'portico') !== smallShape(yoga.answer, 'yoga'))
    throw new Error('Portico and bare Yoga answer different portfolios');

  // 2. Timed runs, each server alone on the server core, the load generator on the other.
  const profileDir = process.env.BENCH_GRAPHQL_PROFILE
    ? path.resolve(process.env.BENCH_GRAPHQL_PROFILE)
    : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const previousAffinity = pinning ? await affinity() : undefined;
  const loadBefore = os.loadavg()[0] ?? 0;
  const peerLabel = `PostGraphile ${postgraphileVersion}`;
  const servers: Server[] = [];
  /** Starts a pair's two servers (a fresh Portico each, so a profile covers one query), then compares. */
  const pair = async (
    query: string,
    profileName: string,
    startPeer: () => Promise<Server>,
    peer: Omit<Target, 'server'>,
  ) => {
    const porticoServer = await startPortico(
      dataset.databaseUrl,
      options.redisUrl,
      profileDir ? { dir: profileDir, name: profileName } : undefined,
    );
    servers.push(porticoServer);
    const peerServer = await startPeer();
    servers.push(peerServer);
    const ours: Target = { label: 'Portico', ...(await porticoTarget(porticoServer, query)) };
    const theirs: Target = { ...peer, server: peerServer };
    const samples = await compare([ours, theirs], timing);
    await porticoServer.stop();
    await peerServer.stop();
    return { portico: samples.get(ours) ?? [], peer: samples.get(theirs) ?? [] };
  };
  let nested: { portico: Sample[]; peer: Sample[] };
  let small: { portico: Sample[]; peer: Sample[] };
  try {
    if (pinning) await setAffinity(loadCore);
    nested = await pair(porticoNested, 'portico-nested', () => startPostGraphile(dataset.databaseUrl), {
      label: peerLabel,
      body: peerNestedBody,
      headers: json,
    });
    small = await pair(
      porticoSmall,
      'portico-small',
      () => startBareYoga(dataset.databaseUrl, dataset.tenantId),
      {
        label: 'bare graphql-yoga',
        body: yogaBody,
        headers: json,
      },
    );
  } finally {
    for (const server of servers) await server.stop();
    if (previousAffinity) await setAffinity(previousAffinity);
  }

  // 3. Report. The machine's load average says whether anything else competed for its cores.
  const loadAfter = os.loadavg()[0] ?? 0;
  const summary = (samples: Sample[]) => ({
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    cpu: median(samples.map((s) => s.cpu)),
    runs: samples.map((s) => Math.round(s.rps)),
  });
  const porticoN = summary(nested.portico);
  const peerN = summary(nested.peer);
  const porticoS = summary(small.portico);
  const yogaS = summary(small.peer);
  const header = `${'target'.padEnd(22)} ${'req/s'.padStart(7)} ${'p50'.padStart(7)} ${'p99'.padStart(8)}  SQL/request  CPU ms/request  ratio   runs (req/s)`;
  const row = (label: string, s: ReturnType<typeof summary>, statements: number, base: { rps: number }) =>
    `${label.padEnd(22)} ${Math.round(s.rps).toString().padStart(7)} ${`${s.p50} ms`.padStart(7)} ${`${s.p99} ms`.padStart(8)}  ${statements.toFixed(2).padStart(11)}  ${s.cpu.toFixed(2).padStart(14)}  ${(s.rps / base.rps).toFixed(2).padStart(5)}   ${s.runs.join(' ')}`;
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const nestedRatio = porticoN.rps / peerN.rps;
  const smallRatio = porticoS.rps / yogaS.rps;
  const placement = pinning
    ? `server on core ${serverCore}, load on core ${loadCore}`
    : 'unpinned (no taskset)';
  return [
    `GraphQL reads on the ${dataset.size} data set (${dataset.database}; Portico on Postgres${options.redisUrl ? ' + Redis' : ''}, role api)`,
    `${timing.durationS} s per run, medians of ${timing.runs} alternating run${timing.runs > 1 ? 's' : ''} after warm-up, ${connections} connections, ${placement}`,
    '',
    'Nested: 20 portfolios × 10 positions × instrument × issuer, + first 10 cashflows and totalCount',
    header,
    row(peerLabel, peerN, postgraphile.proxy, peerN),
    row('Portico', porticoN, portico.nested.proxy, peerN),
    '',
    'Small: 20 portfolios, id and name',
    header,
    row('bare graphql-yoga', yogaS, yoga.proxy, yogaS),
    row('Portico', porticoS, portico.small.proxy, yogaS),
    '',
    `Answer size: PostGraphile ${kb(postgraphile.answer)} KB, Portico ${kb(portico.nested.answer)} KB (nested); bare Yoga ${kb(yoga.answer)} KB, Portico ${kb(portico.small.answer)} KB (small). Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the timed runs`,
    `SQL statements counted on the wire (Q + E messages); Portico's own counter ${portico.nested.own === portico.nested.proxy && portico.small.own === portico.small.proxy ? 'agrees' : 'DISAGREES'}: ${portico.nested.own?.toFixed(2)} nested, ${portico.small.own?.toFixed(2)} small`,
    `Goals: nested ≥ 1.50× PostGraphile req/s: ${verdict(nestedRatio >= 1.5)} (${nestedRatio.toFixed(2)}×); ` +
      `p99 ≤ PostGraphile's: ${verdict(porticoN.p99 <= peerN.p99)} (${porticoN.p99} vs ${peerN.p99} ms); ` +
      `≤ 3 statements: ${verdict(portico.nested.proxy <= 3)} (${portico.nested.proxy.toFixed(2)}); ` +
      `small ≥ 0.80× bare Yoga: ${verdict(smallRatio >= 0.8)} (${smallRatio.toFixed(2)}×)`,
    ...(process.env.BENCH_PORTICO_NODE_FLAGS
      ? [`(Portico ran with BENCH_PORTICO_NODE_FLAGS=${process.env.BENCH_PORTICO_NODE_FLAGS})`]
      : []),
    ...(profileDir
      ? [`(Portico ran with --cpu-prof into ${profileDir}: its figures carry the profiler's cost)`]
      : []),
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
