import { defineResource, field, filter } from '../resource.js';

const kind = field.enumOf(['individual', 'family', 'institution'], 'What kind of client.', {
  defaulted: true,
});

export const clientResource = defineResource({
  name: 'client',
  plural: 'clients',
  table: 'clients',
  family: 'clients',
  owner: 'tenant',
  description:
    'A client of the tenant (an individual, a family or an institution) that owns its wealth data.',
  fields: {
    name: field.text('Client name.'),
    kind,
    base_currency: field.currency('Currency the client reports in.', { defaulted: true }),
  },
  filters: { kind: filter.equals('kind', kind) },
  children: {
    accounts: { resource: 'account', column: 'client_id', description: 'The client’s accounts.' },
    portfolios: { resource: 'portfolio', column: 'client_id', description: 'The client’s portfolios.' },
  },
});
