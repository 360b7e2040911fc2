import { type CostLimitOptions, costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { type DocumentNode, type GraphQLSchema, Kind, validate } from 'graphql';

/**
 * How an operation is priced, by GraphQL Armor's cost rule: 2 per object, 1 per leaf, and a
 * field's whole selection times its literal `first`/`last` (a variable multiplies by 1). The cost
 * limit (protection.ts) and the rate-limit draw (operation-budget.ts) both use these, so an
 * operation is never refused at one price and charged at another.
 *
 * Armor's default multiplies by 1.5 per level, which charges every Relay connection 2.25× for its
 * `edges { node }` wrapping alone; at 1 the cost is the fields a response can hold. Fragments add
 * no level of their own.
 */
export const costOptions = {
  objectCost: 2,
  scalarCost: 1,
  depthCostFactor: 1,
  flattenFragments: true,
} as const satisfies CostLimitOptions;

// Armor reports each operation's cost to onAccept, in document order, and keeps its calculator to
// itself: with no limit, running the rule alone over a document reads every operation's cost. Once
// per document: Yoga's parse cache hands back the same DocumentNode for the same text.
const costs = new WeakMap<DocumentNode, Map<string, number>>();

function costsOf(schema: GraphQLSchema, document: DocumentNode): Map<string, number> {
  const found: number[] = [];
  const rule = costLimitRule({
    ...costOptions,
    maxCost: Number.POSITIVE_INFINITY,
    onAccept: [(_context, { n }: { n: number }) => found.push(n)],
  });
  validate(schema, document, [rule]);
  const byName = new Map<string, number>();
  let index = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    byName.set(definition.name?.value ?? '', found[index++] ?? 0);
  }
  return byName;
}

/**
 * The cost of the operation a request executes: the one named, or the document's only one. An
 * operation execution will refuse (an unknown name) costs 0.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): number {
  let byName = costs.get(document);
  if (!byName) {
    byName = costsOf(schema, document);
    costs.set(document, byName);
  }
  if (operationName) return byName.get(operationName) ?? 0;
  return byName.size === 1 ? (byName.values().next().value ?? 0) : 0;
}
