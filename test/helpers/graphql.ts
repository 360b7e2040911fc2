import type { RequestDocument, Variables } from 'graphql-request';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  createPorticoClient,
  type PorticoClient,
  type PorticoClientOptions,
  type PorticoGraphQLError,
} from '../../src/sdk/portico-client.js';
import type { TestApp } from './app.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T;
  errors?: PorticoGraphQLError[];
}

/**
 * The one way tests call GraphQL over HTTP: Portico's typed SDK (graphql-request underneath) on the
 * test app, with the caller's credential as headers (`bearer(token)`, `{ 'x-api-key': key }`).
 * Pass `persisted: true` to send documents by hash.
 */
export function sdkAs(
  app: TestApp,
  headers: Record<string, string>,
  options: Omit<PorticoClientOptions, 'headers'> = {},
): PorticoClient {
  return createPorticoClient(`${app.url}/graphql`, { ...options, headers });
}

/**
 * Untyped documents (query strings) through the same SDK client, returning data and errors side by
 * side (errors do not throw).
 */
export function graphqlAs(app: TestApp, headers: Record<string, string>) {
  const client = sdkAs(app, headers);
  return async <T = Record<string, unknown>>(
    document: RequestDocument,
    variables?: Variables,
  ): Promise<GraphQLResult<T>> => {
    const { data, errors } = await client.execute<T>(
      typeof document === 'object' && 'kind' in document ? document : String(document),
      variables as Record<string, unknown> | undefined,
    );
    return { data, errors: errors.length > 0 ? errors : undefined };
  };
}

/**
 * A GraphQL over HTTP request exactly as given (body fields, GET parameters), for what a client
 * library would not send: protocol-level tests. Answers the status and the parsed body.
 */
export async function graphqlHttp(
  app: TestApp,
  headers: Record<string, string>,
  request: { method?: 'GET' | 'POST'; body: Record<string, unknown>; accept?: string },
): Promise<{ status: number; body: GraphQLResult }> {
  const url = new URL(`${app.url}/graphql`);
  const init: RequestInit = {
    method: request.method ?? 'POST',
    headers: { ...headers, accept: request.accept ?? 'application/graphql-response+json' },
  };
  if (init.method === 'GET') {
    for (const [name, value] of Object.entries(request.body)) {
      url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  } else {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(request.body);
  }
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as GraphQLResult };
}

/** Asserts no errors and returns the data. */
export async function dataOf<T>(result: Promise<GraphQLResult<T>>): Promise<T> {
  const { data, errors } = await result;
  if (errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
  return data as T;
}

/**
 * A graphql-ws client on the app with an API key. `run` resolves an operation's last result, and
 * rejects with the errors it was refused with (an `error` message).
 */
export function wsClientAs(app: { url: string }, apiKey: string) {
  const client = createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': apiKey },
    retryAttempts: 0,
    lazy: true,
  });
  const run = <T = GraphQLResult>(
    query: string,
    options: { variables?: Record<string, unknown>; extensions?: Record<string, unknown> } = {},
  ) =>
    new Promise<T>((resolve, reject) => {
      let result: T | undefined;
      client.subscribe(
        { query, ...options },
        {
          next: (value) => {
            result = value as T;
          },
          error: reject,
          complete: () =>
            result ? resolve(result) : reject(new Error('the operation completed without a result')),
        },
      );
    });
  return { run, dispose: () => client.dispose() };
}
