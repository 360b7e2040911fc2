// The servers a Postgres benchmark puts under load (bench/graphql.ts, bench/rest.ts): each in its own
// process, pinned to the server core when taskset is there, its CPU time read from /proc; Portico
// compiled and started as `npm start` starts it. The load generator runs in the benchmark process,
// moved to the other core for the timed phase (onLoadCore).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type StatementProxy, startStatementProxy } from './statement-proxy.js';

export const root = path.resolve(import.meta.dirname, '..');
export const run = promisify(execFile);
export const serverCore = '0';
export const loadCore = '1';

export interface Server {
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

export const pinning = process.platform === 'linux' && os.cpus().length >= 2 && commandExists('taskset');

/** Where servers and load run, for a benchmark's output. */
export const placement = pinning
  ? `server on core ${serverCore}, load on core ${loadCore}`
  : 'unpinned (no taskset)';

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
export async function startServer(
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

/** Servers that print their port as their first line (PostGraphile, bare Yoga, bare REST). */
export const printedPort = (child: ChildProcess) =>
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

/** A plain-JavaScript peer in bench/ (compiled code, as Portico runs) that prints its port. */
export function startBareServer(name: string, script: string, env: NodeJS.ProcessEnv): Promise<Server> {
  return startServer(name, [process.execPath, script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: '0', NODE_ENV: 'production' },
    ready: printedPort,
  });
}

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

/** Portico runs compiled, as `npm start` runs it: build dist/ from the sources as they are. */
export async function buildPortico(benchmark: string): Promise<void> {
  await run(process.execPath, ['src/launcher.mjs', 'build'], { cwd: root }).catch((error) => {
    throw new Error(
      `${benchmark}: building Portico failed:\n${String(error.stderr || error.message).slice(0, 2000)}`,
    );
  });
}

/** Compiled Portico on Postgres (and Redis), serving only; with a profile folder, under --cpu-prof. */
export function startPortico(
  databaseUrl: string,
  redisUrl: string | undefined,
  profile?: { dir: string | undefined; name: string },
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
    const flags = profile?.dir
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

/** The folder a knob names for Portico's CPU profiles (created), or undefined when it is unset. */
export async function profileFolder(variable: string): Promise<string | undefined> {
  const value = process.env[variable];
  if (!value) return undefined;
  const folder = path.resolve(value);
  await mkdir(folder, { recursive: true });
  return folder;
}

/** Lines saying which knobs a run had set, for its output. */
export function knobLines(profileDir: string | undefined): string[] {
  return [
    ...(process.env.BENCH_PORTICO_NODE_FLAGS
      ? [`(Portico ran with BENCH_PORTICO_NODE_FLAGS=${process.env.BENCH_PORTICO_NODE_FLAGS})`]
      : []),
    ...(profileDir
      ? [`(Portico ran with --cpu-prof into ${profileDir}: its figures carry the profiler's cost)`]
      : []),
  ];
}

/** Runs `work` with this process (all its threads: autocannon works on the main one) on the load core. */
export async function onLoadCore<T>(work: () => Promise<T>): Promise<T> {
  const previous = pinning ? await affinity() : undefined;
  try {
    if (pinning) await setAffinity(loadCore);
    return await work();
  } finally {
    if (previous) await setAffinity(previous);
  }
}

async function setAffinity(cpus: string): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cpus, String(process.pid)]);
}

async function affinity(): Promise<string> {
  const { stdout } = await run('taskset', ['-c', '-p', String(process.pid)]);
  return stdout.split(':').at(-1)?.trim() ?? '0-1';
}

/** Runs a server behind the statement proxy for the count, then stops both. */
export async function throughProxy<T>(
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
