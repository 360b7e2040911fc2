import { parseDay, todayUtc } from './calendar.js';
import { buildClientBook } from './client-book.js';
import { IdSequence } from './ids.js';
import { buildMarket } from './market.js';
import { Rng } from './random.js';
import type { SeedBatch, SeedRow, SeedRows } from './rows.js';
import { heldKinds, type SeedSize, type SeedTable, seedTables, sizes } from './sizes.js';

export interface GenerateOptions {
  size: SeedSize;
  /** Defaults to 42. */
  seed?: number;
  /** 'YYYY-MM-DD'; defaults to today (UTC). */
  asOf?: string;
  /** Clients are spread over these white labels in turn; without any, clients have none. */
  whiteLabelIds?: readonly string[];
}

export interface ResolvedGenerateOptions {
  size: SeedSize;
  seed: number;
  asOf: string;
  whiteLabelIds: readonly string[];
}

export const DEFAULT_SEED = 42;

/** Postgres accepts at most 65,535 bind parameters in one statement. */
const MAX_PARAMETERS = 65_535;
export const BATCH_ROWS = 1_000;

export function resolveGenerateOptions(options: GenerateOptions): ResolvedGenerateOptions {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed must be an integer: ${seed}`);
  if (!Object.hasOwn(sizes, options.size)) throw new Error(`Unknown seed size: ${options.size}`);
  const asOf = options.asOf ?? todayUtc();
  parseDay(asOf);
  return { size: options.size, seed, asOf, whiteLabelIds: [...(options.whiteLabelIds ?? [])] };
}

/**
 * The demo data set of one tenant as a lazy sequence of insert batches in foreign-key order.
 * Reference and market data come first; clients follow in chunks, each chunk's tables in order, so
 * at most one chunk of client rows is in memory. The same options and tenant give the same rows.
 */
export function* generateSeedBatches(
  tenantId: string,
  options: GenerateOptions,
): Generator<SeedBatch, void, undefined> {
  const { size, seed, asOf, whiteLabelIds } = resolveGenerateOptions(options);
  const spec = sizes[size];
  for (const kind of heldKinds) {
    if (spec.positionsPerAccount[kind] > spec.instruments[kind])
      throw new Error(`Too few ${kind} instruments`);
  }
  if (spec.portfoliosPerClient > spec.accountsPerClient) throw new Error('Every portfolio needs an account');

  const ids = new IdSequence(tenantId);
  const rng = new Rng(seed, 0);
  const market = buildMarket(rng, ids, spec, parseDay(asOf));
  yield* batchesOf('industries', market.rows.industries);
  yield* batchesOf('issuers', market.rows.issuers);
  yield* batchesOf('instruments', market.rows.instruments);
  yield* batchesOf('instrument_prices', market.rows.instrument_prices);

  for (let first = 0; first < spec.clients; first += spec.clientsPerChunk) {
    const books: SeedRows[] = [];
    for (let client = first; client < Math.min(first + spec.clientsPerChunk, spec.clients); client++) {
      rng.reseed(seed, client + 1);
      books.push(buildClientBook({ rng, ids, spec, market, whiteLabelIds }, client));
    }
    for (const table of seedTables) yield* batchesOf(table, rowsOf(books, table));
  }
}

function rowsOf<T extends SeedTable>(books: readonly SeedRows[], table: T): SeedRow<T>[] {
  return books.flatMap((book): SeedRow<T>[] => book[table]);
}

function* batchesOf<T extends SeedTable>(
  table: T,
  rows: SeedRow<T>[],
): Generator<SeedBatch, void, undefined> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  const perBatch = Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns));
  for (let start = 0; start < rows.length; start += perBatch) {
    yield { table, rows: rows.slice(start, start + perBatch) } as SeedBatch;
  }
}
