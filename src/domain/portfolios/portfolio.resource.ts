import { defineResource, field, filter } from '../resource.js';

const reportingEntity = field.reference(
  'reporting_entity',
  'Where the portfolio sits in the reporting tree.',
  {
    nullable: true,
  },
);

export const portfolioResource = defineResource({
  name: 'portfolio',
  plural: 'portfolios',
  table: 'portfolios',
  family: 'portfolios',
  owner: 'client',
  description: 'A managed portfolio: positions across accounts, reported in one base currency.',
  fields: {
    reporting_entity_id: reportingEntity,
    name: field.text('Portfolio name.'),
    base_currency: field.currency('Currency the portfolio reports in.'),
  },
  filters: { reporting_entity_id: filter.equals('reporting_entity_id', reportingEntity) },
  children: {
    positions: { resource: 'position', column: 'portfolio_id', description: 'The portfolio’s positions.' },
    cashflows: { resource: 'cashflow', column: 'portfolio_id', description: 'The portfolio’s cashflows.' },
  },
});
