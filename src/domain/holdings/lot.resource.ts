import { defineResource, field, filter } from '../resource.js';

const account = field.reference('account', 'The account holding the lot.', { write: 'create' });
const position = field.reference('position', 'The position the lot is part of.', { nullable: true });
const instrument = field.reference('instrument', 'The instrument.', { write: 'create' });

export const lotResource = defineResource({
  name: 'lot',
  plural: 'lots',
  table: 'lots',
  family: 'instruments',
  owner: 'client',
  description: 'A tax lot: a quantity of an instrument acquired on one day at one cost.',
  fields: {
    account_id: account,
    position_id: position,
    instrument_id: instrument,
    acquired_on: field.date('Acquisition date.'),
    quantity: field.decimal('Quantity acquired (positive).', { min: 0.0000000001 }),
    cost_price: field.decimal('Cost per unit.'),
    cost: field.money('currency', 'Total cost.'),
    currency: field.currency('Currency of the cost.'),
    closed_on: field.date('When the lot was fully sold.', { nullable: true }),
  },
  filters: {
    account_id: filter.equals('account_id', account),
    position_id: filter.equals('position_id', position),
    instrument_id: filter.equals('instrument_id', instrument),
  },
});
