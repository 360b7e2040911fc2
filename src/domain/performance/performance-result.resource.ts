import { defineResource, field, filter } from '../resource.js';

const portfolio = field.reference('portfolio', 'The portfolio measured.');
const periodEnd = field.date('Last day of the period.');

export const performanceResultResource = defineResource({
  name: 'performance_result',
  plural: 'performance_results',
  path: 'performance',
  table: 'performance_results',
  family: 'performance',
  owner: 'client',
  description: 'A portfolio’s return over a period, as calculated by Portico (never written by clients).',
  readOnly: true,
  fields: {
    portfolio_id: portfolio,
    period_start: field.date('First day of the period.'),
    period_end: periodEnd,
    currency: field.currency('Currency of the values.'),
    start_value: field.money('currency', 'Value at the start.'),
    end_value: field.money('currency', 'Value at the end.'),
    net_flows: field.money('currency', 'Net external flows in the period.'),
    time_weighted_return: field.decimal('Time-weighted return as a fraction.'),
    money_weighted_return: field.decimal('Money-weighted return as a fraction.', { nullable: true }),
  },
  filters: {
    portfolio_id: filter.equals('portfolio_id', portfolio),
    from_date: filter.from('period_end', periodEnd),
    to_date: filter.to('period_end', periodEnd),
  },
});
