import { defineResource, field, filter } from '../resource.js';

const owner = field.reference('legal_entity', 'The owning entity.', { write: 'create' });
const owned = field.reference('legal_entity', 'The owned entity.', { write: 'create' });

export const legalEntityOwnershipResource = defineResource({
  name: 'legal_entity_ownership',
  plural: 'legal_entity_ownerships',
  table: 'legal_entity_ownerships',
  family: 'entities',
  owner: 'client',
  description: 'An edge of the ownership graph: one legal entity owns a share of another.',
  fields: {
    owner_id: owner,
    owned_id: owned,
    share_percent: field.decimal('Share owned, in percent (0 exclusive to 100).', { min: 0.0001, max: 100 }),
  },
  rules: { legal_entity_ownerships_check: { field: 'owned_id', message: 'an entity cannot own itself' } },
  filters: {
    owner_id: filter.equals('owner_id', owner),
    owned_id: filter.equals('owned_id', owned),
  },
});
