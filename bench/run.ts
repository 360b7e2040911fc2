// npm run bench: every benchmark, each reporting ratios against a peer measured in the same run.
// `npm run bench -- --quick` runs each briefly (CI does, so the harness never rots) and records
// nothing; a full run writes its figures and method to bench/results/. BENCH_ONLY=graphql,rest,startup
// runs only the named benchmarks.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphqlBenchmark, graphqlMethod } from './graphql.js';
import { httpOverhead } from './http-overhead.js';
import { restBenchmark, restMethod } from './rest.js';
import { rlsOverhead } from './rls-overhead.js';
import { startup } from './startup.js';

const quick = process.argv.includes('--quick');
const results = path.join(import.meta.dirname, 'results');
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const selected = (name: string) => !only || only.includes(name);

async function record(name: string, method: string, lines: string[]): Promise<void> {
  for (const line of lines) console.log(line);
  console.log();
  if (quick) return;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  await mkdir(results, { recursive: true });
  await writeFile(
    path.join(results, `${name}.md`),
    `# ${name}\n\n${new Date().toISOString().slice(0, 10)} · ${machine}\n\n${method}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`,
  );
}

if (selected('startup')) {
  const started = await startup({ quick });
  await record(
    'startup',
    'Method: `npm start` on the embedded default; ready = first GET /healthz answered 200 (polled every 10 ms from spawn); RSS = the serving process and its children (npm and shells left out) after 2 s idle. Each repetition takes a new empty data folder: Portico first start (migrations, demo data, sandbox), then a bare process that opens PGlite on that folder and serves /healthz (bench/bare-pglite.mjs), then a Portico later start, then bare PGlite again. Medians over the repetitions; the Postgres + Redis row runs when BENCH_DATABASE_URL and BENCH_REDIS_URL are set.',
    started.lines,
  );
}

if (selected('http-overhead')) {
  await record(
    'http-overhead',
    'Method: autocannon, 32 connections, each target in its own process, 1 s warm-up then the measured run.',
    await httpOverhead(),
  );
}

// A separate variable, never DATABASE_URL: these benchmarks create and drop their own tables.
const scratch = process.env.BENCH_DATABASE_URL;
if (scratch) {
  if (selected('rls-overhead')) {
    await record(
      'rls-overhead',
      'Method: 5,000 point reads over 4 connections, tenant predicate in the WHERE clause against row-level security.',
      await rlsOverhead(scratch),
    );
  }
  // The read benchmarks: Portico as in production, on Postgres and Redis.
  const reads = {
    quick,
    databaseUrl: scratch,
    redisUrl: process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL,
  };
  if (selected('graphql')) await record('graphql', graphqlMethod, await graphqlBenchmark(reads));
  if (selected('rest')) await record('rest', restMethod, await restBenchmark(reads));
} else console.log('(set BENCH_DATABASE_URL to a scratch Postgres database to run the Postgres benchmarks)');
