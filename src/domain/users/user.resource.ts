import { defineResource, field } from '../resource.js';

export const userResource = defineResource({
  name: 'user',
  plural: 'users',
  table: 'users',
  family: 'clients',
  owner: 'client',
  description: 'A person with access to a client’s data; what they may see is in their role assignments.',
  fields: {
    name: field.text('Full name.'),
    email: field.text('Email address, unique within the client.', {
      max: 320,
      pattern: /^[^@\s]+@[^@\s]+$/,
      hint: 'must be an email address',
    }),
  },
  children: {
    role_assignments: { resource: 'role_assignment', column: 'user_id', description: 'The user’s roles.' },
  },
});
