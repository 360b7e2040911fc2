import { defineResource, field, filter } from '../resource.js';
import { industryFilter } from './industry-filter.js';

const issuer = field.reference('issuer', 'The issuer.', { nullable: true });
const isin = field.text('ISIN (ISO 6166), unique within the tenant.', {
  nullable: true,
  max: 12,
  pattern: /^[A-Z]{2}[A-Z0-9]{9}[0-9]$/,
  hint: 'must be a 12-character ISIN',
});
const currency = field.currency('Currency the instrument is denominated in.');
const kind = field.enumOf(
  ['bond', 'loan', 'equity', 'fund', 'etf', 'cash', 'deposit'],
  'What kind of instrument.',
);

export const instrumentResource = defineResource({
  name: 'instrument',
  plural: 'instruments',
  table: 'instruments',
  family: 'instruments',
  owner: 'tenant',
  description: 'A security or contract that can be held: bond, loan, equity, fund, ETF, cash or deposit.',
  fields: {
    isin,
    name: field.text('Instrument name.'),
    kind,
    currency,
    issuer_id: issuer,
    maturity_date: field.date('Maturity date, for bonds and loans.', { nullable: true }),
    coupon_rate: field.decimal('Annual coupon rate as a fraction (0.045 = 4.5 %).', {
      nullable: true,
      min: 0,
    }),
    coupon_frequency: field.integer('Coupons per year.', [1, 2, 4, 12], { nullable: true }),
  },
  filters: {
    isin: filter.equals('isin', isin),
    kind: filter.equals('kind', kind),
    currency: filter.equals('currency', currency),
    issuer_id: filter.equals('issuer_id', issuer),
    industry_id: filter.through(
      'issuer_id',
      [{ table: 'issuers', column: 'industry_id' }],
      field.reference('industry', 'Instruments whose issuer is in this industry.'),
    ),
    industry: industryFilter(
      'issuer_id',
      [{ table: 'issuers', column: 'industry_id' }],
      'Instruments whose issuer is in this industry',
    ),
  },
  children: {
    prices: { resource: 'instrument_price', column: 'instrument_id', description: 'The price series.' },
  },
});
