import type { Day } from './calendar.js';
import type { IdSequence } from './ids.js';
import type { Market, MarketInstrument } from './market.js';
import type { Rng } from './random.js';
import type { Currency } from './reference-data.js';
import type { SeedRows } from './rows.js';
import type { SizeSpec } from './sizes.js';

// Sign convention for transactions and cashflows: `amount` is the cash movement of the account in
// `currency`, positive when cash comes in (sells, income, deposits), negative when it goes out
// (buys, fees). Quantities are always positive; the kind says the direction.

export interface BookContext {
  rng: Rng;
  ids: IdSequence;
  spec: SizeSpec;
  market: Market;
  whiteLabelIds: readonly string[];
}

/** The columns every client-owned row repeats. */
export interface Owner {
  tenant_id: string;
  white_label_id: string | null;
  client_id: string;
}

/** One client's data under construction, shared by the builders of its parts. */
export interface ClientBook {
  context: BookContext;
  rows: SeedRows;
  owner: Owner;
  baseCurrency: Currency;
  entities: readonly { id: string; name: string }[];
  portfolios: readonly string[];
  /** Current market value per portfolio in the base currency, in micro-units. */
  portfolioValues: Map<string, bigint>;
  nextTransactionReference(): string;
}

/** A dated cash movement of an account, converted into the account currency, in cents. */
export interface CashEvent {
  day: Day;
  cents: bigint;
}

export interface AccountLedger {
  id: string;
  cash: CashEvent[];
}

export interface Holding {
  id: string;
  instrument: MarketInstrument;
  units: number;
}
