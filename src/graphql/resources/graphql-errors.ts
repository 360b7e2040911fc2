import { ValidationError } from '../../domain/errors.js';
import type { ResourceDescription } from '../../domain/resource.js';
import { renamedForGraphQL } from './graphql-names.js';

/** Runs a mutation, renaming a validation error's fields from columns to the mutation's input names. */
export async function withGraphQLFieldNames<T>(
  resource: ResourceDescription,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) throw renamedForGraphQL(resource, error);
    throw error;
  }
}
