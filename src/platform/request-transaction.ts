import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';

/**
 * One transaction around everything a request does: the statements of the work it runs (reads,
 * writes, and the transactions those open, which become savepoints) and whatever the caller adds
 * before committing. An idempotent request stores its answer this way, in the transaction of the
 * effect it answers for, so a crash leaves both or neither.
 */
export interface RequestTransaction {
  /** Runs `work` with every statement of the database's Kysely in this async context on this transaction. */
  run<T>(work: () => Promise<T>): Promise<T>;
  commit(): Promise<void>;
  /** Undoes everything; a no-op once the transaction has ended. */
  rollback(): Promise<void>;
}

interface Scope {
  connection: DatabaseConnection;
  open: boolean;
  /** Savepoints standing in for the transactions opened inside, innermost last. */
  savepoints: string[];
  next: number;
  /** Transactions inside one request take turns: their savepoints must nest. */
  turns: Mutex;
  releaseTurn?: () => void;
  /** Run once the transaction commits; dropped if it rolls back. */
  afterCommit: (() => unknown)[];
}

/**
 * Wraps a dialect so that a request transaction can take over its connections: inside `run`, the
 * driver hands out the transaction's connection, and a transaction begun on it is a savepoint.
 * Outside, and after the transaction ends, it is the dialect it wraps.
 */
export class RequestTransactionDialect implements Dialect {
  readonly #scopes = new AsyncLocalStorage<Scope>();
  readonly #inner: Dialect;
  #driver: ScopedDriver | undefined;

  constructor(inner: Dialect) {
    this.#inner = inner;
  }

  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
  createDriver(): Driver {
    const driver = new ScopedDriver(this.#inner.createDriver(), this.#scopes);
    this.#driver = driver;
    return driver;
  }

  /**
   * Runs `task` once what this async context wrote is committed: at once outside a request
   * transaction, after its commit inside one, never if it rolls back. For announcements (a wake-up,
   * a cache eviction) that other instances must not act on before the change is visible.
   */
  afterCommit(task: () => unknown): void {
    const scope = this.#scopes.getStore();
    if (scope?.open) scope.afterCommit.push(task);
    else runQuietly(task);
  }

  /** Opens a transaction on a connection of its own (on the embedded engine, the only one). */
  async begin(): Promise<RequestTransaction> {
    const driver = this.#driver;
    if (!driver) throw new Error('The database is not open');
    const connection = await driver.inner.acquireConnection();
    try {
      await driver.inner.beginTransaction(connection, {});
    } catch (error) {
      await driver.inner.releaseConnection(connection);
      throw error;
    }
    const scope: Scope = {
      connection,
      open: true,
      savepoints: [],
      next: 0,
      turns: new Mutex(),
      afterCommit: [],
    };
    const end = async (statement: 'commit' | 'rollback') => {
      if (!scope.open) return;
      scope.open = false;
      try {
        if (statement === 'commit') await driver.inner.commitTransaction(connection);
        else await driver.inner.rollbackTransaction(connection);
      } finally {
        await driver.inner.releaseConnection(connection);
      }
      if (statement === 'commit') for (const task of scope.afterCommit) runQuietly(task);
    };
    return {
      run: (work) => this.#scopes.run(scope, work),
      commit: () => end('commit'),
      rollback: () => end('rollback'),
    };
  }
}

/** Announcements are best effort: each handles its own failure, and none may fail a request. */
function runQuietly(task: () => unknown): void {
  void Promise.resolve()
    .then(task)
    .catch(() => {});
}

class ScopedDriver implements Driver {
  constructor(
    readonly inner: Driver,
    private readonly scopes: AsyncLocalStorage<Scope>,
  ) {}

  /** The request transaction this connection belongs to, while it is open. */
  #scopeOf(connection: DatabaseConnection): Scope | undefined {
    const scope = this.scopes.getStore();
    return scope?.open && scope.connection === connection ? scope : undefined;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const scope = this.scopes.getStore();
    return scope?.open ? scope.connection : this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (this.#scopeOf(connection)) return;
    await this.inner.releaseConnection(connection);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const scope = this.#scopeOf(connection);
    if (!scope) return this.inner.beginTransaction(connection, settings);
    const release = await scope.turns.acquire();
    const name = `request_${++scope.next}`;
    try {
      await connection.executeQuery(CompiledQuery.raw(`savepoint ${name}`));
    } catch (error) {
      release();
      throw error;
    }
    scope.savepoints.push(name);
    scope.releaseTurn = release;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const scope = this.#scopeOf(connection);
    if (!scope) return this.inner.commitTransaction(connection);
    await this.#endSavepoint(scope, (name) => `release savepoint ${name}`);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const scope = this.#scopeOf(connection);
    if (!scope) return this.inner.rollbackTransaction(connection);
    await this.#endSavepoint(scope, (name) => `rollback to savepoint ${name}`);
  }

  async #endSavepoint(scope: Scope, statement: (name: string) => string): Promise<void> {
    const name = scope.savepoints.pop();
    const release = scope.releaseTurn;
    scope.releaseTurn = undefined;
    try {
      if (name) await scope.connection.executeQuery(CompiledQuery.raw(statement(name)));
    } finally {
      release?.();
    }
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
