import type { AccountLedger, ClientBook, Holding } from './book.js';
import { addBusinessDays, businessDayOnOrBefore, type Day, formatDay } from './calendar.js';
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
import type { MarketInstrument } from './market.js';
import { convertCurrency } from './reference-data.js';
import type { TradePattern } from './sizes.js';

/** One holding: its trades, the open lots they leave, the position, and its income schedule. */
export function addPosition(
  book: ClientBook,
  account: AccountLedger,
  instrument: MarketInstrument,
  portfolioId: string,
  pattern: TradePattern,
): Holding {
  const { rng, ids, market } = book.context;
  const { rows, owner, baseCurrency } = book;
  const positionId = ids.next('positions');
  const latestPrice = instrument.prices.at(-1)!;
  // Every ledger entry moves the account's cash; `cents` is signed (positive when cash comes in).
  const post = (entry: {
    kind: string;
    day: Day;
    settle: Day;
    units: number | null;
    price: number | null;
    cents: bigint;
    description: string;
  }) => {
    account.cash.push({
      day: entry.day,
      cents: convertCurrency(entry.cents, instrument.currency, baseCurrency),
    });
    rows.transactions.push({
      id: ids.next('transactions'),
      ...owner,
      account_id: account.id,
      portfolio_id: portfolioId,
      instrument_id: instrument.id,
      kind: entry.kind,
      trade_date: formatDay(entry.day),
      settle_date: formatDay(entry.settle),
      quantity: entry.units === null ? null : quantityText(entry.units),
      price: entry.price === null ? null : priceText(entry.price),
      amount: moneyFromCents(entry.cents),
      currency: instrument.currency,
      description: entry.description,
      external_reference: book.nextTransactionReference(),
    });
  };
  // Bonds and loans trade in multiples of 1,000 face; shares one by one.
  const granule = instrument.isPar ? 1000 : 1;
  let units: number;
  if (instrument.kind === 'bond') units = rng.int(10, 500) * granule;
  else if (instrument.kind === 'loan') units = rng.int(100, 2000) * granule;
  else units = Math.max(2, Math.round((rng.int(10_000, 400_000) * 10_000) / latestPrice));

  const sizes = tradeSizes(book, pattern, units / granule).map((size) => size * granule);

  // Every trade settles before the first posted income, so each payment is on the final holding.
  const days: Day[] = [];
  let cursor = instrument.income.posted[0]! - rng.int(5, 60);
  for (let i = 0; i < sizes.length; i++) {
    const day = businessDayOnOrBefore(cursor);
    days.unshift(day);
    cursor = day - rng.int(20, 200);
  }

  const lots: { day: Day; units: number; price: number }[] = [];
  sizes.forEach((tradeUnits, i) => {
    const isSell = pattern === 'buy-buy-sell' && i === 2;
    const spread = instrument.isPar ? rng.int(9_500, 10_300) : rng.int(8_000, 11_000);
    const price = Math.max(1, Math.round((latestPrice * spread) / 10_000));
    const cents = centsFromMicros(valueMicros(instrument.isPar, tradeUnits, price));
    const day = days[i]!;
    // FIFO: the sell always comes out of the first lot.
    if (isSell) lots[0]!.units -= tradeUnits;
    else lots.push({ day, units: tradeUnits, price });
    post({
      kind: isSell ? 'sell' : 'buy',
      day,
      settle: addBusinessDays(day, 2),
      units: tradeUnits,
      price,
      cents: isSell ? cents : -cents,
      description: `${isSell ? 'Sell' : 'Buy'} ${instrument.name}`,
    });
  });

  let costCents = 0n;
  for (const lot of lots) {
    const lotCents = centsFromMicros(valueMicros(instrument.isPar, lot.units, lot.price));
    costCents += lotCents;
    rows.lots.push({
      id: ids.next('lots'),
      ...owner,
      account_id: account.id,
      position_id: positionId,
      instrument_id: instrument.id,
      acquired_on: formatDay(lot.day),
      quantity: quantityText(lot.units),
      cost_price: priceText(lot.price),
      cost: moneyFromCents(lotCents),
      currency: instrument.currency,
      closed_on: null,
      external_reference: null,
    });
  }

  const marketValue = valueMicros(instrument.isPar, units, latestPrice);
  book.portfolioValues.set(
    portfolioId,
    book.portfolioValues.get(portfolioId)! + convertCurrency(marketValue, instrument.currency, baseCurrency),
  );
  rows.positions.push({
    id: positionId,
    ...owner,
    portfolio_id: portfolioId,
    account_id: account.id,
    instrument_id: instrument.id,
    quantity: instrument.isPar ? null : quantityText(units),
    par: instrument.isPar ? parText(units) : null,
    cost: moneyFromCents(costCents),
    mark_price: priceText(latestPrice),
    market_value: moneyFromMicros(marketValue),
    currency: instrument.currency,
    as_of: formatDay(market.asOf),
    external_reference: null,
  });

  const income = instrument.income;
  const incomeCents = instrument.isPar
    ? divRound(BigInt(units) * BigInt(income.rate), 1_000_000n * BigInt(income.frequency))
    : divRound(BigInt(units) * BigInt(income.rate), 100n);
  const label = `${income.kind === 'dividend' ? 'Dividend' : income.kind === 'coupon' ? 'Coupon' : 'Interest'} ${instrument.name}`;
  const flow = (kind: string, status: 'posted' | 'expected', day: Day, cents: bigint) => {
    rows.cashflows.push({
      id: ids.next('cashflows'),
      ...owner,
      account_id: account.id,
      portfolio_id: portfolioId,
      position_id: positionId,
      instrument_id: instrument.id,
      kind,
      status,
      amount: moneyFromCents(cents),
      currency: instrument.currency,
      value_date: formatDay(day),
      external_reference: null,
    });
  };
  for (const day of income.posted) {
    flow(income.kind, 'posted', day, incomeCents);
    post({
      kind: income.kind,
      day,
      settle: day,
      units: null,
      price: null,
      cents: incomeCents,
      description: label,
    });
  }
  for (const day of income.expected) flow(income.kind, 'expected', day, incomeCents);
  if (income.maturity !== null) flow('principal', 'expected', income.maturity, BigInt(units) * 100n);

  return { id: positionId, instrument, units };
}

/**
 * Trade sizes in granules, in trade order. The sell is smaller than the first buy, so FIFO always
 * leaves two open lots and the lot count stays what `openLotsOf` plans.
 */
function tradeSizes(book: ClientBook, pattern: TradePattern, total: number): number[] {
  const { rng } = book.context;
  if (pattern === 'buy') return [total];
  if (pattern === 'buy-buy') {
    const first = rng.int(1, total - 1);
    return [first, total - first];
  }
  const second = rng.int(1, total - 1);
  const remaining = total - second;
  const sold = rng.int(1, Math.max(1, Math.floor(remaining / 2)));
  return [remaining + sold, second, sold];
}
