import { defineResource, field, filter } from '../resource.js';

const account = field.reference('account', 'The account the transaction is booked in.', { write: 'create' });
const tradeDate = field.date('Trade date.');

export const transactionResource = defineResource({
  name: 'transaction',
  plural: 'transactions',
  table: 'transactions',
  family: 'transactions',
  owner: 'client',
  description: 'A ledger entry: a trade, a cash movement or an income booking.',
  fields: {
    account_id: account,
    portfolio_id: field.reference('portfolio', 'The portfolio it is attributed to.', { nullable: true }),
    instrument_id: field.reference('instrument', 'The instrument traded or paying.', { nullable: true }),
    kind: field.enumOf(
      [
        'buy',
        'sell',
        'deposit',
        'withdrawal',
        'coupon',
        'dividend',
        'fee',
        'interest',
        'transfer_in',
        'transfer_out',
        'tax',
      ],
      'What kind of transaction.',
    ),
    trade_date: tradeDate,
    settle_date: field.date('Settlement date.', { nullable: true }),
    quantity: field.decimal('Units or par traded.', { nullable: true }),
    price: field.decimal('Price per unit.', { nullable: true }),
    amount: field.money('currency', 'Signed cash amount: positive into the account, negative out.'),
    currency: field.currency('Currency of the amount.'),
    description: field.text('Free text.', { nullable: true, max: 500 }),
  },
  filters: {
    account_id: filter.equals('account_id', account),
    from_date: filter.from('trade_date', tradeDate),
    to_date: filter.to('trade_date', tradeDate),
  },
});
