import { sandboxStatement } from '../../src/domain/custodians/sandbox-statement.js';
import type { AccountLedger, ClientBook, Holding } from './book.js';
import { businessDayOnOrBefore, type Day, formatDay } from './calendar.js';
import {
  centsFromMicros,
  divRound,
  moneyFromCents,
  moneyFromMicros,
  parText,
  priceText,
  quantityText,
  valueMicros,
} from './decimal.js';
import { addPosition } from './position-book.js';
import { convertCurrency } from './reference-data.js';
import { heldKinds, tradePattern } from './sizes.js';

/**
 * A custody account at its own depository: its positions, the fees and the opening deposit that
 * fund them, and holdings snapshots whose cash balance replays every booked movement.
 */
export function addAccount(book: ClientBook, depositoryId: string, accountIndex: number): void {
  const { rng, ids, spec, market } = book.context;
  const { rows, owner, baseCurrency, portfolios } = book;
  const account: AccountLedger = { id: ids.next('accounts'), cash: [] };
  const entity = rng.pick(book.entities);
  // Slot 0 of every account goes to the account's own portfolio, so no portfolio stays empty.
  const primaryPortfolio = portfolios[accountIndex % portfolios.length]!;

  const holdings: Holding[] = [];
  for (const kind of heldKinds) {
    for (const instrument of rng.sample(market.byKind[kind], spec.positionsPerAccount[kind])) {
      const slot = holdings.length;
      const portfolioId = slot === 0 ? primaryPortfolio : rng.pick(portfolios);
      holdings.push(addPosition(book, account, instrument, portfolioId, tradePattern(slot)));
    }
  }

  const cashTransaction = (kind: string, day: Day, cents: bigint, description: string) => {
    account.cash.push({ day, cents });
    rows.transactions.push({
      id: ids.next('transactions'),
      ...owner,
      account_id: account.id,
      portfolio_id: primaryPortfolio,
      instrument_id: null,
      kind,
      trade_date: formatDay(day),
      settle_date: formatDay(day),
      quantity: null,
      price: null,
      amount: moneyFromCents(cents),
      currency: baseCurrency,
      description,
      external_reference: book.nextTransactionReference(),
    });
  };

  const latest = market.priceDays.length - 1;
  let accountValue = 0n;
  for (const { instrument, units } of holdings) {
    const micros = valueMicros(instrument.isPar, units, instrument.prices[latest]!);
    accountValue += convertCurrency(micros, instrument.currency, baseCurrency);
  }
  // A custody fee of 25 bp a year on today's value, charged quarterly.
  const feeCents = -centsFromMicros(divRound(accountValue * 25n, 40_000n));
  const fees = [
    ...market.fees.posted.map((day) => ({ day, status: 'posted' as const })),
    ...market.fees.expected.map((day) => ({ day, status: 'expected' as const })),
  ];
  for (const fee of fees) {
    rows.cashflows.push({
      id: ids.next('cashflows'),
      ...owner,
      account_id: account.id,
      portfolio_id: primaryPortfolio,
      position_id: null,
      instrument_id: null,
      kind: 'fee',
      status: fee.status,
      amount: moneyFromCents(feeCents),
      currency: baseCurrency,
      value_date: formatDay(fee.day),
      external_reference: null,
    });
    if (fee.status === 'posted') cashTransaction('fee', fee.day, feeCents, 'Quarterly custody fee');
  }

  // The opening deposit covers every outflow with a margin, rounded up to 1,000, so cash never
  // goes negative at the static FX rates.
  const firstMovement = account.cash.reduce((min, event) => Math.min(min, event.day), market.asOf);
  const outflows = account.cash.reduce((sum, event) => (event.cents < 0n ? sum - event.cents : sum), 0n);
  const depositCents = (((outflows * 105n) / 100n + 99_999n) / 100_000n) * 100_000n;
  const depositDay = businessDayOnOrBefore(firstMovement - rng.int(1, 20));
  cashTransaction('deposit', depositDay, depositCents, 'Opening deposit');

  const accountNumber = `${rng.digits(4)}-${rng.digits(6)}.${rng.digits(2)}`;
  rows.accounts.push({
    id: account.id,
    ...owner,
    legal_entity_id: entity.id,
    depository_id: depositoryId,
    name: `${entity.name} custody account`,
    account_number: accountNumber,
    kind: 'custody',
    currency: baseCurrency,
    opened_on: formatDay(depositDay - rng.int(0, 30)),
    closed_on: null,
    external_reference: `CUST ${rng.digits(10)}`,
  });

  for (const index of market.snapshotIndexes) addSnapshot(book, account, depositoryId, holdings, index);
  const latestSnapshot = Math.max(...market.snapshotIndexes);
  addCustodianSnapshot(book, account, depositoryId, accountNumber, holdings, latestSnapshot);
}

/** The account's cash balance at the end of a day: every booked movement up to it. */
const cashOn = (account: AccountLedger, day: Day): bigint =>
  account.cash.reduce((sum, event) => (event.day <= day ? sum + event.cents : sum), 0n);

/** Account and instrument holdings on one price day; no trade falls inside the price window. */
function addSnapshot(
  book: ClientBook,
  account: AccountLedger,
  depositoryId: string,
  holdings: readonly Holding[],
  priceIndex: number,
): void {
  const { ids, market } = book.context;
  const { rows, owner, baseCurrency } = book;
  const day = market.priceDays[priceIndex]!;
  let value = 0n;
  const lines = holdings.map(({ id, instrument, units }) => {
    const price = instrument.prices[priceIndex]!;
    const micros = valueMicros(instrument.isPar, units, price);
    value += convertCurrency(micros, instrument.currency, baseCurrency);
    rows.instrument_holdings.push({
      id: ids.next('instrument_holdings'),
      ...owner,
      depository_id: depositoryId,
      instrument_id: instrument.id,
      holding_date: formatDay(day),
      quantity: quantityText(units),
      market_value: moneyFromMicros(micros),
      currency: instrument.currency,
      external_reference: null,
    });
    return {
      position_id: id,
      instrument_id: instrument.id,
      isin: instrument.isin,
      ...(instrument.isPar ? { par: parText(units) } : { quantity: quantityText(units) }),
      price: priceText(price),
      market_value: moneyFromMicros(micros),
      currency: instrument.currency,
    };
  });
  const cashCents = cashOn(account, day);
  rows.account_holdings.push({
    id: ids.next('account_holdings'),
    ...owner,
    account_id: account.id,
    holding_date: formatDay(day),
    market_value: moneyFromMicros(value),
    cash_balance: moneyFromCents(cashCents),
    currency: baseCurrency,
    // A JSON string, not an array: the Postgres driver would send an array as a Postgres array.
    lines: JSON.stringify(lines),
    external_reference: null,
  });
}

/**
 * The custodian's own statement of the account on one price day, in the sandbox custodian's format,
 * as a custodian connection would have stored it (under no authority: it came with the demo data).
 */
function addCustodianSnapshot(
  book: ClientBook,
  account: AccountLedger,
  depositoryId: string,
  accountNumber: string,
  holdings: readonly Holding[],
  priceIndex: number,
): void {
  const { ids, market } = book.context;
  const day = formatDay(market.priceDays[priceIndex]!);
  const statement = sandboxStatement({
    accountNumber,
    currency: book.baseCurrency,
    asOf: day,
    positions: holdings.map(({ instrument, units }) => {
      const price = instrument.prices[priceIndex]!;
      return {
        isin: instrument.isin,
        name: instrument.name,
        quantity: instrument.isPar ? parText(units) : quantityText(units),
        faceAmount: instrument.isPar,
        price: priceText(price),
        marketValue: moneyFromMicros(valueMicros(instrument.isPar, units, price)),
        currency: instrument.currency,
      };
    }),
    cash: moneyFromCents(cashOn(account, market.priceDays[priceIndex]!)),
  });
  book.rows.custodian_snapshots.push({
    id: ids.next('custodian_snapshots'),
    ...book.owner,
    depository_id: depositoryId,
    account_id: account.id,
    authority_id: null,
    snapshot_date: day,
    // Delivered the evening of its day.
    received_at: `${day}T18:00:00.000Z`,
    // JSON text, as for the holdings' lines.
    payload: JSON.stringify(statement),
    external_reference: null,
  });
}
