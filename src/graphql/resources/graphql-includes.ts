import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { camel, type ResourceDescription, relationName, resourceNamed } from '../../domain/resource.js';
import type { Include } from '../../domain/resources/resources.service.js';

// Which to-one relations a list's selection reads (`positions { edges { node { instrument {
// issuer { name } } } } }`), so the list's statement reads them along instead of one more
// statement per relation and level. Only what the query selects is joined, three levels at most.

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

/** The name a reference column's relation has on a GraphQL type (`instrument_id` → `instrument`). */
export const relationField = (column: string) => camel(relationName(column));

function includesIn(
  resource: ResourceDescription,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  depth: number,
): Include[] {
  if (depth === 0 || nodes.length === 0) return [];
  const fields = fieldsOf(nodes, fragments);
  const includes: Include[] = [];
  for (const [column, spec] of Object.entries(resource.fields)) {
    if (spec.type !== 'reference' || !spec.references) continue;
    const selected = named(fields, relationField(column));
    if (selected.length === 0) continue;
    const target = resourceNamed(spec.references);
    includes.push({ column, resource: target, includes: includesIn(target, selected, fragments, depth - 1) });
  }
  return includes;
}

/** The relations to read along with the rows of a connection field (its `edges { node }`). */
export function includesFor(resource: ResourceDescription, info: GraphQLResolveInfo): Include[] {
  const edges = named(fieldsOf(info.fieldNodes, info.fragments), 'edges');
  const nodes = named(fieldsOf(edges, info.fragments), 'node');
  return includesIn(resource, nodes, info.fragments, maxDepth);
}
