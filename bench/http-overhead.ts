// Measures what the HTTP layer costs: Fastify against plain node:http on a JSON route, and Yoga
// mounted in Fastify against Yoga as a bare node:http listener, side by side in one run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

const root = path.resolve(import.meta.dirname, '..');
const durationS = Number(process.env.BENCH_DURATION ?? (process.argv.includes('--quick') ? 1 : 5));

async function start(kind: string): Promise<{ port: number; stop: () => void }> {
  // tsx as a loader in this very process, so killing the child kills the target (the tsx binary
  // would leave its own child running).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/http-targets.ts'), kind], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(Number(String(data).trim())));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  return { port, stop: () => child.kill('SIGKILL') };
}

async function measure(kind: string, request: { path: string; method?: 'GET' | 'POST'; body?: string }) {
  const target = await start(kind);
  try {
    const run = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${target.port}${request.path}`,
        method: request.method ?? 'GET',
        ...(request.body ? { body: request.body, headers: { 'content-type': 'application/json' } } : {}),
        connections: 32,
        duration,
      });
    await run(1); // warm-up: JIT and connection setup
    const result = await run(durationS);
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { kind, rps: result.requests.average, p99: result.latency.p99 };
  } finally {
    target.stop();
  }
}

export async function httpOverhead(): Promise<string[]> {
  const graphql = {
    path: '/graphql',
    method: 'POST' as const,
    body: JSON.stringify({ query: '{ version }' }),
  };
  const plain = await measure('plain', { path: '/healthz' });
  const fastify = await measure('fastify', { path: '/healthz' });
  const yogaPlain = await measure('yoga-plain', graphql);
  const yogaFastify = await measure('yoga-fastify', graphql);
  const line = (r: { kind: string; rps: number; p99: number }, base: { rps: number }) =>
    `${r.kind.padEnd(14)} ${Math.round(r.rps).toString().padStart(7)} req/s  p99 ${r.p99} ms  ratio ${(r.rps / base.rps).toFixed(2)}`;
  return [
    `HTTP layer overhead (${durationS} s per target, 32 connections, one process each)`,
    line(plain, plain),
    line(fastify, plain),
    line(yogaPlain, yogaPlain),
    line(yogaFastify, yogaPlain),
  ];
}
