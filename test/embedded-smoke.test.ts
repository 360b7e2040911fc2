import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/database.js';
import {
  childEnv,
  freePort,
  type Running,
  startCompiled,
  startTs,
  waitForHttp,
} from './helpers/processes.js';
import { slowPost } from './helpers/slow-post.js';

/** What a console must never show: Node's and Fastify's deprecation and experimental warnings. */
const warning = /Warning\b|\[FSTDEP\d+\]|\[DEP\d+\]|\(node:\d+\)/;

const ways = {
  // What `npm start` runs: the launcher and the compiled build.
  compiled: (env: NodeJS.ProcessEnv) => startCompiled(env),
  // The sources, as the rest of the suite runs them.
  sources: (env: NodeJS.ProcessEnv) => startTs('src/main.ts', env),
};

// Always runs, in CI too: the newcomer's path. `npm start` with no DATABASE_URL or REDIS_URL on an
// empty data folder, then a restart that must find everything where it was left.
describe.each(Object.keys(ways) as (keyof typeof ways)[])('embedded default, end to end (%s)', (way) => {
  const start = ways[way];
  const folders: string[] = [];
  const running: Running[] = [];
  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    for (const f of folders) await rm(f, { recursive: true, force: true });
  });

  it('starts from an empty data folder, restarts, and keeps its data', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'portico-smoke-'));
    folders.push(folder);
    const dataDir = path.join(folder, 'data');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = childEnv({ PORT: String(port), PORTICO_DATA_DIR: dataDir });

    // First start: creates the folder, migrates, seeds, prints URLs and the sandbox secret once.
    const first = start(env);
    running.push(first);
    await waitForHttp(`${base}/healthz`, first);
    const banner = first.output();
    for (const url of ['/graphql', '/v1', '/api/v2', '/api/v3', '/docs', '/portal'])
      expect(banner).toContain(`${base}${url}`);
    const sandbox = JSON.parse(await readFile(path.join(dataDir, 'sandbox.json'), 'utf8'));
    expect(banner).toContain(sandbox.client_id);
    expect(banner).toContain(sandbox.client_secret);
    expect(sandbox.scopes).toContain('positions:read');
    expect((await stat(path.join(dataDir, 'sandbox.json'))).mode & 0o777).toBe(0o600);
    const ready = await (await fetch(`${base}/readyz`)).json();
    expect(ready.checks).toEqual({
      database: { engine: 'pglite', status: 'ok' },
      redis: { engine: 'memory', status: 'ok' },
      ratelimit: { status: 'ok' },
    });

    // The printed credentials work: a token from the sandbox client reads GraphQL.
    const token = await (
      await fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: sandbox.client_id,
          client_secret: sandbox.client_secret,
        }),
      })
    ).json();
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(token.scope.split(' ')).toEqual(sandbox.scopes);

    // SIGTERM with a request in flight: it completes, then the process exits cleanly.
    const inFlight = slowPost(`${base}/graphql`, JSON.stringify({ query: '{ version }' }), {
      authorization: `Bearer ${token.access_token}`,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    inFlight.finish();
    expect((await inFlight.response).status).toBe(200);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('shutdown complete');

    // Second start: same folder, nothing recreated, the secret not printed again.
    const second = start(env);
    running.push(second);
    await waitForHttp(`${base}/healthz`, second);
    expect(second.output()).toContain(sandbox.client_id);
    expect(second.output()).not.toContain(sandbox.client_secret);
    expect(JSON.parse(await readFile(path.join(dataDir, 'sandbox.json'), 'utf8'))).toEqual(sandbox);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // A quiet console: the banner and JSON log lines, nothing else.
    for (const output of [first.output(), second.output()]) expect(output).not.toMatch(warning);

    const database = await openDatabase({ dataDir });
    try {
      const tenants = await database.db.selectFrom('tenants').select(['id']).execute();
      expect(tenants).toEqual([{ id: sandbox.tenant_id }]);
      const positions = await database.db
        .selectFrom('positions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(positions.n)).toBeGreaterThan(0);
      const clients = await database.db.selectFrom('oauth_clients').select('client_id').execute();
      expect(clients).toEqual([{ client_id: sandbox.client_id }]);
    } finally {
      await database.close();
    }
  });
});
