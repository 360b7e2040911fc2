import { GraphQLClient, type RequestDocument, type Variables } from 'graphql-request';
import type { TestApp } from './app.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * The one way tests call GraphQL over HTTP: a real graphql-request client with the caller's
 * credential, returning data and errors side by side (errors do not throw).
 */
export function graphqlAs(app: TestApp, headers: Record<string, string>) {
  const client = new GraphQLClient(`${app.url}/graphql`, { headers, errorPolicy: 'all' });
  return async <T = Record<string, unknown>>(document: RequestDocument, variables?: Variables) => {
    const result = await client.rawRequest<T>(document as string, variables);
    return { data: result.data ?? undefined, errors: result.errors } as GraphQLResult<T>;
  };
}

/** Asserts no errors and returns the data. */
export async function dataOf<T>(result: Promise<GraphQLResult<T>>): Promise<T> {
  const { data, errors } = await result;
  if (errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
  return data as T;
}
