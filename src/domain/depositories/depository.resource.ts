import { defineResource, field } from '../resource.js';

export const depositoryResource = defineResource({
  name: 'depository',
  plural: 'depositories',
  table: 'depositories',
  family: 'accounts',
  owner: 'client',
  description: 'A custodian or bank holding a client’s accounts.',
  fields: {
    name: field.text('Name of the custodian.'),
    bic: field.text('BIC (ISO 9362), 8 or 11 characters.', {
      nullable: true,
      max: 11,
      pattern: /^[A-Z0-9]{8}([A-Z0-9]{3})?$/,
      hint: 'must be an 8- or 11-character BIC',
    }),
  },
  children: {
    accounts: {
      resource: 'account',
      column: 'depository_id',
      description: 'Accounts held at this depository.',
    },
  },
});
