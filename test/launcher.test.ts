import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createOAuthClient } from '../src/auth/oauth-clients.service.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';
import { databaseUrl, redisUrl } from './helpers/environment.js';
import {
  childEnv,
  type Finished,
  freePort,
  type Running,
  root,
  runProcess,
  startCompiled,
  waitForHttp,
} from './helpers/processes.js';

// `npm start` and `npm run admin` run the compiled build through src/launcher.mjs. These tests work on
// a copy of the project (sources, lock file, and the real node_modules linked in), so they can edit
// sources and take the compiler away without touching the working tree.
describe('compiled start', () => {
  let project: string;
  let dataDir: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'portico-launcher-'));
    for (const entry of ['src', 'db', 'package.json', 'package-lock.json', 'tsconfig.json'])
      await cp(path.join(root, entry), path.join(project, entry), { recursive: true });
    await symlink(path.join(root, 'node_modules'), path.join(project, 'node_modules'));
    dataDir = path.join(project, '.portico');
  });
  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  const launcher = (args: string[]): Promise<Finished> =>
    runProcess(
      process.execPath,
      [path.join(project, 'src/launcher.mjs'), ...args],
      childEnv({ PORTICO_DATA_DIR: dataDir }),
      project,
    );

  const editSource = async (file: string, from: string, to: string) => {
    const full = path.join(project, file);
    const text = await readFile(full, 'utf8');
    expect(text).toContain(from);
    await writeFile(full, text.replace(from, to));
  };

  it('builds, serves from the build, and rebuilds when a source changes', async () => {
    const built = await launcher(['build']);
    expect(built).toMatchObject({ code: 0, stderr: '' });
    const stamp = JSON.parse(await readFile(path.join(project, 'dist/build.json'), 'utf8'));
    expect(stamp.inputs).toContain('src/main.ts');
    expect(stamp.inputs.some((input: string) => input.includes('node_modules'))).toBe(false);

    const port = await freePort();
    const server = startCompiled(childEnv({ PORT: String(port), PORTICO_DATA_DIR: dataDir }), project);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server);
    expect(server.output()).toContain('Portico is running');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // An edited source is never served stale: the next run rebuilds first.
    await editSource('src/cli/commands.ts', 'Usage: npm run admin', 'Usage (edited): npm run admin');
    const help = await launcher(['admin', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage (edited): npm run admin');

    // The compiled CLI works end to end, arguments passed through.
    const tenant = await launcher(['admin', 'tenant', 'create', '--name', 'Launcher Test']);
    expect(tenant).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(tenant.stdout)).toEqual({ id: expect.any(String) });
  });

  it('refuses to run a stale build when the compiler is absent, and says what to run', async () => {
    // A production install: every dependency but the compiler.
    await rm(path.join(project, 'node_modules'));
    await mkdir(path.join(project, 'node_modules'));
    for (const name of await readdir(path.join(root, 'node_modules'))) {
      if (name === 'esbuild' || name === '.bin') continue;
      await symlink(path.join(root, 'node_modules', name), path.join(project, 'node_modules', name));
    }
    // Without a compiler, the install-time build steps aside quietly.
    expect(await launcher(['build', '--if-possible'])).toEqual({ code: 0, stdout: '', stderr: '' });

    // A fresh build still runs...
    const fresh = await launcher(['admin', '--help']);
    expect(fresh.code).toBe(0);

    // ...a stale one does not.
    await editSource('src/cli/commands.ts', 'Usage (edited)', 'Usage (edited twice)');
    const stale = await launcher(['admin', '--help']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('npm run build');
  });
});

// The bundle loads the Postgres driver and the Redis client lazily, in chunks of their own: this runs
// the compiled server on both, through every kind of surface, so a bundling mistake cannot hide.
describe.runIf(databaseUrl && redisUrl)('compiled start on Postgres and Redis', () => {
  let database: TestDatabase;
  let server: Running | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await database?.close();
  });

  it('serves every surface from the build', async () => {
    database = await isolatedDatabase('postgres');
    const tenant = await createTenant(database.db, 'Compiled');
    const client = await createOAuthClient(database.db, {
      tenantId: tenant.id,
      name: 'Compiled',
      scopes: ['keys:manage', 'positions:read'],
      whiteLabelId: null,
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = startCompiled(
      childEnv({ PORT: String(port), DATABASE_URL: database.url, REDIS_URL: redisUrl, CORS_ORIGINS: '*' }),
    );
    await waitForHttp(`${base}/healthz`, server);
    expect((await (await fetch(`${base}/readyz`)).json()).checks).toEqual({
      database: { engine: 'postgres', status: 'ok' },
      redis: { engine: 'redis', status: 'ok' },
      ratelimit: { status: 'ok' },
    });

    const token = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }),
    }).then((r) => r.json());
    const authorization = `Bearer ${token.access_token}`;

    const graphql = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', origin: 'https://app.example.com' },
      body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
    });
    expect(graphql.headers.get('access-control-allow-origin')).toBe('*');
    expect(await graphql.json()).toEqual({
      data: { viewer: { tenantId: tenant.id } },
      extensions: { rateLimit: expect.any(Object) },
    });

    const ws = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
    });
    try {
      const result = await new Promise((resolve, reject) => {
        ws.subscribe(
          { query: '{ viewer { tenantId } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect(result).toEqual({
        data: { viewer: { tenantId: tenant.id } },
        extensions: { rateLimit: expect.any(Object) },
      });
    } finally {
      await ws.dispose();
    }

    const created = await fetch(`${base}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from the build', scopes: ['positions:read'] }),
    });
    expect(created.status).toBe(201);
    const v2 = await fetch(`${base}/api/v2/nothing-here`, { headers: { authorization } });
    expect(v2.status).toBe(404);
    expect(v2.headers.get('content-type')).toBe('application/vnd.api+json');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
