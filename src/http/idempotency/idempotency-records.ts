import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { MaintenanceTask } from '../../jobs/job-runner.js';
import type { Database } from '../../platform/database.js';
import type { RequestTransaction } from '../../platform/request-transaction.js';
import type { SecretBox } from '../../platform/secret-box.js';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  idempotencyRetentionHours,
} from './idempotency-key.js';

/** An answer as it was sent, to send again. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotentRequest {
  tenantId: string;
  credentialId: string;
  key: string;
  method: string;
  /** What the record names as the original request in a 422 (the path, or the GraphQL endpoint). */
  path: string;
  fingerprint: string;
}

/** A first request under its key: its work runs in `transaction`, and `complete` stores the answer with it. */
export interface IdempotentAttempt {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Stores the answer in the work's transaction and commits both. */
  complete(answer: StoredAnswer): Promise<void>;
  /** Rolls the work back and stores nothing: the key is free for a retry. */
  abandon(): Promise<void>;
}

export type Claim = { replay: StoredAnswer } | { attempt: IdempotentAttempt };

/**
 * Idempotency records, keyed by (tenant, key). A record is written only in the transaction of the
 * effect it answers for, so it exists exactly when the effect committed; a request in flight holds a
 * transaction-scoped advisory lock on its key (every instance sees it, and a crash releases it with
 * the rolled-back work), and this instance's own requests are also known without asking.
 */
export class IdempotencyRecords {
  readonly #inFlight = new Set<string>();

  constructor(private readonly deps: { database: Database; box: SecretBox }) {}

  /** Replays the stored answer, or starts the first attempt; refuses a key in flight (409) or reused (422). */
  async claim(request: IdempotentRequest): Promise<Claim> {
    const local = `${request.tenantId}:${request.key}`;
    if (this.#inFlight.has(local)) throw new IdempotencyKeyInFlightError();
    this.#inFlight.add(local);
    let transaction: RequestTransaction | undefined;
    const settle = async (end: 'commit' | 'rollback') => {
      try {
        if (end === 'commit') await transaction?.commit();
      } finally {
        await transaction?.rollback();
        this.#inFlight.delete(local);
      }
    };
    try {
      transaction = await this.deps.database.beginRequestTransaction();
      const found = await transaction.run(() => this.#lockAndRead(request));
      if (found) {
        await settle('rollback');
        if (found.request_hash !== request.fingerprint) throw new IdempotencyKeyReusedError(found);
        return { replay: this.#opened(found) };
      }
    } catch (error) {
      await settle('rollback');
      throw error;
    }
    const started = transaction;
    return {
      attempt: {
        run: (work) => started.run(work),
        complete: async (answer) => {
          try {
            await started.run(() => this.#store(request, answer));
          } catch (error) {
            await settle('rollback');
            throw error;
          }
          await settle('commit');
        },
        abandon: () => settle('rollback'),
      },
    };
  }

  async #lockAndRead(request: IdempotentRequest) {
    const { db } = this.deps.database;
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${request.tenantId}:${request.key}`}, 0)) as locked
    `.execute(db);
    if (!rows[0]?.locked) throw new IdempotencyKeyInFlightError();
    return db
      .selectFrom('idempotency_keys')
      .select([
        'method',
        'path',
        'request_hash',
        'response_status',
        'response_headers',
        'response_body',
        'response_encryption',
      ])
      .where('tenant_id', '=', request.tenantId)
      .where('key', '=', request.key)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
  }

  #opened(found: {
    response_status: number;
    response_headers: unknown;
    response_body: string;
    response_encryption: string;
  }): StoredAnswer {
    return {
      status: found.response_status,
      headers: found.response_headers as Record<string, string>,
      body: this.deps.box.open(found.response_body, found.response_encryption),
    };
  }

  async #store(request: IdempotentRequest, answer: StoredAnswer): Promise<void> {
    const { box } = this.deps;
    const record = {
      tenant_id: request.tenantId,
      credential_id: request.credentialId,
      key: request.key,
      method: request.method,
      path: request.path,
      request_hash: request.fingerprint,
      response_status: answer.status,
      response_headers: JSON.stringify(answer.headers),
      response_body: box.seal(answer.body),
      response_encryption: box.encryption,
      created_at: sql<Date>`now()`,
      expires_at: sql<Date>`now() + make_interval(hours => ${idempotencyRetentionHours})`,
    };
    // An expired record the pruning has not reached yet gives its key up.
    await this.deps.database.db
      .insertInto('idempotency_keys')
      .values(record)
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'key']).doUpdateSet(({ ref }) => ({
          credential_id: ref('excluded.credential_id'),
          method: ref('excluded.method'),
          path: ref('excluded.path'),
          request_hash: ref('excluded.request_hash'),
          response_status: ref('excluded.response_status'),
          response_headers: ref('excluded.response_headers'),
          response_body: ref('excluded.response_body'),
          response_encryption: ref('excluded.response_encryption'),
          created_at: ref('excluded.created_at'),
          expires_at: ref('excluded.expires_at'),
        })),
      )
      .execute();
  }
}

/** Deletes records past their 72 hours; returns how many went. */
export async function pruneIdempotencyRecords(db: Kysely<DB>): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The job runner's upkeep task: expired records go an hour at most after their 72 hours (a lookup
 * ignores them already, so the delay only costs disk).
 */
export const idempotencyPruning: MaintenanceTask = {
  name: 'idempotency records',
  everyMs: 3_600_000,
  run: pruneIdempotencyRecords,
};
