import { addMonths, type Day, dayOf, partsOf, scheduleAround, startOfMonth } from './calendar.js';
import { fixed, PRICE_UNIT } from './decimal.js';
import type { Rng } from './random.js';
import { type Currency, etfIndices, fundManagers, fundStrategies } from './reference-data.js';
import { type HeldKind, incomeCounts, schedule } from './sizes.js';

// The terms of one instrument: name, currency, coupon or dividend schedule, and its price path.

export type IncomeKind = 'coupon' | 'interest' | 'dividend';

export interface Income {
  kind: IncomeKind;
  frequency: number;
  /** Payment dates on or before the as-of date (oldest first), and the next ones after it. */
  posted: Day[];
  expected: Day[];
  /** Annual coupon rate in 1e-8 (bonds, loans); dividend per unit in price units (others). */
  rate: number;
  maturity: Day | null;
}

export interface Issuer {
  id: string;
  name: string;
  country: string;
  currency: Currency;
}

const couponFrequencyWeights: Readonly<Record<Currency, readonly (readonly [number, number])[]>> = {
  EUR: [
    [1, 8],
    [2, 1],
    [4, 1],
  ],
  USD: [
    [2, 8],
    [4, 2],
  ],
  GBP: [
    [2, 8],
    [1, 2],
  ],
  CHF: [[1, 1]],
  NOK: [
    [1, 6],
    [4, 4],
  ],
  SEK: [
    [1, 6],
    [4, 4],
  ],
  DKK: [[1, 1]],
};

const dailyVolatilityBp: Readonly<Record<HeldKind, number>> = {
  bond: 20,
  loan: 6,
  equity: 160,
  fund: 70,
  etf: 90,
};

export interface InstrumentDraft {
  issuer: Issuer | undefined;
  currency: Currency;
  isinCountry: string;
  name: string;
  /** Payments a year: coupons for bonds and loans, dividends or distributions for the others. */
  frequency: number;
  /** Annual coupon rate in 1e-8; zero for instruments without a coupon. */
  rate: number;
  maturity: Day | null;
}

export function draftInstrument(
  rng: Rng,
  kind: HeldKind,
  issuer: Issuer | undefined,
  asOf: Day,
): InstrumentDraft {
  const shortName = issuer ? issuer.name.split(' ').slice(0, 2).join(' ') : '';
  switch (kind) {
    case 'bond': {
      const eurobond = rng.chance(0.3);
      const currency: Currency = eurobond ? rng.pick(['EUR', 'USD'] as const) : (issuer?.currency ?? 'EUR');
      const frequency = rng.weighted(couponFrequencyWeights[currency]);
      // Coupon rates in eighths of a percent, 0.5 % to 7 %, stored as a fraction (0.0425 = 4.25 %).
      const eighths = rng.int(4, 56);
      const maturity = maturityAfter(rng, asOf, frequency, rng.int(0, 14 * frequency));
      const name = `${shortName} ${fixed(eighths * 125, 3)}% ${partsOf(maturity).year}`;
      return {
        issuer,
        currency,
        isinCountry: eurobond ? 'XS' : (issuer?.country ?? 'XS'),
        name,
        frequency,
        rate: eighths * 125_000,
        maturity,
      };
    }
    case 'loan': {
      const frequency = rng.pick([4, 12]);
      const maturity = maturityAfter(rng, asOf, frequency, rng.int(0, 5 * frequency));
      return {
        issuer,
        currency: issuer?.currency ?? 'EUR',
        isinCountry: 'XS',
        name: `${shortName} Term Loan ${rng.pick(['A', 'B', 'B2'])} ${partsOf(maturity).year}`,
        frequency,
        rate: rng.int(350, 950) * 10_000,
        maturity,
      };
    }
    case 'equity': {
      const country = issuer?.country ?? 'US';
      const shareClass =
        country === 'US' ? 'Common Stock' : country === 'GB' ? 'Ordinary Shares' : 'Registered Shares';
      return {
        issuer,
        currency: issuer?.currency ?? 'USD',
        isinCountry: country,
        name: `${issuer?.name ?? 'Unknown'} ${shareClass}`,
        frequency: country === 'US' ? 4 : country === 'GB' ? 2 : 1,
        rate: 0,
        maturity: null,
      };
    }
    case 'fund': {
      const currency = rng.pick(['EUR', 'USD', 'CHF', 'GBP'] as const);
      return {
        issuer: undefined,
        currency,
        isinCountry: rng.pick(['LU', 'IE']),
        name: `${rng.pick(fundManagers)} ${rng.pick(fundStrategies)} Fund ${rng.pick(['A', 'I', 'R'])} ${currency} Dis`,
        frequency: rng.pick([1, 2]),
        rate: 0,
        maturity: null,
      };
    }
    case 'etf': {
      const currency = rng.pick(['EUR', 'USD', 'CHF', 'GBP'] as const);
      return {
        issuer: undefined,
        currency,
        isinCountry: rng.pick(['IE', 'LU', 'DE']),
        name: `${rng.pick(fundManagers)} ${rng.pick(etfIndices)} UCITS ETF (${currency} Dist)`,
        frequency: rng.pick([1, 2, 4]),
        rate: 0,
        maturity: null,
      };
    }
  }
}

/**
 * A maturity `extraPeriods` coupon periods after the first coupon date following the as-of date,
 * so at least `couponsExpected` coupons are still to come. Days stop at 28 so that stepping by
 * months never clamps and the schedule runs backwards from maturity exactly.
 */
function maturityAfter(rng: Rng, asOf: Day, frequency: number, extraPeriods: number): Day {
  const step = 12 / frequency;
  let first: Day;
  do {
    const month = addMonths(startOfMonth(asOf), rng.int(0, step));
    first = month + rng.int(0, 27);
  } while (first <= asOf || first > addMonths(asOf, step));
  return addMonths(first, step * (schedule.couponsExpected - 1 + extraPeriods));
}

/**
 * Bonds trade near par, above it when their coupon beats a 3.5 % market yield and below it when it
 * does not, the more so the longer they run. Share prices of Scandinavian currencies are higher
 * because those currencies are worth about a tenth of the others.
 */
export function startPrice(rng: Rng, kind: HeldKind, draft: InstrumentDraft, asOf: Day): number {
  const unit = Number(PRICE_UNIT);
  const scale = draft.currency === 'NOK' || draft.currency === 'SEK' || draft.currency === 'DKK' ? 10 : 1;
  switch (kind) {
    case 'bond': {
      const years = Math.min(8, ((draft.maturity ?? asOf) - asOf) / 365);
      const couponGap = draft.rate / 1_000_000 - 3.5;
      const premium = Math.round(couponGap * years * 0.8 * unit) + rng.int(-2 * unit, 2 * unit);
      return Math.min(125 * unit, Math.max(75 * unit, 100 * unit + premium));
    }
    case 'loan':
      return rng.int(95 * unit, 101 * unit);
    case 'equity':
      return rng.int(8 * unit, 600 * unit) * scale;
    case 'fund':
      return rng.int(50 * unit, 300 * unit);
    case 'etf':
      return rng.int(20 * unit, 150 * unit);
  }
}

export function pricePath(rng: Rng, kind: HeldKind, start: number, days: number): number[] {
  const floor = Number(PRICE_UNIT) / 100;
  const volatility = dailyVolatilityBp[kind];
  const prices: number[] = [];
  let price = start;
  for (let day = 0; day < days; day++) {
    if (day > 0)
      price = Math.max(floor, price + Math.round((price * rng.int(-volatility, volatility)) / 10_000));
    prices.push(price);
  }
  return prices;
}

export function incomeOf(
  rng: Rng,
  kind: HeldKind,
  draft: InstrumentDraft,
  lastPrice: number,
  asOf: Day,
): Income {
  const counts = incomeCounts(kind);
  const step = 12 / draft.frequency;
  if (draft.maturity !== null) {
    const { posted, expected } = scheduleAround(draft.maturity, step, asOf, counts.posted, counts.expected);
    return {
      kind: kind === 'loan' ? 'interest' : 'coupon',
      frequency: draft.frequency,
      posted,
      expected,
      rate: draft.rate,
      maturity: draft.maturity,
    };
  }
  const anchor = dayOf(partsOf(asOf).year, rng.int(1, 12), rng.int(1, 28));
  const { posted, expected } = scheduleAround(anchor, step, asOf, counts.posted, counts.expected);
  // Yields of 1 % to 5 % a year, paid in equal instalments.
  const yieldBp = kind === 'equity' ? rng.int(100, 500) : rng.int(100, 400);
  return {
    kind: 'dividend',
    frequency: draft.frequency,
    posted,
    expected,
    rate: Math.max(1, Math.round((lastPrice * yieldBp) / 10_000 / draft.frequency)),
    maturity: null,
  };
}
