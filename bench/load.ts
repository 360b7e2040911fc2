// Load, timing and statement counts for the Postgres read benchmarks (bench/graphql.ts, bench/rest.ts):
// autocannon against one target at a time, warm-up then alternating measured runs, medians of
// req/s, p50, p99 and the server's CPU time per request; SQL statements per request counted over
// sequential requests behind the statement proxy, outside the timed phase.
import autocannon from 'autocannon';
import { median } from './median.js';
import { placement, type Server, throughProxy } from './servers.js';
import type { StatementProxy } from './statement-proxy.js';

export const connections = 32;

export interface Timing {
  firstWarmUpS: number;
  warmUpS: number;
  durationS: number;
  runs: number;
  countedRequests: number;
}

/** Timings; BENCH_<NAME>_DURATION and BENCH_<NAME>_RUNS override the full run's. */
export function plan(quick: boolean, name: string): Timing {
  return quick
    ? { firstWarmUpS: 1, warmUpS: 0, durationS: 1, runs: 1, countedRequests: 5 }
    : {
        firstWarmUpS: 10,
        warmUpS: 2,
        durationS: Number(process.env[`BENCH_${name}_DURATION`] ?? 10),
        runs: Number(process.env[`BENCH_${name}_RUNS`] ?? 3),
        countedRequests: 50,
      };
}

/** What a target is asked: one request, or several paths taken in turn (every connection cycles them). */
export interface Call {
  method: 'GET' | 'POST';
  paths: string[];
  headers: Record<string, string>;
  body?: string;
}

export interface Target {
  label: string;
  server: Server;
  call: Call;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of servers with different schemas.
export type Json = any;

/** One request, the `index`-th path of the call (cycling); its answer as JSON, or an error. */
export async function send(server: Server, call: Call, index = 0): Promise<Json> {
  const path = call.paths[index % call.paths.length];
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: call.method,
    headers: call.headers,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${server.name}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request answered, in ms. */
  cpu: number;
}

async function load(target: Target, seconds: number): Promise<Sample> {
  const cpuBefore = target.server.cpuMs();
  const { method, paths, headers, body } = target.call;
  const result = await autocannon({
    url: `http://127.0.0.1:${target.server.port}${paths[0]}`,
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(paths.length > 1 ? { requests: paths.map((path) => ({ method, path })) } : {}),
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

/** Warm-up, then `runs` alternating measured runs of every target; each target's samples. */
export async function compare(targets: Target[], timing: Timing): Promise<Sample[][]> {
  const samples = targets.map((): Sample[] => []);
  for (const target of targets) await load(target, timing.firstWarmUpS);
  for (let i = 0; i < timing.runs; i++) {
    for (const [index, target] of targets.entries()) {
      // A short warm-up after the other server's turn: pools and caches as a steady server has them.
      if (timing.warmUpS > 0) await load(target, timing.warmUpS);
      samples[index]?.push(await load(target, timing.durationS));
    }
  }
  return samples;
}

/** Starts Portico and its peer, compares one call on each, stops both; the medians of each. */
export async function comparePair(
  timing: Timing,
  portico: { start: () => Promise<Server>; call: (server: Server) => Promise<Call> },
  peer: { label: string; start: () => Promise<Server>; call: Call },
): Promise<{ portico: Summary; peer: Summary }> {
  const servers: Server[] = [];
  try {
    const porticoServer = await portico.start();
    servers.push(porticoServer);
    const peerServer = await peer.start();
    servers.push(peerServer);
    const [ours, theirs] = await compare(
      [
        { label: 'Portico', server: porticoServer, call: await portico.call(porticoServer) },
        { label: peer.label, server: peerServer, call: peer.call },
      ],
      timing,
    );
    return { portico: summary(ours ?? []), peer: summary(theirs ?? []) };
  } finally {
    for (const server of servers) await server.stop();
  }
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  runs: number[];
}

function summary(samples: Sample[]): Summary {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    cpu: median(samples.map((s) => s.cpu)),
    runs: samples.map((s) => Math.round(s.rps)),
  };
}

/** How the timed runs went, for a report's first lines. */
export function timingLine(timing: Timing): string {
  return `${timing.durationS} s per run, medians of ${timing.runs} alternating run${timing.runs > 1 ? 's' : ''} after warm-up, ${connections} connections, ${placement}`;
}

/** One row of a report's table: a target's medians, SQL statements per request and ratio to the base. */
export type Row = [label: string, s: Summary, statements: number];

/** A report's table under its title: the base (the peer) first, each row with its ratio to the base's req/s. */
export function table(title: string, base: Row, ...others: Row[]): string[] {
  const header = `${'target'.padEnd(22)} ${'req/s'.padStart(7)} ${'p50'.padStart(7)} ${'p99'.padStart(8)}  SQL/request  CPU ms/request  ratio   runs (req/s)`;
  const line = ([label, s, statements]: Row) =>
    `${label.padEnd(22)} ${Math.round(s.rps).toString().padStart(7)} ${`${s.p50} ms`.padStart(7)} ${`${s.p99} ms`.padStart(8)}  ${statements.toFixed(2).padStart(11)}  ${s.cpu.toFixed(2).padStart(14)}  ${(s.rps / base[1].rps).toFixed(2).padStart(5)}   ${s.runs.join(' ')}`;
  return [title, header, line(base), ...others.map(line), ''];
}

export const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

// --- statements per request ---------------------------------------------------------------------

async function statementsCounter(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('portico_sql_statements_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

export interface Counted {
  /** By the wire-protocol proxy. */
  proxy: number;
  /** By Portico's own counter (GET /metrics), when the target is Portico. */
  own?: number;
  /** The answer to each path of the call (from the warm-up), for the equivalence checks. */
  answers: Json[];
  /** The distinct SQL texts the server prepared or sent while counted (a prepared one appears once). */
  texts: string[];
}

/** Warm-up (every path once, at least two requests), then `requests` sequential ones, counted. */
async function countStatements(
  server: Server,
  call: Call,
  proxy: StatementProxy,
  requests: number,
  portico: boolean,
): Promise<Counted> {
  proxy.record(true);
  const answers: Json[] = [];
  for (let i = 0; i < Math.max(2, call.paths.length); i++) answers.push(await send(server, call, i));
  const before = proxy.counts().statements;
  const ownBefore = portico ? await statementsCounter(server.port) : 0;
  for (let i = 0; i < requests; i++) await send(server, call, i);
  const counted: Counted = {
    proxy: (proxy.counts().statements - before) / requests,
    answers: answers.slice(0, call.paths.length),
    texts: [...new Set(proxy.record(false))],
  };
  if (portico) counted.own = ((await statementsCounter(server.port)) - ownBefore) / requests;
  return counted;
}

/**
 * Starts a server behind the statement proxy and counts each call on it in turn (by name), then
 * stops both. `portico` reads Portico's own counter too.
 */
export function countEach<K extends string>(
  databaseUrl: string,
  start: (url: string) => Promise<Server>,
  calls: Record<K, (server: Server) => Call | Promise<Call>>,
  requests: number,
  portico: boolean,
): Promise<Record<K, Counted>> {
  return throughProxy(databaseUrl, start, async (server, proxy) => {
    const counted = {} as Record<K, Counted>;
    for (const name of Object.keys(calls) as K[])
      counted[name] = await countStatements(server, await calls[name](server), proxy, requests, portico);
    return counted;
  });
}
