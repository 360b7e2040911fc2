import decimalJs, { type Decimal } from 'decimal.js';
import { sql } from 'kysely';
import { isUuid } from '../../domain/errors.js';
import { joinedVisibleTo, visibleTo } from '../../domain/visibility.js';
import type { ReadDb, TenantScope } from '../../domain/write.js';
import { CalculationFailure } from './calculation-failure.js';

// A portfolio's value on a date, from Portico's own rows: today's positions rolled back through
// the ledger to that date, each priced with the latest price on or before it and converted into
// the portfolio's base currency through the tenant's cash instruments. All money is exact
// (decimal.js on the database's numeric strings); no float ever touches it.

// decimal.mjs default-exports the class itself, but NodeNext reads its types as a CommonJS
// module's (the class under `default`): the cast names the value the runtime really imports.
const DecimalClass = decimalJs as unknown as typeof Decimal;

/**
 * Exact decimals. 80 significant digits hold any product of two numeric(28,10) values whole, so
 * only divisions (FX inverses, returns) ever round before the explicit rounding to a column scale.
 */
export const Exact = DecimalClass.clone({ precision: 80, rounding: DecimalClass.ROUND_HALF_UP });

/** decimal.js's ROUND_HALF_UP rounds half away from zero (2.5 → 3, −2.5 → −3). */
const halfAwayFromZero = DecimalClass.ROUND_HALF_UP;

/** Half away from zero (decimal.js ROUND_HALF_UP) to `places`; never prints "-0.000000". */
export function fixed(value: Decimal, places: number): string {
  return value.toDecimalPlaces(places, halfAwayFromZero).plus(0).toFixed(places);
}

/** Money columns are numeric(24,6). */
export const money = (value: Decimal): string => fixed(value, 6);

export interface Valuation {
  portfolio_id: string;
  as_of: string;
  base_currency: string;
  total_value: string;
  by_currency: { currency: string; value: string; fx_rate: string; value_in_base: string }[];
  positions: {
    position_id: string;
    instrument_id: string;
    quantity: string | null;
    par: string | null;
    price: string;
    price_date: string;
    currency: string;
    value: string;
    value_in_base: string;
  }[];
}

export interface PortfolioRef {
  id: string;
  base_currency: string;
}

const clientOwned = { whiteLabel: true };
const tenantOwned = { whiteLabel: false };

/** A calendar date the database accepts; a bad one would fail the same way on every retry. */
export function requireDate(field: string, value: string): string {
  const [year, month, day] = value.split('-').map(Number);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    new Date(Date.UTC(year!, month! - 1, day!)).toISOString().startsWith(value);
  if (!valid)
    throw new CalculationFailure({
      code: 'invalid_date',
      title: 'Invalid date',
      detail: `${field} must be a calendar date (YYYY-MM-DD), not "${value}".`,
      field,
    });
  return value;
}

/** The live portfolio in the caller's scope; another tenant's or white label's is as absent as a deleted one. */
export async function requirePortfolio(
  db: ReadDb,
  scope: TenantScope,
  portfolioId: string,
): Promise<PortfolioRef> {
  const portfolio = isUuid(portfolioId)
    ? await visibleTo(db.selectFrom('portfolios'), scope, 'portfolios', clientOwned)
        .select(['id', 'base_currency'])
        .where('id', '=', portfolioId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!portfolio)
    throw new CalculationFailure({
      code: 'portfolio_not_found',
      title: 'Portfolio not found',
      detail: `There is no portfolio ${portfolioId}.`,
      portfolio_id: portfolioId,
    });
  return portfolio;
}

/**
 * The latest live price on or before `date` of every cash series of `currencies`, in one query:
 * `pricedIn(cash)` maps each currency a cash instrument of `cash` is priced in to that price.
 * Several cash instruments of one currency priced in another: the freshest price wins, ties go to
 * the lowest instrument id.
 */
async function cashSeries(db: ReadDb, scope: TenantScope, currencies: string[], date: string) {
  const rows = await visibleTo(
    db
      .selectFrom('instrument_prices')
      .innerJoin('instruments', (join) =>
        joinedVisibleTo(
          join.onRef('instruments.id', '=', 'instrument_prices.instrument_id'),
          scope,
          'instruments',
          tenantOwned,
        ),
      ),
    scope,
    'instrument_prices',
    tenantOwned,
  )
    .distinctOn(['instruments.currency', 'instrument_prices.currency'])
    .select([
      'instruments.currency as cash',
      'instrument_prices.currency as priced_in',
      'instrument_prices.price',
    ])
    .where('instruments.kind', '=', 'cash')
    .where('instruments.currency', 'in', currencies)
    .where('instruments.deleted_at', 'is', null)
    .where('instrument_prices.price_date', '<=', date)
    .where('instrument_prices.deleted_at', 'is', null)
    // A zero rate is bad data, not a rate (and its inverse would divide by zero).
    .where('instrument_prices.price', '>', '0')
    .orderBy('instruments.currency')
    .orderBy('instrument_prices.currency')
    .orderBy('instrument_prices.price_date', 'desc')
    .orderBy('instruments.id')
    .execute();
  const series = new Map<string, Map<string, Decimal>>();
  for (const row of rows) {
    const prices = series.get(row.cash) ?? new Map<string, Decimal>();
    series.set(row.cash, prices.set(row.priced_in, new Exact(row.price)));
  }
  return (cash: string) => series.get(cash) ?? new Map<string, Decimal>();
}

/**
 * How many `base` one unit of `currency` is worth on `date`, from the tenant's cash instruments: one
 * of `currency` priced in `base`; else the inverse of one of `base` priced in `currency`; else the
 * cross rate through a currency X both are priced in (EUR if it qualifies, else the alphabetically
 * first X), each leg its own latest price. Inverse and cross rates are rounded to 10 decimals, the
 * scale of a stored price, so every route carries the same precision.
 */
export async function fxRate(
  db: ReadDb,
  scope: TenantScope,
  currency: string,
  base: string,
  date: string,
): Promise<Decimal> {
  if (currency === base) return new Exact(1);
  const pricedIn = await cashSeries(db, scope, [currency, base], date);
  const direct = pricedIn(currency).get(base);
  if (direct) return direct;
  const inverse = pricedIn(base).get(currency);
  if (inverse) return new Exact(1).div(inverse).toDecimalPlaces(10, halfAwayFromZero);
  // X = base or X = currency would have been the direct or the inverse series: neither is here.
  const common = [...pricedIn(currency).keys()].filter((via) => pricedIn(base).has(via)).sort();
  const via = common.includes('EUR') ? 'EUR' : common[0];
  if (via !== undefined) {
    const cross = pricedIn(currency).get(via)!.div(pricedIn(base).get(via)!);
    return cross.toDecimalPlaces(10, halfAwayFromZero);
  }
  throw new CalculationFailure({
    code: 'missing_fx_rate',
    title: 'Missing exchange rate',
    detail: `No ${currency}/${base} rate on or before ${date}: no cash instrument in ${currency} priced in ${base}, none in ${base} priced in ${currency}, and no currency both are priced in.`,
    currency,
    base_currency: base,
    date,
  });
}

/** Today's live positions with the ledger after `date` taken back out; zero holdings left out. */
async function holdingsOn(db: ReadDb, scope: TenantScope, portfolioId: string, date: string) {
  const [positions, later] = await Promise.all([
    visibleTo(
      db
        .selectFrom('positions')
        .innerJoin('instruments', (join) =>
          joinedVisibleTo(
            join.onRef('instruments.id', '=', 'positions.instrument_id'),
            scope,
            'instruments',
            tenantOwned,
          ),
        ),
      scope,
      'positions',
      clientOwned,
    )
      .select([
        'positions.id',
        'positions.account_id',
        'positions.instrument_id',
        'positions.quantity',
        'positions.par',
        'instruments.isin',
        'instruments.name',
      ])
      .where('positions.portfolio_id', '=', portfolioId)
      .where('positions.deleted_at', 'is', null)
      .where('instruments.deleted_at', 'is', null)
      .orderBy('positions.id')
      .execute(),
    // Transactions store quantity unsigned; the kind gives the direction.
    visibleTo(db.selectFrom('transactions'), scope, 'transactions', clientOwned)
      .select([
        'account_id',
        'instrument_id',
        sql<string>`sum(case when kind in ('buy', 'transfer_in') then quantity else -quantity end)`.as('net'),
      ])
      .where('portfolio_id', '=', portfolioId)
      .where('trade_date', '>', date)
      .where('kind', 'in', ['buy', 'sell', 'transfer_in', 'transfer_out'])
      .where('quantity', 'is not', null)
      .where('deleted_at', 'is', null)
      .groupBy(['account_id', 'instrument_id'])
      .execute(),
  ]);
  const netAfter = new Map(
    later.map((row) => [`${row.account_id}/${row.instrument_id}`, new Exact(row.net)]),
  );
  return positions.flatMap((position) => {
    const after = netAfter.get(`${position.account_id}/${position.instrument_id}`) ?? new Exact(0);
    // Exactly one of quantity and par is set (a table check); the ledger moves whichever it is.
    const held = new Exact(position.quantity ?? position.par ?? 0).minus(after);
    if (held.isZero()) return [];
    return [{ ...position, held, byPar: position.par !== null }];
  });
}

/** The latest live price on or before `date` of each of `instrumentIds`. */
async function pricesOn(db: ReadDb, scope: TenantScope, instrumentIds: string[], date: string) {
  const rows = await visibleTo(db.selectFrom('instrument_prices'), scope, 'instrument_prices', tenantOwned)
    .distinctOn('instrument_id')
    .select(['instrument_id', 'price', 'price_date', 'currency'])
    .where('instrument_id', 'in', instrumentIds)
    .where('price_date', '<=', date)
    .where('deleted_at', 'is', null)
    .orderBy('instrument_id')
    .orderBy('price_date', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.instrument_id, row]));
}

/** The valuation of an already-resolved portfolio (TWR values one portfolio on several dates). */
export async function valueOn(
  db: ReadDb,
  scope: TenantScope,
  portfolio: PortfolioRef,
  date: string,
): Promise<Valuation> {
  const valuation: Valuation = {
    portfolio_id: portfolio.id,
    as_of: date,
    base_currency: portfolio.base_currency,
    total_value: money(new Exact(0)),
    by_currency: [],
    positions: [],
  };
  const holdings = await holdingsOn(db, scope, portfolio.id, date);
  if (holdings.length === 0) return valuation;

  const prices = await pricesOn(db, scope, [...new Set(holdings.map((h) => h.instrument_id))], date);
  const unpriced = new Map(
    holdings
      .filter((holding) => !prices.has(holding.instrument_id))
      .map((h) => [h.instrument_id, { instrument_id: h.instrument_id, isin: h.isin, name: h.name }]),
  );
  if (unpriced.size > 0) {
    const named = [...unpriced.values()].map((i) => `${i.isin ?? i.instrument_id} (${i.name})`).join(', ');
    throw new CalculationFailure({
      code: 'missing_prices',
      title: 'Missing prices',
      detail: `No price on or before ${date} for ${named}.`,
      instruments: [...unpriced.values()],
      date,
    });
  }

  // One rate per currency, looked up in currency order so the first missing pair is always the same.
  const currencies = [...new Set([...prices.values()].map((price) => price.currency))].sort();
  const rates = new Map<string, Decimal>();
  for (const currency of currencies)
    rates.set(currency, await fxRate(db, scope, currency, portfolio.base_currency, date));

  const sums = new Map<string, { value: Decimal; inBase: Decimal }>();
  let total = new Exact(0);
  for (const holding of holdings) {
    const price = prices.get(holding.instrument_id)!;
    const rate = rates.get(price.currency)!;
    // Bond prices are quoted per 100 of par.
    const exactValue = holding.held.times(price.price).div(holding.byPar ? 100 : 1);
    const value = money(exactValue);
    // Converted from the rounded value, so each row's value × fx_rate reproduces its value_in_base.
    const valueInBase = money(new Exact(value).times(rate));
    valuation.positions.push({
      position_id: holding.id,
      instrument_id: holding.instrument_id,
      quantity: holding.byPar ? null : fixed(holding.held, 10),
      par: holding.byPar ? money(holding.held) : null,
      price: price.price,
      price_date: price.price_date,
      currency: price.currency,
      value,
      value_in_base: valueInBase,
    });
    // Totals add the rounded values, so they agree with the rows a reader sees.
    const sum = sums.get(price.currency) ?? { value: new Exact(0), inBase: new Exact(0) };
    sums.set(price.currency, { value: sum.value.plus(value), inBase: sum.inBase.plus(valueInBase) });
    total = total.plus(valueInBase);
  }
  valuation.total_value = money(total);
  valuation.by_currency = currencies.map((currency) => ({
    currency,
    value: money(sums.get(currency)!.value),
    fx_rate: fixed(rates.get(currency)!, 10),
    value_in_base: money(sums.get(currency)!.inBase),
  }));
  return valuation;
}

/** Values the portfolio on `asOf` in its base currency; throws CalculationFailure when it cannot. */
export async function valuePortfolio(
  db: ReadDb,
  scope: TenantScope,
  portfolioId: string,
  asOf: string,
): Promise<Valuation> {
  requireDate('as_of', asOf);
  return valueOn(db, scope, await requirePortfolio(db, scope, portfolioId), asOf);
}
