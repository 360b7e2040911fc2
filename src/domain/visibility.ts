import type { TenantScope } from './write.js';

interface Filterable<Q> {
  // biome-ignore lint/suspicious/noExplicitAny: applies to any table's query builder.
  where(column: any, operator: '=', value: string): Q;
}

/**
 * The tenant predicate, the one place it is written: every query a request can reach is narrowed
 * to the caller's tenant and, for a credential bound to one white label, to that white label.
 * Another tenant's id then takes the same path as an id that does not exist.
 */
export function visibleTo<Q extends Filterable<Q>>(
  query: Q,
  scope: TenantScope,
  table: string,
  options: { whiteLabel: boolean },
): Q {
  const narrowed = query.where(`${table}.tenant_id`, '=', scope.tenantId);
  return options.whiteLabel && scope.whiteLabelId
    ? narrowed.where(`${table}.white_label_id`, '=', scope.whiteLabelId)
    : narrowed;
}
