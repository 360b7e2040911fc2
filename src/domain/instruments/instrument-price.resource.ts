import { defineResource, field, filter } from '../resource.js';

const instrument = field.reference('instrument', 'The priced instrument.', { write: 'create' });
const priceDate = field.date('The day the price is for.');

export const instrumentPriceResource = defineResource({
  name: 'instrument_price',
  plural: 'instrument_prices',
  table: 'instrument_prices',
  family: 'instruments',
  owner: 'tenant',
  description: 'One day’s price of an instrument; one per instrument and day.',
  fields: {
    instrument_id: instrument,
    price_date: priceDate,
    price: field.money('currency', 'The price.', {}),
    currency: field.currency('Currency of the price.'),
  },
  filters: {
    instrument_id: filter.equals('instrument_id', instrument),
    from_date: filter.from('price_date', priceDate),
    to_date: filter.to('price_date', priceDate),
  },
});
