import type { TenantScope } from './write.js';

interface Filterable<Q> {
  // biome-ignore lint/suspicious/noExplicitAny: applies to any table's query builder.
  where(column: any, operator: '=', value: string): Q;
}

interface Joinable<J> {
  // biome-ignore lint/suspicious/noExplicitAny: applies to any table's join builder.
  on(column: any, operator: '=', value: string): J;
}

/**
 * The tenant predicate, the one place it is written: every query a request can reach is narrowed
 * to the caller's tenant and, for a credential bound to one white label, to that white label.
 * Another tenant's id then takes the same path as an id that does not exist.
 */
function visibility(scope: TenantScope, table: string, options: { whiteLabel: boolean }): [string, string][] {
  const conditions: [string, string][] = [[`${table}.tenant_id`, scope.tenantId]];
  if (options.whiteLabel && scope.whiteLabelId)
    conditions.push([`${table}.white_label_id`, scope.whiteLabelId]);
  return conditions;
}

export function visibleTo<Q extends Filterable<Q>>(
  query: Q,
  scope: TenantScope,
  table: string,
  options: { whiteLabel: boolean },
): Q {
  return visibility(scope, table, options).reduce(
    (narrowed, [column, value]) => narrowed.where(column, '=', value),
    query,
  );
}

/** The same predicate as a join condition, for a related row read along with its parent. */
export function joinedVisibleTo<J extends Joinable<J>>(
  join: J,
  scope: TenantScope,
  table: string,
  options: { whiteLabel: boolean },
): J {
  return visibility(scope, table, options).reduce(
    (narrowed, [column, value]) => narrowed.on(column, '=', value),
    join,
  );
}
