import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** The environment a child Portico sees: this process's, minus anything that would pick an engine. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'HOST', 'PUBLIC_URL', 'PORTICO_DATA_DIR', 'ROLE'])
    delete env[name];
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point (as npm start / npm run admin do) to completion. */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return runProcess(tsx, [path.join(root, entry), ...args], env);
}

/** Runs a command to completion, collecting what it prints. */
export function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = root,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a long-running TypeScript entry point (the server). */
export function startTs(entry: string, env: NodeJS.ProcessEnv): Running {
  return startProcess(tsx, [path.join(root, entry)], env);
}

/** Starts the compiled server as `npm start` does: through the launcher, from dist/. */
export function startCompiled(env: NodeJS.ProcessEnv, projectRoot = root): Running {
  return startProcess(
    process.execPath,
    [path.join(projectRoot, 'src/launcher.mjs'), 'main'],
    env,
    projectRoot,
  );
}

/** The compiled server on a free loopback port, once /healthz answers; `running` keeps it for cleanup. */
export async function startCompiledServer(
  env: NodeJS.ProcessEnv,
  running: Running[],
): Promise<{ server: Running; base: string }> {
  const port = await freePort();
  const server = startCompiled({ ...env, PORT: String(port), HOST: '127.0.0.1' });
  running.push(server);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, server);
  return { server, base };
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `url` answers 200 or the process exits. */
export async function waitForHttp(url: string, running: Running, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered:\n${running.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${running.output()}`);
}
