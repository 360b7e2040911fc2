import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readScopes } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, apiKeyFor, bearer, type TestTenant, tenantWithClient } from './helpers/credentials.js';
import { freePort } from './helpers/processes.js';

// A Redis of this file's own, stopped and started under a running instance: limits fail open to
// the instance's own buckets (still limited), say so on /readyz and /metrics, and go back to Redis
// once it answers again.

/** Starts redis-server on `port` and resolves once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    server.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return server;
}

async function stopRedis(server: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

describe('rate limits while Redis is stopped and started', () => {
  let app: TestApp;
  let redis: ChildProcess;
  let port: number;
  let key: string;
  let client: TestTenant['client'];

  const positions = () => fetch(`${app.url}/v1/positions`, { headers: { 'x-api-key': key } });
  const readiness = async () => (await fetch(`${app.url}/readyz`)).json();
  const degradedGauge = async () =>
    /^portico_rate_limit_degraded (\d)$/m.exec(await (await fetch(`${app.url}/metrics`)).text())?.[1];

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    // A burst of 3 that takes an hour to refill: each answer below is counted exactly.
    app = await startTestApp({
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '1' },
    });
    const tenant = await tenantWithClient(app, readScopes, { name: 'Outage' });
    client = tenant.client;
    key = (await apiKeyFor(app, tenant.tenantId, [...readScopes])).key;
  });
  afterAll(async () => {
    await app?.close();
    if (redis && redis.exitCode === null) await stopRedis(redis);
  });

  it('fails open to a per-instance bucket, reports it, and returns to Redis', async () => {
    expect((await positions()).status).toBe(200);
    expect((await readiness()).checks).toMatchObject({
      redis: { status: 'ok' },
      ratelimit: { status: 'ok' },
    });
    expect(await degradedGauge()).toBe('0');

    await stopRedis(redis);
    // Still answering, from this instance's own bucket: limited, not unlimited.
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await positions()).status);
    expect(during).toEqual([200, 200, 200, 429]);
    const down = await readiness();
    expect(down.status).toBe('not ready');
    expect(down.checks.redis.status).not.toBe('ok');
    expect(down.checks.ratelimit).toEqual({ status: 'degraded' });
    expect(await degradedGauge()).toBe('1');
    // Credentials still work: revocation is read from the database, the token endpoint's throttles
    // count per instance.
    const token = await accessToken(app, client);
    const graphql = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
    });
    expect(graphql.status).toBe(429);

    redis = await startRedis(port);
    // Redis is tried again a few seconds after the failure; its bucket (one token left) takes over.
    await vi.waitFor(
      async () => {
        const answer = await positions();
        expect(answer.headers.get('ratelimit')).toMatch(/r=\d+/);
        expect((await readiness()).checks.ratelimit).toEqual({ status: 'ok' });
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(await degradedGauge()).toBe('0');
    expect((await readiness()).checks.redis).toEqual({ engine: 'redis', status: 'ok' });
  }, 60_000);
});
