import { ValidationError } from '../../domain/errors.js';
import { decodeCursor, type PageRequest, pageSize } from '../../domain/pagination.js';
import { camel, type ResourceDescription } from '../../domain/resource.js';
import type { FilterValues } from '../../domain/resources/resources.repository.js';
import { domainValue, inputName } from './graphql-names.js';

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
    values[name] = domainValue(spec.field, value, camel(name));
  }
  return values;
}

/** Mutation input (GraphQL names, global ids) → the domain's input (columns, row ids). */
export function readInputArgument(
  resource: ResourceDescription,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [column, spec] of Object.entries(resource.fields)) {
    const name = inputName(column, spec);
    if (name in input) values[column] = domainValue(spec, input[name], name);
  }
  return values;
}
