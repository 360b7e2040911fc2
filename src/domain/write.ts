import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.js';
import { appendEvents, type ChangeEvent } from '../events/outbox.js';

/** Where a write lands: always a tenant, and the writer's white label (null = tenant-wide). */
export interface TenantScope {
  tenantId: string;
  whiteLabelId: string | null;
}

declare const writeBrand: unique symbol;

/**
 * A transaction opened by `write`. Repository functions that change data accept only this type,
 * so the compiler rejects any write that does not go through `write` and its event log.
 */
export type WriteTx = Transaction<DB> & { readonly [writeBrand]: true };

/** Anything reads can run on: the database or any transaction. */
export type ReadDb = Kysely<DB> | Transaction<DB>;

export type Emit = (event: ChangeEvent) => void;

export class WriteWithoutEventError extends Error {
  constructor() {
    super('A domain write committed no event; every change must emit one (the transaction was rolled back)');
    this.name = 'WriteWithoutEventError';
  }
}

/**
 * The one domain write path: runs `change` in a transaction and appends the events it emits to the
 * event log in that same transaction. A change that emits nothing is rolled back, so no write can
 * reach the database without reaching the log.
 */
export async function write<R>(
  db: Kysely<DB>,
  scope: TenantScope,
  change: (tx: WriteTx, emit: Emit) => Promise<R>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    const events: ChangeEvent[] = [];
    const result = await change(trx as WriteTx, (event) => {
      events.push(event);
    });
    if (events.length === 0) throw new WriteWithoutEventError();
    await appendEvents(trx, scope.tenantId, scope.whiteLabelId, events);
    return result;
  });
}
