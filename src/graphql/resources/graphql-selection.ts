import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { camel, type ResourceDescription, resourceNamed } from '../../domain/resource.js';
import type { Include } from '../../domain/resources/resources.service.js';
import { relationField } from './graphql-names.js';

// What a list's selection reads of its rows: the columns behind the selected fields, so a row
// parses nothing it will not render, and the to-one relations it follows (`positions { edges {
// node { instrument { issuer { name } } } } }`), so the list's statement reads them along instead
// of one more statement per relation and level. Three levels at most.

const maxDepth = 3;

type Fragments = Record<string, FragmentDefinitionNode>;

/** The fields a selection holds, through fragment spreads and inline fragments. */
function fieldsOf(nodes: readonly FieldNode[], fragments: Fragments): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') fields.push(selection);
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet);
      else visit(fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of nodes) visit(node.selectionSet);
  return fields;
}

function named(fields: FieldNode[], name: string): FieldNode[] {
  return fields.filter((field) => field.name.value === name);
}

const columnsByField = new Map<ResourceDescription, Map<string, readonly string[]>>();

/** The columns each GraphQL field of a resource's type reads (see resource-types.graphql.ts). */
function fieldColumns(resource: ResourceDescription): Map<string, readonly string[]> {
  let map = columnsByField.get(resource);
  if (!map) {
    map = new Map<string, readonly string[]>([['id', ['id']]]);
    for (const [column, spec] of Object.entries(resource.fields)) {
      if (spec.type === 'reference' && spec.references) map.set(relationField(column), [column]);
      else if (spec.type === 'money' && spec.currency) map.set(camel(column), [column, spec.currency]);
      else map.set(camel(column), [column]);
    }
    // A to-many relation is read by the row's id.
    for (const name of Object.keys(resource.children)) map.set(camel(name), ['id']);
    columnsByField.set(resource, map);
  }
  return map;
}

export interface Selection {
  columns: string[];
  includes: Include[];
  /** Whether the connection's totalCount is selected: counted in the same statement if so. */
  withTotals?: boolean;
}

function selectionIn(
  resource: ResourceDescription,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  depth: number,
): Selection {
  const fields = fieldsOf(nodes, fragments);
  const byField = fieldColumns(resource);
  const columns = new Set(['id']);
  for (const field of fields) for (const column of byField.get(field.name.value) ?? []) columns.add(column);
  const includes: Include[] = [];
  if (depth > 0) {
    for (const [column, spec] of Object.entries(resource.fields)) {
      if (spec.type !== 'reference' || !spec.references) continue;
      const selected = named(fields, relationField(column));
      if (selected.length === 0) continue;
      const target = resourceNamed(spec.references);
      const inner = selectionIn(target, selected, fragments, depth - 1);
      includes.push({ column, resource: target, columns: inner.columns, includes: inner.includes });
    }
  }
  return { columns: [...columns], includes };
}

/** What a connection field's rows need read (through its `edges { node }`). */
export function selectionFor(resource: ResourceDescription, info: GraphQLResolveInfo): Selection {
  const connection = fieldsOf(info.fieldNodes, info.fragments);
  const nodes = named(fieldsOf(named(connection, 'edges'), info.fragments), 'node');
  return {
    ...selectionIn(resource, nodes, info.fragments, maxDepth),
    withTotals: named(connection, 'totalCount').length > 0,
  };
}
