import type { PGlite } from '@electric-sql/pglite';
import { Mutex } from 'async-mutex';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely over PGlite. PGlite is a single Postgres session, so a transaction holds the only
 * connection: every query and transaction takes one lease at a time, in arrival order, and two
 * transactions can never interleave their statements.
 */
export class PGliteDialect implements Dialect {
  readonly #driver: PGliteDriver;
  constructor(pglite: PGlite, lock = new Mutex()) {
    this.#driver = new PGliteDriver(pglite, lock);
  }

  /**
   * The same session and the same one-at-a-time lease, through a connection object of its own:
   * Kysely adds its logging to the connection object it is given, so a second Kysely (background
   * work) over this dialect's own connection would be counted as the first one's statements.
   */
  sibling(): PGliteDialect {
    return new PGliteDialect(this.#driver.pglite, this.#driver.lock);
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return this.#driver;
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  /** Leases waiting for the single connection (for pool gauges). */
  get waiting(): number {
    return this.#driver.waiting;
  }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  #release: (() => void) | undefined;
  #waiting = 0;

  constructor(
    readonly pglite: PGlite,
    readonly lock: Mutex,
  ) {
    this.#connection = new PGliteConnection(pglite);
  }

  get waiting(): number {
    return this.#waiting;
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#waiting++;
    try {
      this.#release = await this.lock.acquire();
    } finally {
      this.#waiting--;
    }
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.lock.waitForUnlock();
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Like node-postgres, a statement without parameters goes through the simple protocol, which
    // also accepts several statements (migrations rely on that); the last result is returned.
    const result =
      compiled.parameters.length === 0
        ? (await this.pglite.exec(compiled.sql, { rowMode: 'object' })).at(-1)
        : await this.pglite.query<R>(compiled.sql, [...compiled.parameters], { rowMode: 'object' });
    const affected = result?.affectedRows;
    return {
      rows: (result?.rows ?? []) as R[],
      ...(affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite; fail loudly.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on the embedded database');
  }
}
