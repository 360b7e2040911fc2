import type { Kysely } from 'kysely';
import { requireTenant, requireWhiteLabel } from '../../src/domain/tenants/tenants.service.js';
import { type WriteTx, write } from '../../src/domain/write.js';
import type { DB } from '../types.js';
import { type GenerateOptions, generateSeedBatches, resolveGenerateOptions } from './generate.js';
import type { SeedRow } from './rows.js';
import { plannedCounts, type SeedSize, type SeedTable, seedTables } from './sizes.js';

export type { SeedSize } from './sizes.js';

export interface SeedProgress {
  /** The table of the batch just committed. */
  table: string;
  /** Rows committed so far, over all tables. */
  done: number;
  /** Rows the whole data set will have. */
  total: number;
}

export interface SeedOptions extends GenerateOptions {
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  size: SeedSize;
  seed: number;
  asOf: string;
  /** Rows inserted per table. */
  rows: Record<string, number>;
}

/**
 * Loads the demo data set into an existing tenant, one transaction and one `dataset.imported` event
 * per batch. Seeding is not idempotent: the ids are fixed by tenant, seed and size, so a second run
 * into the same tenant fails on its first batch and writes nothing.
 */
export async function seedTenant(
  db: Kysely<DB>,
  tenantId: string,
  options: SeedOptions,
): Promise<SeedSummary> {
  const resolved = resolveGenerateOptions(options);
  await requireTenant(db, tenantId);
  for (const whiteLabelId of resolved.whiteLabelIds) await requireWhiteLabel(db, tenantId, whiteLabelId);
  const planned = plannedCounts(resolved.size);
  const total = Object.values(planned).reduce((sum, count) => sum + count, 0);
  const rows: Record<string, number> = Object.fromEntries(seedTables.map((table) => [table, 0]));
  let done = 0;
  options.onProgress?.({ table: seedTables[0], done, total });

  for (const batch of generateSeedBatches(tenantId, resolved)) {
    await write(db, { tenantId, whiteLabelId: null }, async (tx, emit) => {
      await insertRows(tx, batch.table, batch.rows);
      emit({
        type: 'dataset.imported',
        resourceId: tenantId,
        data: { table: batch.table, rows: batch.rows.length, seed: resolved.seed, size: resolved.size },
      });
    });
    rows[batch.table] = (rows[batch.table] ?? 0) + batch.rows.length;
    done += batch.rows.length;
    options.onProgress?.({ table: batch.table, done, total });
  }
  return { size: resolved.size, seed: resolved.seed, asOf: resolved.asOf, rows };
}

async function insertRows<T extends SeedTable>(tx: WriteTx, table: T, rows: SeedRow<T>[]): Promise<void> {
  await tx.insertInto(table).values(rows).execute();
}
