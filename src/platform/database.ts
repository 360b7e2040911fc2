import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { DB } from '../../db/types.js';
import type { PoolStats } from './metrics.js';
import { PostgresListeners } from './postgres-listeners.js';
import { withPreparedStatements } from './prepared-statements.js';
import { type RequestTransaction, RequestTransactionDialect } from './request-transaction.js';
import { textParsedTypes } from './type-parsers.js';

export type Engine = 'postgres' | 'pglite';

/** The one way into the database: Kysely on either engine, with the same values and counters. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: Engine;
  ping(): Promise<void>;
  stats(): PoolStats;
  /** SQL statements sent since the database was opened (tests assert per-request counts on it). */
  statements(): number;
  /**
   * The same database for background work (the event dispatcher, delivery and job workers): the
   * same pool or PGlite session, but not counted by `statements`, so a request's count is its own.
   */
  readonly background: Kysely<DB>;
  /**
   * Calls `onNotify` with each payload NOTIFYed on `channel` (delivered at commit). A hint only: a
   * notification sent while the listener reconnects is lost, so listeners also poll.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** A transaction that takes over every statement `db` runs inside its `run` (request-transaction.ts). */
  beginRequestTransaction(): Promise<RequestTransaction>;
  /** Runs `task` once the caller's writes are committed (request-transaction.ts). */
  afterCommit(task: () => unknown): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres URL; when absent the embedded engine runs in `dataDir` (or in memory if null). */
  url?: string | undefined;
  dataDir?: string | null;
  /** A PGlite data-directory tarball to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  poolSize?: number;
  onError?: (error: Error) => void;
}

/** Each engine's driver is loaded only when that engine is used: start-up pays for one, not both. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPGlite(options);
}

/** Kysely's log hook sees every statement it sends, failed ones included. */
function statementCounter() {
  let count = 0;
  return {
    log: () => {
      count++;
    },
    statements: () => count,
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'portico',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        textParsedTypes[oid] ??
        pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.onError?.(error));
  const counter = statementCounter();
  const dialect = new PostgresDialect({ pool: withPreparedStatements(pool) });
  const requests = new RequestTransactionDialect(dialect);
  const db = new Kysely<DB>({ dialect: requests, log: counter.log });
  const listeners = new PostgresListeners(url, (error) => options.onError?.(error), pg.Client);
  return {
    db,
    engine: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    statements: counter.statements,
    // Shares the pool; closed with it (destroying it too would end the pool twice).
    background: new Kysely<DB>({ dialect }),
    listen: (channel, onNotify) => listeners.listen(channel, onNotify),
    beginRequestTransaction: () => requests.begin(),
    afterCommit: (task) => requests.afterCommit(task),
    close: async () => {
      await listeners.close();
      await db.destroy();
    },
  };
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  const dataDir = options.dataDir ? path.join(options.dataDir, 'pgdata') : undefined;
  if (dataDir) await mkdir(path.dirname(dataDir), { recursive: true });
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('./pglite-dialect.js'),
  ]);
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: textParsedTypes,
  });
  const dialect = new PGliteDialect(pglite);
  const requests = new RequestTransactionDialect(dialect);
  const counter = statementCounter();
  const db = new Kysely<DB>({ dialect: requests, log: counter.log });
  return {
    db,
    engine: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    stats: () => ({ total: 1, idle: dialect.waiting === 0 ? 1 : 0, waiting: dialect.waiting }),
    statements: counter.statements,
    // The same session and lease, through a connection object of its own (see `sibling`).
    background: new Kysely<DB>({ dialect: dialect.sibling() }),
    listen: async (channel, onNotify) => {
      const unlisten = await pglite.listen(channel, onNotify);
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    },
    beginRequestTransaction: () => requests.begin(),
    afterCommit: (task) => requests.afterCommit(task),
    close: () => db.destroy(),
  };
}
