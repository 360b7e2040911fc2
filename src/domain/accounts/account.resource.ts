import { defineResource, field, filter } from '../resource.js';

const depository = field.reference('depository', 'The depository (custodian) holding the account.', {
  nullable: true,
});
const legalEntity = field.reference('legal_entity', 'The legal entity that owns the account.', {
  nullable: true,
});

export const accountResource = defineResource({
  name: 'account',
  plural: 'accounts',
  table: 'accounts',
  family: 'accounts',
  owner: 'client',
  description: 'A custody, cash or margin account held at a depository.',
  fields: {
    legal_entity_id: legalEntity,
    depository_id: depository,
    name: field.text('Account name.'),
    account_number: field.text('The depository’s account number.', { nullable: true, max: 64 }),
    kind: field.enumOf(['custody', 'cash', 'margin'], 'What kind of account.', { defaulted: true }),
    currency: field.currency('Account currency.'),
    opened_on: field.date('Opening date.', { nullable: true }),
    closed_on: field.date('Closing date.', { nullable: true }),
  },
  filters: {
    depository_id: filter.equals('depository_id', depository),
    legal_entity_id: filter.equals('legal_entity_id', legalEntity),
  },
  children: {
    positions: { resource: 'position', column: 'account_id', description: 'Positions held in the account.' },
    cashflows: { resource: 'cashflow', column: 'account_id', description: 'Cashflows of the account.' },
  },
});
