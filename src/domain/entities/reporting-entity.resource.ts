import { defineResource, field, filter } from '../resource.js';

const parent = field.reference('reporting_entity', 'The parent in the reporting tree; null at the root.', {
  nullable: true,
});

export const reportingEntityResource = defineResource({
  name: 'reporting_entity',
  plural: 'reporting_entities',
  table: 'reporting_entities',
  family: 'entities',
  owner: 'client',
  description: 'A node of the reporting tree: how a client wants to view its wealth.',
  fields: {
    parent_id: parent,
    legal_entity_id: field.reference('legal_entity', 'The legal entity this node stands for, if any.', {
      nullable: true,
    }),
    name: field.text('Name shown in reports.'),
  },
  rules: { reporting_entities_check: { field: 'parent_id', message: 'a node cannot be its own parent' } },
  filters: { parent_id: filter.equals('parent_id', parent) },
  children: {
    children: { resource: 'reporting_entity', column: 'parent_id', description: 'Child nodes of the tree.' },
    portfolios: {
      resource: 'portfolio',
      column: 'reporting_entity_id',
      description: 'Portfolios under this node.',
    },
  },
});
