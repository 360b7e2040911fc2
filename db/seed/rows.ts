import type { Insertable } from 'kysely';
import type { DB } from '../types.js';
import type { SeedTable } from './sizes.js';

/** A generated row: the table's insert shape with the seeded id always present. */
export type SeedRow<T extends SeedTable> = Insertable<DB[T]> & { id: string };

export type SeedRows = { [T in SeedTable]: SeedRow<T>[] };

/** Rows of one table, at most one statement's worth. */
export type SeedBatch = { [T in SeedTable]: { table: T; rows: SeedRow<T>[] } }[SeedTable];

export function emptyRows(): SeedRows {
  return {
    industries: [],
    issuers: [],
    instruments: [],
    instrument_prices: [],
    clients: [],
    users: [],
    legal_entities: [],
    legal_entity_ownerships: [],
    reporting_entities: [],
    role_assignments: [],
    depositories: [],
    accounts: [],
    portfolios: [],
    positions: [],
    lots: [],
    transactions: [],
    cashflows: [],
    account_holdings: [],
    instrument_holdings: [],
    custodian_snapshots: [],
    performance_results: [],
    investment_limits: [],
  };
}

export const reference = (prefix: string, index: number, width = 6): string =>
  `${prefix}-${String(index).padStart(width, '0')}`;
