import { defineResource, field, filter } from '../resource.js';

const portfolio = field.reference('portfolio', 'The portfolio the limit applies to.', { write: 'create' });

export const investmentLimitResource = defineResource({
  name: 'investment_limit',
  plural: 'investment_limits',
  path: 'limits',
  table: 'investment_limits',
  family: 'limits',
  owner: 'client',
  description:
    'An investment-policy limit on a portfolio: a minimum or maximum weight of an issuer, industry, instrument, currency or cash.',
  fields: {
    portfolio_id: portfolio,
    name: field.text('Name of the limit.'),
    kind: field.enumOf(
      [
        'max_issuer_weight',
        'max_industry_weight',
        'max_instrument_weight',
        'min_cash_weight',
        'max_currency_weight',
      ],
      'What the limit measures.',
    ),
    target: field.text('What it applies to: an issuer, industry or instrument id, or a currency code.', {
      nullable: true,
      max: 64,
    }),
    min_percent: field.decimal('Lowest allowed weight, in percent.', { nullable: true, min: 0, max: 100 }),
    max_percent: field.decimal('Highest allowed weight, in percent.', { nullable: true, min: 0, max: 100 }),
  },
  rules: {
    investment_limits_check: { field: 'max_percent', message: 'set min_percent, max_percent or both' },
  },
  filters: { portfolio_id: filter.equals('portfolio_id', portfolio) },
});
