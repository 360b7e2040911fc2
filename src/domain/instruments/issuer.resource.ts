import { defineResource, field, filter } from '../resource.js';

const industry = field.reference('industry', 'The issuer’s industry.', { nullable: true });

export const issuerResource = defineResource({
  name: 'issuer',
  plural: 'issuers',
  table: 'issuers',
  family: 'instruments',
  owner: 'tenant',
  description: 'A company, government or fund that issues instruments.',
  fields: {
    name: field.text('Legal name.'),
    industry_id: industry,
    country: field.country('Country of incorporation (ISO 3166-1 alpha-2).', { nullable: true }),
    lei: field.text('Legal Entity Identifier (ISO 17442, 20 characters).', {
      nullable: true,
      max: 20,
      pattern: /^[A-Z0-9]{20}$/,
      hint: 'must be a 20-character LEI',
    }),
  },
  filters: { industry_id: filter.equals('industry_id', industry) },
  children: {
    instruments: {
      resource: 'instrument',
      column: 'issuer_id',
      description: 'Instruments this issuer issued.',
    },
  },
});
