import { divRound } from './decimal.js';

// Static reference data the generator draws from. FX rates are fixed demo values for converting
// into account and portfolio currencies, not market data.

export const currencies = ['EUR', 'USD', 'GBP', 'CHF', 'NOK', 'SEK', 'DKK'] as const;
export type Currency = (typeof currencies)[number];

/** Value of one unit in EUR, in millionths. */
export const eurMicrosPerUnit: Readonly<Record<Currency, bigint>> = {
  EUR: 1_000_000n,
  USD: 920_000n,
  GBP: 1_170_000n,
  CHF: 1_040_000n,
  NOK: 86_000n,
  SEK: 88_000n,
  DKK: 134_000n,
};

/**
 * Currencies with a cash instrument on the security master, each priced in EUR at its demo rate on
 * every price day: the FX series valuations convert through (EUR to EUR needs none).
 */
export const cashCurrencies: readonly Currency[] = currencies.filter((currency) => currency !== 'EUR');

export const countryCurrency: Readonly<Record<string, Currency>> = {
  DE: 'EUR',
  FR: 'EUR',
  NL: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  FI: 'EUR',
  US: 'USD',
  GB: 'GBP',
  CH: 'CHF',
  NO: 'NOK',
  SE: 'SEK',
  DK: 'DKK',
};
export const issuerCountries = Object.keys(countryCurrency);

/** Where clients of a base currency are domiciled. */
export const domicileOf: Readonly<Record<Currency, readonly string[]>> = {
  EUR: ['DE', 'FR', 'NL', 'LU', 'AT', 'BE'],
  USD: ['US'],
  GBP: ['GB'],
  CHF: ['CH', 'LI'],
  NOK: ['NO'],
  SEK: ['SE'],
  DKK: ['DK'],
};

export const clientCurrencyWeights: readonly (readonly [Currency, number])[] = [
  ['EUR', 40],
  ['CHF', 20],
  ['USD', 15],
  ['GBP', 10],
  ['NOK', 5],
  ['SEK', 5],
  ['DKK', 5],
];

/** GICS-style industries: code, name, sector. */
export const industryCatalogue: readonly (readonly [string, string, string])[] = [
  ['101010', 'Energy Equipment & Services', 'Energy'],
  ['101020', 'Oil, Gas & Consumable Fuels', 'Energy'],
  ['151010', 'Chemicals', 'Materials'],
  ['151040', 'Metals & Mining', 'Materials'],
  ['201010', 'Aerospace & Defense', 'Industrials'],
  ['201060', 'Machinery', 'Industrials'],
  ['203040', 'Ground Transportation', 'Industrials'],
  ['251020', 'Automobiles', 'Consumer Discretionary'],
  ['255040', 'Specialty Retail', 'Consumer Discretionary'],
  ['302020', 'Food Products', 'Consumer Staples'],
  ['303010', 'Household Products', 'Consumer Staples'],
  ['352020', 'Pharmaceuticals', 'Health Care'],
  ['351010', 'Health Care Equipment & Supplies', 'Health Care'],
  ['401010', 'Banks', 'Financials'],
  ['403010', 'Insurance', 'Financials'],
  ['451030', 'Software', 'Information Technology'],
  ['453010', 'Semiconductors & Semiconductor Equipment', 'Information Technology'],
  ['501010', 'Diversified Telecommunication Services', 'Communication Services'],
  ['551010', 'Electric Utilities', 'Utilities'],
  ['601010', 'Real Estate Investment Trusts', 'Real Estate'],
];

export const companySuffix: Readonly<Record<string, readonly string[]>> = {
  DE: ['AG', 'SE', 'GmbH'],
  FR: ['SA', 'SE'],
  NL: ['N.V.'],
  IT: ['S.p.A.'],
  ES: ['S.A.'],
  FI: ['Oyj'],
  US: ['Inc.', 'Corp.', 'Holdings Inc.'],
  GB: ['plc', 'Group plc'],
  CH: ['AG', 'SA', 'Holding AG'],
  NO: ['ASA'],
  SE: ['AB', 'AB (publ)'],
  DK: ['A/S'],
};

export const fundManagers = [
  'Northbridge',
  'Alder',
  'Meridian',
  'Harbour',
  'Fjord',
  'Lakeside',
  'Summit',
  'Cobalt',
];
export const fundStrategies = [
  'Global Equity',
  'European Dividend',
  'Euro Corporate Bond',
  'Global Aggregate Bond',
  'Emerging Markets Equity',
  'Short Duration Credit',
  'Multi-Asset Income',
  'Global Small Cap',
  'Sustainable Leaders',
  'High Yield Bond',
];
export const etfIndices = [
  'MSCI World',
  'S&P 500',
  'STOXX Europe 600',
  'MSCI Emerging Markets',
  'Euro Government Bond 1-10y',
  'Global Aggregate Bond',
  'MSCI USA Quality',
  'FTSE 100',
  'SMI',
  'OMX Nordic 40',
];

export const bankSuffixes = [
  'Private Bank',
  'Bank AG',
  'Banque Privée SA',
  'Wealth Management',
  'Trust & Custody',
];

export const portfolioStrategies = [
  'Balanced Mandate',
  'Fixed Income Core',
  'Global Equity Growth',
  'Conservative Income',
  'Alternative Credit',
  'Family Legacy',
];

export const institutionKinds = ['Pension Fund', 'Foundation', 'Endowment', 'Charitable Trust'];

export function convertCurrency(amount: bigint, from: Currency, to: Currency): bigint {
  return from === to ? amount : divRound(amount * eurMicrosPerUnit[from], eurMicrosPerUnit[to]);
}
