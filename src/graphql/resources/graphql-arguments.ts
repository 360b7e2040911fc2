import { ValidationError } from '../../domain/errors.js';
import { decodeCursor, type PageRequest, pageSize } from '../../domain/pagination.js';
import { camel, type ResourceDescription } from '../../domain/resource.js';
import type { FilterValues } from '../../domain/resources/resources.repository.js';
import { localId } from './graphql-names.js';

/** Relay connection arguments → a keyset window. `first` and `last` together are refused. */
export function readPage(args: Record<string, unknown>): PageRequest {
  const { first, after, last, before } = args as {
    first?: number | null;
    after?: string | null;
    last?: number | null;
    before?: string | null;
  };
  if (last !== undefined && last !== null) {
    if (first !== undefined && first !== null)
      throw new ValidationError('last', 'cannot be combined with first');
    return {
      direction: 'backward',
      limit: pageSize(last, 'last'),
      ...(before ? { cursorId: decodeCursor(before, 'before') } : {}),
    };
  }
  return {
    direction: 'forward',
    limit: pageSize(first, 'first'),
    ...(after ? { cursorId: decodeCursor(after, 'after') } : {}),
  };
}

/** Filter arguments (camelCase, global ids) → the description's filter values. */
export function readFilters(resource: ResourceDescription, args: Record<string, unknown>): FilterValues {
  const values: FilterValues = {};
  for (const [name, spec] of Object.entries(resource.filters)) {
    const value = args[camel(name)];
    if (value === undefined || value === null) continue;
    values[name] =
      spec.field.type === 'reference' && spec.field.references && typeof value === 'string'
        ? localId(value, spec.field.references, camel(name))
        : value;
  }
  return values;
}
