// The data set the Postgres read benchmarks share (bench/graphql.ts, bench/rest.ts): its own database
// beside BENCH_DATABASE_URL, `<database>_graphql_<size>` (the name it had when graphql.ts was the only
// user, kept so a loaded data set is reused), migrated and seeded on first use and reused afterwards;
// and the OAuth client a run calls Portico with.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { plannedCounts, type SeedSize } from '../db/seed/sizes.js';
import { root, run } from './servers.js';

export interface Dataset {
  databaseUrl: string;
  database: string;
  tenantId: string;
  size: SeedSize;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function admin(args: string[], databaseUrl: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  for (const name of ['REDIS_URL', 'PORTICO_DATA_DIR', 'ROLE']) delete env[name];
  try {
    const { stdout } = await run(process.execPath, ['src/launcher.mjs', 'admin', ...args], {
      cwd: root,
      env,
      maxBuffer: 16 * 2 ** 20,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`npm run admin -- ${args.join(' ')} failed: ${failed.stderr || failed.message}`);
  }
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The benchmarks' own database, loaded once: a tenant named after the size marks a data set, and it
 * counts only if its positions and cashflows are all there (a load cut short is dropped and redone).
 */
export async function ensureDataset(
  baseUrl: string,
  size: SeedSize,
  say: (line: string) => void,
): Promise<Dataset> {
  const url = new URL(baseUrl);
  const database = `${url.pathname.slice(1) || 'postgres'}_graphql_${size}`;
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const tenantName = `graphql-bench-${size}`;
  const planned = plannedCounts(size);

  const existing = await withClient(baseUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    return (found.rowCount ?? 0) > 0;
  });
  if (existing) {
    await admin(['migrate'], databaseUrl);
    const tenantId = await withClient(databaseUrl, async (client) => {
      const tenant = await client.query<{ id: string }>('select id from tenants where name = $1', [
        tenantName,
      ]);
      const id = tenant.rows[0]?.id;
      if (!id) return undefined;
      const counts = await client.query<{ positions: string; cashflows: string }>(
        `select (select count(*) from positions where tenant_id = $1) as positions,
                (select count(*) from cashflows where tenant_id = $1) as cashflows`,
        [id],
      );
      const row = counts.rows[0];
      return Number(row?.positions) === planned.positions && Number(row?.cashflows) === planned.cashflows
        ? id
        : undefined;
    });
    if (tenantId) return { databaseUrl, database, tenantId, size };
    say(`${database} holds no complete ${size} data set; dropping it and loading again`);
    await withClient(baseUrl, (client) => client.query(`drop database ${quoteIdent(database)} with (force)`));
  }

  await withClient(baseUrl, (client) => client.query(`create database ${quoteIdent(database)}`));
  await admin(['migrate'], databaseUrl);
  const { id: tenantId } = JSON.parse(await admin(['tenant', 'create', '--name', tenantName], databaseUrl));
  if (size === 'large') say(`loading the large data set into ${database} (once, about 2 minutes)`);
  await admin(['seed', '--tenant', tenantId, '--size', size], databaseUrl);
  // Planner statistics and the visibility map, as a database that has been running a while has them.
  await withClient(databaseUrl, (client) => client.query('vacuum analyze'));
  return { databaseUrl, database, tenantId, size };
}

export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

/** A fresh OAuth client of the data set's tenant, for one run. */
export async function createOAuthClient(
  dataset: Dataset,
  benchmark: string,
  scopes: string,
): Promise<ClientCredentials> {
  const name = `bench-${benchmark}-${randomUUID().slice(0, 8)}`;
  return JSON.parse(
    await admin(
      ['client', 'create', '--tenant', dataset.tenantId, '--name', name, '--scopes', scopes],
      dataset.databaseUrl,
    ),
  ) as ClientCredentials;
}

/** A client_credentials access token from a running Portico. */
export async function accessToken(port: number, credentials: ClientCredentials): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...credentials }),
  });
  if (!response.ok) throw new Error(`token endpoint: HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
