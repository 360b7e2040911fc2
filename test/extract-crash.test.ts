import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { createApiKey } from '../src/auth/api-keys.service.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { type Database, openDatabase } from '../src/platform/database.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { redisUrl } from './helpers/environment.js';
import { childEnv, type Running, startCompiledServer } from './helpers/processes.js';
import type { Json } from './helpers/v1.js';

// A worker killed outright (SIGKILL) in the middle of an extract: the job stays claimed until its
// lease runs out, then the next worker takes it over, rewrites the file from the same snapshot and
// finishes it, with the watermark it had before the crash and every row in it exactly once.

/** Two starts of a real process, on a machine busy with the rest of the suite. */
const startsTwice = 180_000;

/** Slow enough to be killed mid-way: 10 rows per batch, a pause after each; a short lease. */
const jobEnv = { JOB_LEASE_SECONDS: '3', EXTRACT_BATCH_ROWS: '10', EXTRACT_BATCH_DELAY_MS: '100' };

async function prepare(database: Database) {
  const tenant = await createTenant(database.db, 'Crash tenant');
  await seedTenant(database.db, tenant.id, { size: 'small' });
  const key = await createApiKey(database.db, {
    tenantId: tenant.id,
    whiteLabelId: null,
    name: 'Crash key',
    scopes: ['positions:read', 'extracts:write', 'events:read'],
  });
  return key.key;
}

describe.each(engines)('an extract across a worker crash (%s)', (engine) => {
  const running: Running[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const r of running) r.child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function deployment(): Promise<{ env: NodeJS.ProcessEnv; apiKey: string }> {
    if (engine === 'pglite') {
      const folder = await mkdtemp(path.join(tmpdir(), 'portico-extract-crash-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const dataDir = path.join(folder, 'data');
      const template = new Blob([await readFile(inject('pgliteTemplate'))]);
      const database = await openDatabase({ dataDir, loadDataDir: template });
      try {
        return { apiKey: await prepare(database), env: childEnv({ PORTICO_DATA_DIR: dataDir, ...jobEnv }) };
      } finally {
        await database.close();
      }
    }
    const database = await isolatedDatabase('postgres');
    cleanups.push(() => database.close());
    return {
      apiKey: await prepare(database),
      env: childEnv({ DATABASE_URL: database.url, REDIS_URL: redisUrl, ...jobEnv }),
    };
  }

  const start = (env: NodeJS.ProcessEnv) => startCompiledServer(env, running);

  it(
    'is taken over after its lease and finishes with a correct file and the same watermark',
    async () => {
      const { env, apiKey } = await deployment();
      const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
      const first = await start(env);
      const created = await fetch(`${first.base}/v1/extracts`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ dataset: 'positions' }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      const status = async (base: string) =>
        (await (await fetch(`${base}/v1/extracts/${id}`, { headers })).json()) as Json;

      // Killed once a few batches are written, well before the last.
      let before: Json;
      for (;;) {
        before = await status(first.base);
        const progress = before.progress;
        if (before.status === 'running' && progress && progress.rows >= 20) break;
        expect(before.status).not.toBe('succeeded');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      first.server.child.kill('SIGKILL');
      await first.server.exited;

      const second = await start(env);
      let after: Json;
      for (;;) {
        after = await status(second.base);
        if (after.status === 'succeeded' || after.status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(after).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        event_sequence: before.event_sequence,
      });

      const file = await (await fetch(`${second.base}/v1/extracts/${id}/download`, { headers })).text();
      const [header, ...lines] = file.trimEnd().split('\n');
      expect(JSON.parse(header!).extract.event_sequence).toBe(before.event_sequence);
      const listed = (await (await fetch(`${second.base}/v1/positions?limit=1000`, { headers })).json()) as {
        data: unknown[];
      };
      expect(lines.map((line) => JSON.parse(line))).toEqual(listed.data);
      expect(after.row_count).toBe(listed.data.length);
      second.server.child.kill('SIGKILL');
      await second.server.exited;
    },
    startsTwice,
  );
});
