// Every row count of a demo data set follows from the constants in this file (and the list of cash
// currencies), never from a random draw, so the loader knows its totals before it starts (progress
// bar) and `plannedCounts` can promise the benchmark minimums without generating anything.

import { cashCurrencies } from './reference-data.js';

export type SeedSize = 'small' | 'large';

export type HeldKind = 'bond' | 'loan' | 'equity' | 'fund' | 'etf';
export const heldKinds: readonly HeldKind[] = ['bond', 'loan', 'equity', 'fund', 'etf'];

export interface SizeSpec {
  industries: number;
  issuers: number;
  /** Instruments on the tenant's security master, per kind. */
  instruments: Readonly<Record<HeldKind, number>>;
  /** Business days of prices ending at the as-of date; a multiple of `snapshotEvery`. */
  priceDays: number;
  /** Holdings snapshots per account, every `snapshotEvery` business days back from the latest price. */
  snapshots: number;
  clients: number;
  usersPerClient: number;
  legalEntitiesPerClient: number;
  reportingEntitiesPerClient: number;
  /** Each account sits at its own depository: multi-banking is what clients aggregate for. */
  accountsPerClient: number;
  portfoliosPerClient: number;
  /** Positions per account, per kind; each account holds distinct instruments. */
  positionsPerAccount: Readonly<Record<HeldKind, number>>;
  performanceMonths: number;
  /** Clients generated and inserted together, which bounds memory for the large size. */
  clientsPerChunk: number;
}

export const snapshotEvery = 5;

/** Income and fee events per position or account, identical for both sizes. */
export const schedule = {
  couponsPosted: 4,
  couponsExpected: 4,
  dividendsPosted: 4,
  distributionsPosted: 2,
  incomeExpected: 1,
  feesPosted: 4,
  feesExpected: 1,
} as const;

export const limitKinds = [
  'max_issuer_weight',
  'max_industry_weight',
  'max_currency_weight',
  'min_cash_weight',
] as const;

export const sizes: Readonly<Record<SeedSize, SizeSpec>> = {
  small: {
    industries: 16,
    issuers: 24,
    instruments: { bond: 16, loan: 4, equity: 14, fund: 4, etf: 4 },
    priceDays: 30,
    snapshots: 6,
    clients: 3,
    usersPerClient: 2,
    legalEntitiesPerClient: 4,
    reportingEntitiesPerClient: 3,
    accountsPerClient: 3,
    portfoliosPerClient: 2,
    positionsPerAccount: { bond: 6, loan: 1, equity: 7, fund: 2, etf: 2 },
    performanceMonths: 12,
    clientsPerChunk: 3,
  },
  large: {
    industries: 20,
    issuers: 300,
    instruments: { bond: 150, loan: 30, equity: 150, fund: 40, etf: 30 },
    priceDays: 20,
    snapshots: 2,
    clients: 2000,
    usersPerClient: 2,
    legalEntitiesPerClient: 3,
    reportingEntitiesPerClient: 2,
    accountsPerClient: 2,
    portfoliosPerClient: 2,
    positionsPerAccount: { bond: 9, loan: 2, equity: 9, fund: 3, etf: 2 },
    performanceMonths: 6,
    clientsPerChunk: 40,
  },
};

export type TradePattern = 'buy' | 'buy-buy' | 'buy-buy-sell';

/** Slot = the position's place within its account; the pattern fixes how many trades and lots it has. */
export function tradePattern(slot: number): TradePattern {
  if (slot % 5 === 0) return 'buy-buy-sell';
  if (slot % 5 === 1) return 'buy-buy';
  return 'buy';
}

export const tradesOf = (pattern: TradePattern): number => pattern.split('-').length;
/** The sell is always smaller than the first buy, so FIFO never closes a lot completely. */
export const openLotsOf = (pattern: TradePattern): number => (pattern === 'buy' ? 1 : 2);

export function isParKind(kind: HeldKind): boolean {
  return kind === 'bond' || kind === 'loan';
}

/** Posted and expected income events of one position. */
export function incomeCounts(kind: HeldKind): { posted: number; expected: number } {
  if (isParKind(kind)) return { posted: schedule.couponsPosted, expected: schedule.couponsExpected };
  if (kind === 'equity') return { posted: schedule.dividendsPosted, expected: schedule.incomeExpected };
  return { posted: schedule.distributionsPosted, expected: schedule.incomeExpected };
}

/** Tables in insert order: every table comes after the tables it references. */
export const seedTables = [
  'industries',
  'issuers',
  'instruments',
  'instrument_prices',
  'clients',
  'users',
  'legal_entities',
  'legal_entity_ownerships',
  'reporting_entities',
  'role_assignments',
  'depositories',
  'accounts',
  'portfolios',
  'positions',
  'lots',
  'transactions',
  'cashflows',
  'account_holdings',
  'instrument_holdings',
  'custodian_snapshots',
  'performance_results',
  'investment_limits',
] as const;

export type SeedTable = (typeof seedTables)[number];

export function plannedCounts(size: SeedSize): Record<SeedTable, number> {
  const spec = sizes[size];
  // The held kinds, then one cash instrument per cash currency; every instrument has every price day.
  const instruments =
    heldKinds.reduce((sum, kind) => sum + spec.instruments[kind], 0) + cashCurrencies.length;
  const accounts = spec.clients * spec.accountsPerClient;
  const portfolios = spec.clients * spec.portfoliosPerClient;
  const entities = spec.legalEntitiesPerClient;

  let positions = 0;
  let trades = 0;
  let lots = 0;
  let incomePosted = 0;
  let positionCashflows = 0;
  for (const kind of heldKinds) {
    for (let i = 0; i < spec.positionsPerAccount[kind]; i++) {
      const pattern = tradePattern(positions);
      const income = incomeCounts(kind);
      positions++;
      trades += tradesOf(pattern);
      lots += openLotsOf(pattern);
      incomePosted += income.posted;
      positionCashflows += income.posted + income.expected + (isParKind(kind) ? 1 : 0);
    }
  }
  const feeCashflows = schedule.feesPosted + schedule.feesExpected;
  // One opening deposit per account, then trades, posted income and posted fees.
  const transactions = 1 + trades + incomePosted + schedule.feesPosted;

  return {
    industries: spec.industries,
    issuers: spec.issuers,
    instruments,
    instrument_prices: instruments * spec.priceDays,
    clients: spec.clients,
    users: spec.clients * spec.usersPerClient,
    legal_entities: spec.clients * entities,
    // Every entity after the first has one owner, every entity after the second a co-owner.
    legal_entity_ownerships: spec.clients * (Math.max(0, entities - 1) + Math.max(0, entities - 2)),
    reporting_entities: spec.clients * spec.reportingEntitiesPerClient,
    role_assignments: spec.clients * spec.usersPerClient,
    depositories: accounts,
    accounts,
    portfolios,
    positions: accounts * positions,
    lots: accounts * lots,
    transactions: accounts * transactions,
    cashflows: accounts * (positionCashflows + feeCashflows),
    account_holdings: accounts * spec.snapshots,
    instrument_holdings: accounts * positions * spec.snapshots,
    // The custodian's own statement of each account, as of the latest holdings snapshot.
    custodian_snapshots: accounts,
    performance_results: portfolios * spec.performanceMonths,
    investment_limits: portfolios * limitKinds.length,
  };
}
