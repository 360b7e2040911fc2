import {
  addMonths,
  businessDaysEnding,
  type Day,
  dayOf,
  endOfMonth,
  formatDay,
  partsOf,
  scheduleAround,
  startOfMonth,
} from './calendar.js';
import { fixed, priceText } from './decimal.js';
import type { IdSequence } from './ids.js';
import {
  draftInstrument,
  type Income,
  type Issuer,
  incomeOf,
  pricePath,
  startPrice,
} from './instrument-terms.js';
import { withIsinCheckDigit } from './isin.js';
import { withLeiCheckDigits } from './lei.js';
import type { Rng } from './random.js';
import {
  type Currency,
  cashCurrencies,
  companySuffix,
  countryCurrency,
  eurMicrosPerUnit,
  industryCatalogue,
  issuerCountries,
} from './reference-data.js';
import { reference, type SeedRow } from './rows.js';
import { type HeldKind, heldKinds, type SizeSpec, schedule, snapshotEvery } from './sizes.js';

export interface MarketInstrument {
  id: string;
  kind: HeldKind;
  isPar: boolean;
  currency: Currency;
  isin: string;
  name: string;
  issuerId: string | null;
  /** Price per unit (per 100 of face for bonds and loans) in price units, one per market price day. */
  prices: number[];
  income: Income;
}

export interface Industry {
  code: string;
  name: string;
}

/** Tenant-wide reference and market data plus the calendar every client book shares. */
export interface Market {
  asOf: Day;
  priceDays: Day[];
  /** Indexes into priceDays of the holdings snapshot dates, oldest first. */
  snapshotIndexes: number[];
  fees: { posted: Day[]; expected: Day[] };
  /** Complete calendar months before the as-of month, oldest first. */
  performanceMonths: { start: Day; end: Day }[];
  industries: Industry[];
  byKind: Record<HeldKind, MarketInstrument[]>;
  rows: {
    industries: SeedRow<'industries'>[];
    issuers: SeedRow<'issuers'>[];
    instruments: SeedRow<'instruments'>[];
    instrument_prices: SeedRow<'instrument_prices'>[];
  };
}

const sectorWords: Readonly<Record<string, readonly string[]>> = {
  Energy: ['Energy', 'Petroleum', 'Offshore'],
  Materials: ['Chemicals', 'Minerals', 'Materials'],
  Industrials: ['Industries', 'Engineering', 'Logistics', 'Aerospace'],
  'Consumer Discretionary': ['Motors', 'Retail', 'Brands'],
  'Consumer Staples': ['Foods', 'Consumer', 'Nutrition'],
  'Health Care': ['Pharma', 'Medical', 'Therapeutics'],
  Financials: ['Bank', 'Financial', 'Assurance'],
  'Information Technology': ['Software', 'Systems', 'Semiconductor'],
  'Communication Services': ['Telecom', 'Media', 'Networks'],
  Utilities: ['Power', 'Utilities', 'Energie'],
  'Real Estate': ['Properties', 'Real Estate', 'Immobilien'],
};

// Local Operating Unit prefixes of real LEI issuers, so generated LEIs look like the real thing.
const louPrefixes = ['5299', '5493', '2138', '5967', '8156', '7245', '3912', '9695'];

export function buildMarket(rng: Rng, ids: IdSequence, spec: SizeSpec, asOf: Day): Market {
  const tenantId = ids.tenantId;
  const priceDays = businessDaysEnding(asOf, spec.priceDays);
  const snapshotIndexes: number[] = [];
  for (let k = spec.snapshots - 1; k >= 0; k--)
    snapshotIndexes.push(priceDays.length - 1 - k * snapshotEvery);
  if (snapshotIndexes.some((index) => index < 0)) throw new Error('More snapshots than price days');

  if (spec.industries > industryCatalogue.length) throw new Error('More industries than the catalogue holds');
  const industries = industryCatalogue
    .slice(0, spec.industries)
    .map(([code, name, sector]) => ({ id: ids.next('industries'), code, name, sector }));
  const industryRows: SeedRow<'industries'>[] = industries.map((industry) => ({
    ...industry,
    tenant_id: tenantId,
    external_reference: null,
  }));

  const issuers: Issuer[] = [];
  const issuerRows: SeedRow<'issuers'>[] = [];
  for (let i = 0; i < spec.issuers; i++) {
    const industry = rng.pick(industries);
    const country = rng.pick(issuerCountries);
    const name = `${rng.faker.person.lastName()} ${rng.pick(sectorWords[industry.sector] ?? ['Group'])} ${rng.pick(companySuffix[country] ?? ['Ltd'])}`;
    const issuer = { id: ids.next('issuers'), name, country, currency: countryCurrency[country] ?? 'EUR' };
    issuers.push(issuer);
    issuerRows.push({
      id: issuer.id,
      tenant_id: tenantId,
      name,
      industry_id: industry.id,
      country,
      lei: rng.chance(0.8) ? withLeiCheckDigits(`${rng.pick(louPrefixes)}00${rng.alphanumeric(12)}`) : null,
      external_reference: null,
    });
  }

  const isins = new Set<string>();
  const newIsin = (country: string): string => {
    for (;;) {
      const body = country === 'DE' ? `DE000${rng.alphanumeric(6)}` : `${country}${rng.digits(9)}`;
      const isin = withIsinCheckDigit(body);
      if (!isins.has(isin)) {
        isins.add(isin);
        return isin;
      }
    }
  };

  const byKind = {} as Record<HeldKind, MarketInstrument[]>;
  const instrumentRows: SeedRow<'instruments'>[] = [];
  const priceRows: SeedRow<'instrument_prices'>[] = [];
  const equityIssuers = rng.sample(issuers, Math.min(spec.instruments.equity, issuers.length));
  let instrumentIndex = 0;
  for (const kind of heldKinds) {
    byKind[kind] = [];
    for (let i = 0; i < spec.instruments[kind]; i++) {
      const draft = draftInstrument(
        rng,
        kind,
        kind === 'equity' ? equityIssuers[i] : rng.pick(issuers),
        asOf,
      );
      const prices = pricePath(rng, kind, startPrice(rng, kind, draft, asOf), priceDays.length);
      const income = incomeOf(rng, kind, draft, prices.at(-1)!, asOf);
      const instrument: MarketInstrument = {
        id: ids.next('instruments'),
        kind,
        isPar: kind === 'bond' || kind === 'loan',
        currency: draft.currency,
        isin: newIsin(draft.isinCountry),
        name: draft.name,
        issuerId: draft.issuer?.id ?? null,
        prices,
        income,
      };
      byKind[kind].push(instrument);
      instrumentIndex++;
      instrumentRows.push({
        id: instrument.id,
        tenant_id: tenantId,
        isin: instrument.isin,
        name: instrument.name,
        kind,
        currency: instrument.currency,
        issuer_id: instrument.issuerId,
        maturity_date: income.maturity === null ? null : formatDay(income.maturity),
        coupon_rate: instrument.isPar ? fixed(income.rate, 8) : null,
        coupon_frequency: instrument.isPar ? income.frequency : null,
        external_reference: reference('SEC', instrumentIndex),
      });
      prices.forEach((price, day) => {
        priceRows.push({
          id: ids.next('instrument_prices'),
          tenant_id: tenantId,
          instrument_id: instrument.id,
          price_date: formatDay(priceDays[day]!),
          price: priceText(price),
          currency: instrument.currency,
          external_reference: null,
        });
      });
    }
  }

  // The FX series: one cash instrument per currency besides EUR, priced in EUR at the fixed demo
  // rate on every price day (1 unit = rate EUR). Cash is never held as a position (not a held kind),
  // and drawing nothing from rng keeps every other row as it was.
  for (const currency of cashCurrencies) {
    const id = ids.next('instruments');
    instrumentIndex++;
    instrumentRows.push({
      id,
      tenant_id: tenantId,
      isin: null,
      name: `${currency} cash`,
      kind: 'cash',
      currency,
      issuer_id: null,
      maturity_date: null,
      coupon_rate: null,
      coupon_frequency: null,
      external_reference: reference('SEC', instrumentIndex),
    });
    const rate = fixed(eurMicrosPerUnit[currency], 6);
    for (const day of priceDays) {
      priceRows.push({
        id: ids.next('instrument_prices'),
        tenant_id: tenantId,
        instrument_id: id,
        price_date: formatDay(day),
        price: rate,
        currency: 'EUR',
        external_reference: null,
      });
    }
  }

  // Custody fees fall due at calendar quarter ends; any quarter-end anchor yields the same dates.
  const fees = scheduleAround(
    dayOf(partsOf(asOf).year - 1, 3, 31),
    3,
    asOf,
    schedule.feesPosted,
    schedule.feesExpected,
  );
  const performanceMonths: { start: Day; end: Day }[] = [];
  for (let k = spec.performanceMonths; k >= 1; k--) {
    const start = addMonths(startOfMonth(asOf), -k);
    performanceMonths.push({ start, end: endOfMonth(start) });
  }

  return {
    asOf,
    priceDays,
    snapshotIndexes,
    fees,
    performanceMonths,
    industries: industries.map(({ code, name }) => ({ code, name })),
    byKind,
    rows: {
      industries: industryRows,
      issuers: issuerRows,
      instruments: instrumentRows,
      instrument_prices: priceRows,
    },
  };
}
