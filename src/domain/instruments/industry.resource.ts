import { defineResource, field } from '../resource.js';

export const industryResource = defineResource({
  name: 'industry',
  plural: 'industries',
  table: 'industries',
  family: 'instruments',
  owner: 'tenant',
  description: 'An industry classification (sector and industry) that issuers belong to.',
  fields: {
    code: field.text('Short code, unique within the tenant.', { max: 32 }),
    name: field.text('Industry name.'),
    sector: field.text('The sector the industry belongs to.'),
  },
  children: {
    issuers: { resource: 'issuer', column: 'industry_id', description: 'Issuers in this industry.' },
  },
});
