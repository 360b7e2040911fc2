import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/auth/secrets.js';
import { lockDataDir } from '../src/platform/data-dir.js';
import { type Database, openDatabase } from '../src/platform/database.js';
import { migrationNames } from '../src/platform/migrator.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';
import { databaseUrl } from './helpers/environment.js';
import { childEnv, root, runProcess, runTs } from './helpers/processes.js';

// The CLI runs as operators run it (a child process), against DATABASE_URL when the suite has one
// and against an embedded data folder otherwise.
describe('admin CLI', () => {
  let folder: string;
  let pgDatabase: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  // Through the launcher, from the build, as `npm run admin` runs it.
  const admin = (...args: string[]) =>
    runProcess(process.execPath, [path.join(root, 'src/launcher.mjs'), 'admin', ...args], env);
  const json = async (...args: string[]) => {
    const result = await admin(...args);
    expect(result.stderr, `admin ${args.join(' ')}`).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };
  /** Opens the same database the CLI used (only between CLI runs: the folder takes one process). */
  const inspect = async <T>(fn: (database: Database) => Promise<T>): Promise<T> => {
    if (pgDatabase) return fn(pgDatabase);
    const database = await openDatabase({ dataDir: path.join(folder, 'data') });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'portico-cli-'));
    pgDatabase = databaseUrl ? await isolatedDatabase() : undefined;
    env = childEnv({ PORTICO_DATA_DIR: path.join(folder, 'data'), DATABASE_URL: pgDatabase?.url });
  });
  afterAll(async () => {
    await pgDatabase?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('migrate applies the schema and reports what it applied', async () => {
    const result = await json('migrate');
    expect(Array.isArray(result.applied)).toBe(true);
    if (!pgDatabase) expect(result.applied).toEqual(migrationNames);
    expect(await json('migrate')).toEqual({ applied: [] });
  });

  let tenantId: string;
  let whiteLabelId: string;
  let clientId: string;

  it('tenant create prints {"id"}', async () => {
    const result = await json('tenant', 'create', '--name', 'Acme Wealth');
    expect(Object.keys(result)).toEqual(['id']);
    tenantId = result.id;
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tenant limits sets a tenant rate limit and prints it', async () => {
    expect(
      await json('tenant', 'limits', '--tenant', tenantId, '--per-minute', '600', '--burst', '50'),
    ).toEqual({
      tenant_id: tenantId,
      per_minute: 600,
      burst: 50,
    });
    const row = await inspect((d) =>
      d.db
        .selectFrom('tenants')
        .select(['rate_limit_per_minute', 'rate_limit_burst'])
        .where('id', '=', tenantId)
        .executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ rate_limit_per_minute: 600, rate_limit_burst: 50 });
  });

  it('white-label create prints {"id"}', async () => {
    const result = await json('white-label', 'create', '--tenant', tenantId, '--name', 'Acme Nordics');
    expect(Object.keys(result)).toEqual(['id']);
    whiteLabelId = result.id;
  });

  it('client create prints the id and the secret once, and stores only a hash', async () => {
    const result = await json(
      'client',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Partner',
      '--scopes',
      'positions:read cashflows:read',
    );
    expect(Object.keys(result).sort()).toEqual(['client_id', 'client_secret']);
    clientId = result.client_id;
    const scoped = await json(
      'client',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Nordic partner',
      '--scopes',
      'positions:read',
      '--white-label',
      whiteLabelId,
    );
    const rows = await inspect((d) =>
      d.db.selectFrom('oauth_clients').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    );
    expect(rows.map((r) => [r.client_id, r.white_label_id, r.scopes])).toEqual([
      [result.client_id, null, ['positions:read', 'cashflows:read']],
      [scoped.client_id, whiteLabelId, ['positions:read']],
    ]);
    expect(rows[0]?.secret_hash).toBe(hashSecret(result.client_secret));
    expect(JSON.stringify(rows)).not.toContain(result.client_secret);
  });

  it('client add-key registers a public P-256 JWK and prints its kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const file = path.join(folder, 'key.json');
    await writeFile(file, JSON.stringify(await exportJWK(publicKey)));
    const first = await json('client', 'add-key', '--client', clientId, '--jwk-file', file);
    expect(first.kid).toMatch(/^[A-Za-z0-9_-]{43}$/); // RFC 7638 thumbprint
    await writeFile(
      file,
      JSON.stringify({ ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'rotation-2' }),
    );
    expect(await json('client', 'add-key', '--client', clientId, '--jwk-file', file)).toEqual({
      kid: 'rotation-2',
    });

    const duplicate = await admin('client', 'add-key', '--client', clientId, '--jwk-file', file);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already has a key with kid rotation-2/);

    await writeFile(file, JSON.stringify(await exportJWK(privateKey)));
    const leaked = await admin('client', 'add-key', '--client', clientId, '--jwk-file', file);
    expect(leaked.code).toBe(1);
    expect(leaked.stderr).toMatch(/private key/);

    await writeFile(file, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' }));
    const rsa = await admin('client', 'add-key', '--client', clientId, '--jwk-file', file);
    expect(rsa.code).toBe(1);
    expect(rsa.stderr).toMatch(/P-256/);

    const unknown = await admin('client', 'add-key', '--client', 'pc_nope', '--jwk-file', file);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/client pc_nope was not found/);
  });

  it('apikey create prints {"id","key"} and stores only a hash', async () => {
    const result = await json(
      'apikey',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Reporting',
      '--scopes',
      'positions:read',
    );
    expect(Object.keys(result).sort()).toEqual(['id', 'key']);
    const [publicId, secret] = result.key.split('.');
    const row = await inspect((d) =>
      d.db.selectFrom('api_keys').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow(),
    );
    expect(row.public_id).toBe(publicId);
    expect(row.secret_hash).toBe(hashSecret(secret));
    expect(row.secret_hash).not.toContain(secret);
  });

  it('seed loads demo data into a tenant', async () => {
    const result = await json('seed', '--tenant', tenantId, '--size', 'small');
    expect(result).toMatchObject({ tenant_id: tenantId, size: 'small' });
    const positions = await inspect((d) =>
      d.db
        .selectFrom('positions')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow(),
    );
    expect(Number(positions.n)).toBe(result.rows.positions);
    expect(Number(positions.n)).toBeGreaterThan(0);
  });

  it('keys rotate makes a new signing key current and prints its kid', async () => {
    const before = await inspect((d) =>
      d.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute(),
    );
    const result = await json('keys', 'rotate');
    expect(Object.keys(result)).toEqual(['kid']);
    const after = await inspect((d) =>
      d.db.selectFrom('signing_keys').select(['kid', 'retired_at', 'encryption']).execute(),
    );
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((k) => k.retired_at === null).map((k) => k.kid)).toEqual([result.kid]);
    // The embedded default encrypts private keys with a key generated into the data folder.
    if (!pgDatabase) expect(after.every((k) => k.encryption === 'aes-256-gcm')).toBe(true);
  });

  it('client revoke and apikey revoke stop credentials', async () => {
    const client = await json(
      'client',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Leaving',
      '--scopes',
      'positions:read',
    );
    expect(await json('client', 'revoke', '--client', client.client_id)).toEqual({
      client_id: client.client_id,
      revoked: true,
    });
    const again = await admin('client', 'revoke', '--client', client.client_id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/was not found/);

    const key = await json(
      'apikey',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'Temp',
      '--scopes',
      'positions:read',
    );
    expect(await json('apikey', 'revoke', '--key', key.key.split('.')[0])).toEqual({
      id: key.id,
      revoked: true,
    });
    const rows = await inspect((d) =>
      d.db.selectFrom('api_keys').select('revoked_at').where('id', '=', key.id).executeTakeFirstOrThrow(),
    );
    expect(rows.revoked_at).toBeInstanceOf(Date);
  });

  it.each([
    [[], /Usage: npm run admin/],
    [['frobnicate'], /Unknown command: frobnicate/],
    [['tenant', 'create'], /Missing --name/],
    [['tenant', 'create', '--name', 'x', '--colour', 'red'], /Unknown option '--colour'/],
    [['client', 'create', '--tenant', 'x', '--name', 'y'], /Missing --scopes/],
  ])('prints usage and exits non-zero for %j', async (args, message) => {
    const result = await admin(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [
      [
        'client',
        'create',
        '--tenant',
        '00000000-0000-7000-8000-000000000000',
        '--name',
        'x',
        '--scopes',
        'positions:read',
      ],
      /tenant .* was not found/,
    ],
    [
      ['client', 'create', '--tenant', 'TENANT', '--name', 'x', '--scopes', 'positions:read everything:all'],
      /Unknown scope: everything:all/,
    ],
    [['seed', '--tenant', 'TENANT', '--size', 'huge'], /--size: must be small or large/],
    [
      [
        'apikey',
        'create',
        '--tenant',
        'TENANT',
        '--name',
        'x',
        '--scopes',
        'clients:read',
        '--daily-quota',
        'abc',
      ],
      /--daily-quota: must be a whole number of requests a day/,
    ],
    [
      [
        'client',
        'create',
        '--tenant',
        'TENANT',
        '--name',
        'x',
        '--scopes',
        'clients:read',
        '--daily-quota',
        '0',
      ],
      /--daily-quota: must be a whole number of requests a day/,
    ],
    [['white-label', 'create', '--tenant', 'not-a-uuid', '--name', 'x'], /tenant not-a-uuid was not found/],
    [['tenant', 'create', '--name', 'x'.repeat(201)], /name: must be 1-200 characters/],
    [
      ['white-label', 'create', '--tenant', 'TENANT', '--name', 'Acme Nordics'],
      /already has a white label named Acme Nordics/,
    ],
  ])('fails with a message for %j', async (args, message) => {
    const result = await admin(...args.map((a) => (a === 'TENANT' ? tenantId : a)));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('refuses an embedded folder while a server holds it', async () => {
    const dataDir = path.join(folder, 'held');
    const release = await lockDataDir(dataDir);
    try {
      const result = await runTs(
        'src/cli/admin.ts',
        ['tenant', 'create', '--name', 'Blocked'],
        childEnv({ PORTICO_DATA_DIR: dataDir }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/in use by a running Portico server/);
    } finally {
      await release();
    }
  });

  it('releases the lock before its holder record, and never removes a successor’s record', async () => {
    const dataDir = path.join(folder, 'released');
    const record = path.join(dataDir, 'portico.holder');
    const release = await lockDataDir(dataDir);
    expect(await readFile(record, 'utf8')).toBe(`${hostname()} ${process.pid}\n`);
    // A record that is no longer ours (a successor's, written once our lock was gone) stays.
    await writeFile(record, 'another-host 1\n');
    await release();
    expect(await readFile(record, 'utf8')).toBe('another-host 1\n');
    const again = await lockDataDir(dataDir);
    await again();
    await expect(readFile(record, 'utf8')).rejects.toThrow();
  });

  it('takes over the folder from a killed holder that no one has reaped yet (a zombie)', async () => {
    const dataDir = path.join(folder, 'zombie');
    const script = `const { lockDataDir } = await import(${JSON.stringify(path.join(root, 'src/platform/data-dir.ts'))});
      await lockDataDir(${JSON.stringify(dataDir)}); console.log(process.pid); setInterval(() => {}, 1000);`;
    // The holder's parent execs into sleep, which never collects its children: once killed, the
    // holder stays a zombie, as under an init that reaps lazily.
    const parent = spawn(
      'sh',
      ['-c', `"${process.execPath}" --import tsx --input-type=module -e '${script}' & exec sleep 60`],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const pid = Number(
        await new Promise<string>((resolve) => parent.stdout.once('data', (data) => resolve(String(data)))),
      );
      process.kill(pid, 'SIGKILL');
      const state = async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.[0];
      while ((await state()) !== 'Z') await new Promise((resolve) => setTimeout(resolve, 20));
      const release = await lockDataDir(dataDir);
      await release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('takes over the folder at once from a holder that was killed', async () => {
    const dataDir = path.join(folder, 'killed');
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { lockDataDir } = await import(${JSON.stringify(path.join(root, 'src/platform/data-dir.ts'))});
         await lockDataDir(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    // The lock is still there, fresh; its holder is gone, so it does not block.
    const taken = await runTs(
      'src/cli/admin.ts',
      ['tenant', 'create', '--name', 'After a crash'],
      childEnv({ PORTICO_DATA_DIR: dataDir }),
    );
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
  });
});
