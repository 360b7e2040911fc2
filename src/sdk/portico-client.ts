// The typed GraphQL SDK for client teams: graphql-request plus the typed documents generated from
// schema/operations (./generated/graphql.ts). No Node built-ins, so it runs in browsers too.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { ClientError, GraphQLClient, type RequestMiddleware } from 'graphql-request';

export interface PorticoClientOptions {
  /** An OAuth access token, or a function giving the current one (called before every request). */
  token?: string | (() => string | Promise<string>);
  /** An API key, `<public id>.<secret>`, sent as `X-API-Key`. */
  apiKey?: string;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /**
   * Send each document's sha256 hash instead of its text (`extensions.persistedQuery`). Portico knows
   * the hashes of the documents this SDK was generated with (its trusted documents); a server that
   * runs with GRAPHQL_TRUSTED_DOCUMENTS_ONLY accepts nothing else.
   */
  persisted?: boolean;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
}

export interface PorticoGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Data and errors side by side, as the server answered them. */
export interface PorticoResult<TResult> {
  data: TResult | undefined;
  errors: PorticoGraphQLError[];
  status: number;
  headers: Headers;
}

/** A request whose answer carried GraphQL errors or a failed HTTP status. */
export class PorticoRequestError extends Error {
  constructor(readonly result: PorticoResult<unknown>) {
    const first = result.errors[0];
    super(
      first
        ? `${first.message}${typeof first.extensions?.code === 'string' ? ` (${first.extensions.code})` : ''}`
        : `GraphQL request failed with HTTP ${result.status}`,
    );
    this.name = 'PorticoRequestError';
  }

  get errors(): PorticoGraphQLError[] {
    return this.result.errors;
  }

  /** The first error's `extensions.code` (UNAUTHENTICATED, FORBIDDEN, PERSISTED_QUERY_NOT_FOUND, …). */
  get code(): string | undefined {
    const code = this.result.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

type Variables = Record<string, unknown>;

/** Variables may be left out when the operation has no required ones. */
export type VariablesArgument<TVariables> =
  Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface PorticoClient {
  /** Runs a typed document; resolves with its data, rejects with PorticoRequestError on any error. */
  request<TResult, TVariables extends Variables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesArgument<TVariables>
  ): Promise<TResult>;
  /** Runs a document; never rejects for GraphQL or HTTP errors, which come back beside the data. */
  execute<TResult, TVariables extends Variables = Variables>(
    document: TypedDocumentNode<TResult, TVariables> | DocumentNode | string,
    ...variables: VariablesArgument<TVariables>
  ): Promise<PorticoResult<TResult>>;
}

/** The text graphql-request would send for a document: graphql-js `print`, as the manifest is hashed. */
const printed = new WeakMap<DocumentNode, string>();
function textOf(document: DocumentNode | string): string {
  if (typeof document === 'string') return document;
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

const hashes = new Map<string, string>();
async function sha256Hex(text: string): Promise<string> {
  let hash = hashes.get(text);
  if (hash === undefined) {
    const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    hash = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
    if (hashes.size >= 1000) hashes.clear(); // the SDK's documents are few; arbitrary strings are not
    hashes.set(text, hash);
  }
  return hash;
}

/** A Portico GraphQL client for `url` (the `/graphql` endpoint). */
export function createPorticoClient(url: string, options: PorticoClientOptions = {}): PorticoClient {
  const middleware: RequestMiddleware = async (request) => {
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    if (options.apiKey) headers.set('x-api-key', options.apiKey);
    if (options.token) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      headers.set('authorization', `Bearer ${token}`);
    }
    let body = request.body;
    if (options.persisted && typeof body === 'string') {
      const { query, ...rest } = JSON.parse(body) as { query: string; extensions?: Record<string, unknown> };
      body = JSON.stringify({
        ...rest,
        extensions: {
          ...rest.extensions,
          persistedQuery: { version: 1, sha256Hash: await sha256Hex(query) },
        },
      });
    }
    return { ...request, headers, body };
  };
  // POST always (a persisted hash travels in the body); errors are returned, not thrown, by
  // graphql-request so that execute() can hand them back beside the data.
  const client = new GraphQLClient(url, {
    method: 'POST',
    errorPolicy: 'all',
    requestMiddleware: middleware,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function execute<TResult>(
    document: DocumentNode | string,
    variables?: Variables,
  ): Promise<PorticoResult<TResult>> {
    try {
      const response = await client.rawRequest<TResult>(textOf(document), variables);
      return {
        data: response.data ?? undefined,
        errors: (response.errors ?? []) as PorticoGraphQLError[],
        status: response.status,
        headers: response.headers,
      };
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      return {
        data: (error.response.data ?? undefined) as TResult | undefined,
        errors: (error.response.errors ?? []) as PorticoGraphQLError[],
        status: error.response.status,
        headers: error.response.headers,
      };
    }
  }

  return {
    execute: (document, ...[variables]) => execute(document, variables),
    request: async <TResult>(document: DocumentNode, ...[variables]: [Variables?]) => {
      const result = await execute<TResult>(document, variables);
      if (result.errors.length > 0 || result.status >= 400 || result.data === undefined) {
        throw new PorticoRequestError(result);
      }
      return result.data;
    },
  };
}
