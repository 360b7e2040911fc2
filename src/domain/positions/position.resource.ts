import { industryFilter } from '../instruments/industry-filter.js';
import { defineResource, field, filter } from '../resource.js';

const portfolio = field.reference('portfolio', 'The portfolio the position belongs to.', { write: 'create' });
const account = field.reference('account', 'The account holding it.', { write: 'create' });
const instrument = field.reference('instrument', 'The instrument held.', { write: 'create' });

export const positionResource = defineResource({
  name: 'position',
  plural: 'positions',
  table: 'positions',
  family: 'positions',
  owner: 'client',
  description:
    'A holding of one instrument in one account and portfolio, as a unit quantity (equities, funds) or a par amount (bonds, loans).',
  fields: {
    portfolio_id: portfolio,
    account_id: account,
    instrument_id: instrument,
    quantity: field.decimal('Units held; set for unit-quantity holdings, null for par holdings.', {
      nullable: true,
    }),
    par: field.money('currency', 'Par (face) amount; set for bonds and loans, null otherwise.', {
      nullable: true,
    }),
    cost: field.money('currency', 'Book cost.', { nullable: true }),
    mark_price: field.decimal('Latest mark price.', { nullable: true }),
    market_value: field.money('currency', 'Market value at the mark price.', { nullable: true }),
    currency: field.currency('Currency of par, cost and market value.'),
    as_of: field.date('The day the figures are as of.'),
  },
  rules: { positions_check: { field: 'quantity', message: 'set exactly one of quantity and par' } },
  filters: {
    portfolio_id: filter.equals('portfolio_id', portfolio),
    account_id: filter.equals('account_id', account),
    instrument_id: filter.equals('instrument_id', instrument),
    issuer_id: filter.through(
      'instrument_id',
      [{ table: 'instruments', column: 'issuer_id' }],
      field.reference('issuer', 'Positions in instruments of this issuer.'),
    ),
    industry_id: filter.through(
      'instrument_id',
      [
        { table: 'instruments', column: 'issuer_id' },
        { table: 'issuers', column: 'industry_id' },
      ],
      field.reference('industry', 'Positions in instruments whose issuer is in this industry.'),
    ),
    industry: industryFilter(
      'instrument_id',
      [
        { table: 'instruments', column: 'issuer_id' },
        { table: 'issuers', column: 'industry_id' },
      ],
      'Positions in instruments whose issuer is in this industry',
    ),
  },
});
