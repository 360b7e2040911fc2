import { z } from 'zod';
import { defineResource, field, filter } from '../resource.js';

const account = field.reference('account', 'The account the snapshot is of.', { write: 'create' });
const holdingDate = field.date('The day of the snapshot.');

export const accountHoldingResource = defineResource({
  name: 'account_holding',
  plural: 'account_holdings',
  path: 'holdings',
  table: 'account_holdings',
  family: 'positions',
  owner: 'client',
  description:
    'An account-level holdings snapshot for one day: market value, cash and the lines behind them.',
  naturalKey: ['account_id', 'holding_date'],
  fields: {
    account_id: account,
    holding_date: holdingDate,
    market_value: field.money('currency', 'Market value of the account’s holdings.'),
    cash_balance: field.money('currency', 'Cash balance.', { defaulted: true }),
    currency: field.currency('Currency of the values.'),
    lines: field.json(
      'The snapshot’s lines, as delivered by the custodian.',
      z.array(z.record(z.string(), z.unknown()), { error: 'must be a list of objects' }),
      { defaulted: true },
    ),
  },
  filters: {
    account_id: filter.equals('account_id', account),
    from_date: filter.from('holding_date', holdingDate),
    to_date: filter.to('holding_date', holdingDate),
  },
});
