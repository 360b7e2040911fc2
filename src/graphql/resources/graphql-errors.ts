import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { ResourceDescription } from '../../domain/resource.js';
import { renamedForGraphQL } from './graphql-names.js';

/**
 * Runs a mutation and speaks of its expected failures in the caller's terms: a validation error's
 * fields by the mutation's input names rather than columns, a missing record by the global id the
 * caller sent rather than the row id.
 */
export async function withGraphQLFieldNames<T>(
  resource: ResourceDescription,
  run: () => Promise<T>,
  globalId?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) throw renamedForGraphQL(resource, error);
    if (error instanceof NotFoundError && globalId !== undefined)
      throw new NotFoundError(error.resource, globalId);
    throw error;
  }
}
