import { defineResource, field } from '../resource.js';

export const legalEntityResource = defineResource({
  name: 'legal_entity',
  plural: 'legal_entities',
  table: 'legal_entities',
  family: 'entities',
  owner: 'client',
  description:
    'A person, company, trust, foundation or partnership of a client; ownerships link them into a graph.',
  fields: {
    name: field.text('Legal name.'),
    kind: field.enumOf(
      ['person', 'company', 'trust', 'foundation', 'partnership'],
      'What kind of legal entity.',
    ),
    country: field.country('Country of residence or incorporation.', { nullable: true }),
    registration_number: field.text('Registration number.', { nullable: true, max: 64 }),
  },
  children: {
    owners: {
      resource: 'legal_entity_ownership',
      column: 'owned_id',
      description: 'Ownership edges pointing at this entity: who owns it, with what share.',
    },
    owned: {
      resource: 'legal_entity_ownership',
      column: 'owner_id',
      description: 'Ownership edges from this entity: what it owns, with what share.',
    },
    accounts: { resource: 'account', column: 'legal_entity_id', description: 'Accounts the entity owns.' },
  },
});
