import { defineResource, field, filter } from '../resource.js';

const account = field.reference('account', 'The account the cash moves in.', { write: 'create' });
const portfolio = field.reference('portfolio', 'The portfolio it is attributed to.', { nullable: true });
const status = field.enumOf(['expected', 'posted'], 'Expected (projected) or posted (booked).');
const valueDate = field.date('Value date.');

export const cashflowResource = defineResource({
  name: 'cashflow',
  plural: 'cashflows',
  table: 'cashflows',
  family: 'cashflows',
  owner: 'client',
  description:
    'A movement of cash, expected or posted: coupons, principal, dividends, fees, interest, deposits, withdrawals, tax.',
  fields: {
    account_id: account,
    portfolio_id: portfolio,
    position_id: field.reference('position', 'The position it arises from.', { nullable: true }),
    instrument_id: field.reference('instrument', 'The instrument it arises from.', { nullable: true }),
    kind: field.enumOf(
      ['coupon', 'principal', 'dividend', 'fee', 'interest', 'deposit', 'withdrawal', 'tax'],
      'What kind of cashflow.',
    ),
    status,
    amount: field.money('currency', 'Signed amount: positive into the account, negative out.'),
    currency: field.currency('Currency of the amount.'),
    value_date: valueDate,
  },
  moments: {
    posted: {
      column: 'status',
      value: 'posted',
      description: 'A cashflow was booked: created as posted, or moved from expected to posted.',
    },
  },
  filters: {
    account_id: filter.equals('account_id', account),
    portfolio_id: filter.equals('portfolio_id', portfolio),
    status: filter.equals('status', status),
    from_date: filter.from('value_date', valueDate),
    to_date: filter.to('value_date', valueDate),
  },
});
