import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { type Database, openDatabase } from '../src/platform/database.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';
import { redisUrl } from './helpers/environment.js';
import { childEnv, type Running, startCompiledServer } from './helpers/processes.js';

// A Portico process killed outright (SIGKILL) while idempotent requests are in flight: every
// request's effect and its stored answer are both there or both absent, so a retry with the same
// key either replays the answer or makes the change once — never twice, never an answer for
// nothing.

/** Two starts of a real process, on a machine busy with the rest of the suite. */
const startsTwice = 180_000;

interface Deployment {
  env: NodeJS.ProcessEnv;
  apiKey: string;
  close(): Promise<void>;
}

async function embeddedDeployment(): Promise<Deployment> {
  const folder = await mkdtemp(path.join(tmpdir(), 'portico-crash-'));
  const dataDir = path.join(folder, 'data');
  // The data folder starts as a copy of the migrated template, with a tenant and its key in it.
  const template = new Blob([await readFile(inject('pgliteTemplate'))]);
  const database = await openDatabase({ dataDir, loadDataDir: template });
  try {
    return {
      ...(await credentials(database)),
      env: childEnv({ PORTICO_DATA_DIR: dataDir }),
      close: () => rm(folder, { recursive: true, force: true }),
    };
  } finally {
    await database.close();
  }
}

async function credentials(database: Database) {
  const tenant = await createTenant(database.db, 'Crash tenant');
  const key = await createApiKey(database.db, {
    tenantId: tenant.id,
    whiteLabelId: null,
    name: 'Crash key',
    scopes: ['clients:read', 'clients:write'],
  });
  return { apiKey: key.key };
}

async function postgresDeployment(database: TestDatabase): Promise<Deployment> {
  return {
    ...(await credentials(database)),
    env: childEnv({ DATABASE_URL: database.url, REDIS_URL: redisUrl }),
    close: async () => {},
  };
}

describe.each(engines)('idempotent requests across a crash (%s)', (engine) => {
  const running: Running[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function deployment(): Promise<Deployment & { database?: TestDatabase }> {
    if (engine === 'pglite') {
      const embedded = await embeddedDeployment();
      cleanups.push(embedded.close);
      return embedded;
    }
    const database = await isolatedDatabase('postgres');
    cleanups.push(() => database.close());
    return { ...(await postgresDeployment(database)), database };
  }

  const start = (env: NodeJS.ProcessEnv) => startCompiledServer(env, running);

  const post = (base: string, apiKey: string, key: string, name: string) =>
    fetch(`${base}/v1/clients`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ name }),
    });

  async function killed(server: Running) {
    server.child.kill('SIGKILL');
    await server.exited;
  }

  /** After the restart: each request retried once, and each name's client there exactly once. */
  async function expectOnceEach(base: string, apiKey: string, requests: { key: string; name: string }[]) {
    let replayed = 0;
    for (const { key, name } of requests) {
      const retry = await post(base, apiKey, key, name);
      expect(retry.status).toBe(201);
      if (retry.headers.get('idempotent-replayed') === 'true') replayed++;
      const { id } = await retry.json();
      const stored = await fetch(`${base}/v1/clients/${id}`, { headers: { 'x-api-key': apiKey } });
      expect(stored.status, `the replayed answer's client ${name} exists`).toBe(200);
    }
    const listed = await (
      await fetch(`${base}/v1/clients?limit=1000`, { headers: { 'x-api-key': apiKey } })
    ).json();
    const names = (listed.data as { name: string }[]).map((client) => client.name).sort();
    expect(names).toEqual(requests.map((request) => request.name).sort());
    return replayed;
  }

  it(
    'keeps effect and answer together when the process is killed with requests in flight',
    async () => {
      const { env, apiKey } = await deployment();
      const first = await start(env);
      const requests = Array.from({ length: 24 }, (_, i) => ({ key: randomUUID(), name: `Crash ${i}` }));
      const sent = requests.map(({ key, name }) =>
        post(first.base, apiKey, key, name).catch(() => undefined),
      );
      // Killed as soon as one has answered: the others are queued, running or committing.
      await Promise.race(sent);
      await killed(first.server);
      const answered = (await Promise.all(sent)).filter((response) => response?.status === 201).length;
      expect(answered).toBeGreaterThanOrEqual(1);

      const second = await start(env);
      const replayed = await expectOnceEach(second.base, apiKey, requests);
      expect(replayed).toBeGreaterThanOrEqual(answered);
      await killed(second.server);
    },
    startsTwice,
  );

  it.skipIf(engine !== 'postgres')(
    'rolls the effect back with the answer when killed between them',
    async () => {
      const { env, apiKey, database } = await deployment();
      if (!database?.url) throw new Error('needs Postgres');
      const first = await start(env);
      const tenantId = (
        await database.db
          .selectFrom('tenants')
          .select('id')
          .where('name', '=', 'Crash tenant')
          .executeTakeFirstOrThrow()
      ).id;
      const key = randomUUID();
      // An uncommitted record under the same key makes the server's own insert of its answer wait:
      // its effect is written in the same transaction, and not committed, when the process dies.
      const blocker = new pg.Client({ connectionString: database.url });
      await blocker.connect();
      await blocker.query('begin');
      await blocker.query(
        `insert into idempotency_keys (tenant_id, credential_id, key, method, path, request_hash, response_status,
           response_headers, response_body, response_encryption, expires_at)
         values ($1, 'test', $2, 'POST', '/', 'x', 200, '{}', '', 'none', now() + interval '1 hour')`,
        [tenantId, key],
      );
      const request = post(first.base, apiKey, key, 'Between').catch(() => undefined);
      for (let waited = 0; ; waited += 50) {
        const { rows } = await blocker.query(
          `select 1 from pg_stat_activity where application_name = 'portico' and wait_event_type = 'Lock'`,
        );
        if (rows.length > 0) break;
        if (waited > 20_000) throw new Error('the request never reached its answer');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await killed(first.server);
      expect(await request).toBeUndefined();
      await blocker.query('rollback');
      await blocker.end();
      const clients = await database.db
        .selectFrom('clients')
        .select('id')
        .where('name', '=', 'Between')
        .execute();
      expect(clients).toEqual([]);

      const second = await start(env);
      const replayed = await expectOnceEach(second.base, apiKey, [{ key, name: 'Between' }]);
      expect(replayed).toBe(0);
      await killed(second.server);
    },
    startsTwice,
  );
});
