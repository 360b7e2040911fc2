import { defineResource, field, filter } from '../resource.js';

const user = field.reference('user', 'The user the role is given to.', { write: 'create' });

export const roleAssignmentResource = defineResource({
  name: 'role_assignment',
  plural: 'role_assignments',
  table: 'role_assignments',
  family: 'clients',
  owner: 'client',
  description: 'A role a user holds for the whole client, or for one legal or reporting entity.',
  fields: {
    user_id: user,
    role: field.enumOf(['owner', 'admin', 'advisor', 'viewer'], 'The role.'),
    legal_entity_id: field.reference('legal_entity', 'The legal entity the role is limited to.', {
      nullable: true,
    }),
    reporting_entity_id: field.reference('reporting_entity', 'The reporting entity the role is limited to.', {
      nullable: true,
    }),
  },
  filters: { user_id: filter.equals('user_id', user) },
});
