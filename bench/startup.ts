// Start-up: how long `npm start` takes to answer GET /healthz and what the serving process holds
// once idle, on the embedded default (first start on an empty folder, demo data included, and a
// later start), measured side by side with a bare process that opens PGlite on the same folder.
// With BENCH_DATABASE_URL (and BENCH_REDIS_URL or REDIS_URL) it also measures a start on Postgres
// and Redis. Runs alternate (Portico, bare PGlite, Portico, …); medians are reported.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../test/helpers/processes.js';
import { median } from './median.js';

const root = path.resolve(import.meta.dirname, '..');
const idleMs = 2000;

interface Sample {
  readyMs: number;
  rssMb: number;
}

/** RSS of a process and its descendants, leaving out npm and shell wrappers (as an operator's `ps` would). */
async function treeRssMb(pid: number): Promise<number> {
  const children = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([p, pp, rss, comm]) => ({
      pid: Number(p),
      ppid: Number(pp),
      rssKb: Number(rss),
      comm: comm ?? '',
    }));
  let total = 0;
  const visit = (id: number) => {
    for (const process of children.filter((c) => c.ppid === id)) {
      if (!/^(npm|sh|bash|dash)/.test(process.comm)) total += process.rssKb;
      visit(process.pid);
    }
  };
  const self = children.find((c) => c.pid === pid);
  if (self && !/^(npm|sh|bash|dash)/.test(self.comm)) total += self.rssKb;
  visit(pid);
  return Math.round(total / 1024);
}

/** Signals the whole process group: npm does not always pass a signal on to the script it runs. */
async function stop(child: ChildProcess): Promise<void> {
  const running = () => child.exitCode === null && child.signalCode === null;
  if (!running()) return;
  const group = -(child.pid as number);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(group, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (running()) process.kill(group, 'SIGKILL');
  // The group outlives its leader for a moment while the server closes the data folder.
  for (let i = 0; i < 100 && groupAlive(group); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

function groupAlive(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a command, times GET /healthz, idles, reads RSS, stops it. */
async function measureStart(command: string[], env: NodeJS.ProcessEnv, port: number): Promise<Sample> {
  const started = performance.now();
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited:\n${output}`);
      if (performance.now() - started > 120_000) throw new Error(`${command.join(' ')} never answered`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return { readyMs, rssMb: await treeRssMb(child.pid as number) };
  } finally {
    await stop(child);
  }
}

function portico(dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'ROLE', 'NODE_ENV']) delete env[name];
  return measureStart(['npm', 'start', '--silent'], { ...env, PORTICO_DATA_DIR: dataDir, ...extra }, port);
}

function barePGlite(dataDir: string, port: number) {
  return measureStart([process.execPath, 'bench/bare-pglite.mjs', dataDir, String(port)], process.env, port);
}

export interface StartupResult {
  lines: string[];
  /** Medians, for the results file. */
  figures: Record<string, Sample>;
}

export async function startup(options: { quick: boolean }): Promise<StartupResult> {
  const repetitions = options.quick ? 1 : Number(process.env.BENCH_STARTUP_RUNS ?? 5);
  // Built once before measuring, so no run pays for a rebuild.
  execFileSync(process.execPath, ['src/launcher.mjs', 'build'], { cwd: root, stdio: 'inherit' });
  const runs: Record<string, Sample[]> = {
    first: [],
    later: [],
    bareAfterFirst: [],
    bareLater: [],
    postgres: [],
  };
  const port = await freePort();
  for (let i = 0; i < repetitions; i++) {
    const folder = await mkdtemp(path.join(tmpdir(), 'portico-bench-startup-'));
    try {
      runs.first?.push(await portico(folder, port));
      runs.bareAfterFirst?.push(await barePGlite(folder, port));
      runs.later?.push(await portico(folder, port));
      runs.bareLater?.push(await barePGlite(folder, port));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL;
  if (databaseUrl && redisUrl) {
    for (let i = 0; i < repetitions; i++) {
      runs.postgres?.push(await portico(tmpdir(), port, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }));
    }
  }
  const figures = Object.fromEntries(
    Object.entries(runs)
      .filter(([, samples]) => samples.length > 0)
      .map(([name, samples]) => [
        name,
        { readyMs: median(samples.map((s) => s.readyMs)), rssMb: median(samples.map((s) => s.rssMb)) },
      ]),
  ) as Record<string, Sample>;
  const row = (label: string, sample: Sample | undefined, peer?: Sample) =>
    sample
      ? `${label.padEnd(40)} ${Math.round(sample.readyMs).toString().padStart(6)} ms ${sample.rssMb.toString().padStart(6)} MB` +
        (peer
          ? `   ×${(sample.readyMs / peer.readyMs).toFixed(2)} time, ${sample.rssMb - peer.rssMb >= 0 ? '+' : ''}${sample.rssMb - peer.rssMb} MB`
          : '')
      : `${label.padEnd(40)} (not run: set BENCH_DATABASE_URL and BENCH_REDIS_URL)`;
  const lines = [
    `Start-up to GET /healthz and idle RSS after ${idleMs / 1000} s (npm start; medians of ${repetitions} alternating run${repetitions > 1 ? 's' : ''})`,
    `${''.padEnd(40)} ${'ready'.padStart(9)} ${'RSS'.padStart(9)}   against bare PGlite`,
    row('bare PGlite, folder after first start', figures.bareAfterFirst),
    row('Portico first start (empty folder, demo)', figures.first, figures.bareAfterFirst),
    row('bare PGlite, same folder again', figures.bareLater),
    row('Portico later start', figures.later, figures.bareLater),
    row('Portico on Postgres + Redis', figures.postgres),
  ];
  return { lines, figures };
}
