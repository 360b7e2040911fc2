import { defineResource, field, filter } from '../resource.js';

const depository = field.reference('depository', 'The depository reporting the holding.', {
  write: 'create',
});
const instrument = field.reference('instrument', 'The instrument held.', { write: 'create' });
const holdingDate = field.date('The day of the holding.');

export const instrumentHoldingResource = defineResource({
  name: 'instrument_holding',
  plural: 'instrument_holdings',
  table: 'instrument_holdings',
  family: 'instruments',
  owner: 'client',
  description: 'How much of one instrument a depository holds for a client on one day.',
  naturalKey: ['depository_id', 'instrument_id', 'holding_date'],
  fields: {
    depository_id: depository,
    instrument_id: instrument,
    holding_date: holdingDate,
    quantity: field.decimal('Units or par held.'),
    market_value: field.money('currency', 'Market value.', { nullable: true }),
    currency: field.currency('Currency of the market value.'),
  },
  filters: {
    depository_id: filter.equals('depository_id', depository),
    instrument_id: filter.equals('instrument_id', instrument),
    from_date: filter.from('holding_date', holdingDate),
    to_date: filter.to('holding_date', holdingDate),
  },
});
