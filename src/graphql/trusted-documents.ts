import { createHash } from 'node:crypto';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { stripIgnoredCharacters } from 'graphql';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
// The manifest comes from the SDK's typed documents compiled into this server, not from the published
// file: the build bundles src/ alone, and a server always trusts the operations it was built with.
import { trustedDocumentsManifest } from '../sdk/trusted-documents.manifest.js';

// Trusted documents: the SDK's operations (schema/operations), published by `npm run codegen` as
// schema/trusted-documents.json, `{ "<sha256 hex of the text>": "<text>" }`, the list this server
// trusts. Clients may send the hash instead of the text, Apollo persisted-query style
// (`"extensions": { "persistedQuery": { "version": 1, "sha256Hash": "…" } }`) or as `documentId`
// (`"sha256:…"` or the bare hash). With `onlyTrusted` (GRAPHQL_TRUSTED_DOCUMENTS_ONLY) nothing else
// runs: a document sent as text must be one of them. Over WebSocket (graphql-ws requires the text)
// clients send the text, which the same check accepts or refuses.

export interface TrustedDocuments {
  /** The document text by its sha256 hex. */
  byHash: ReadonlyMap<string, string>;
  /** Whether this text (ignoring whitespace, commas and comments) is a trusted document. */
  isTrusted(text: string): boolean;
}

export const documentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

const normalized = (text: string): string | undefined => {
  try {
    return stripIgnoredCharacters(text);
  } catch {
    return undefined; // not GraphQL at all: Yoga's parser reports it, or the trusted check refuses it
  }
};

/**
 * Checks a manifest and indexes it. A hand-edited or corrupted entry (a hash that is not its text's)
 * stops the server at start rather than serving a document under the wrong id.
 */
export function loadTrustedDocuments(manifest: unknown = trustedDocumentsManifest()): TrustedDocuments {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new Error('trusted documents: expected an object of { "<sha256 hex>": "<document text>" }');
  }
  const byHash = new Map<string, string>();
  const texts = new Set<string>(); // as the SDK sends them: found without lexing
  const stripped = new Set<string>(); // without whitespace, commas and comments
  for (const [hash, text] of Object.entries(manifest)) {
    if (typeof text !== 'string' || documentHash(text) !== hash) {
      throw new Error(
        `trusted documents: entry "${hash}" is not the sha256 of its text (run npm run codegen)`,
      );
    }
    byHash.set(hash, text);
    texts.add(text);
    const compact = normalized(text);
    if (compact !== undefined) stripped.add(compact);
  }
  return {
    byHash,
    isTrusted: (text) => {
      if (texts.has(text)) return true;
      const compact = normalized(text);
      return compact !== undefined && stripped.has(compact);
    },
  };
}

// Request errors, reported like Yoga's own (missing query, invalid document): 400 to clients that
// accept application/graphql-response+json, 200 to application/json-only clients (`spec`).
const requestError = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code, http: { status: 400, spec: true } } });

/** `documentId` (GraphQL over HTTP persisted documents) as a bare sha256 hex, if one was sent. */
function documentIdOf(params: GraphQLParams): unknown {
  const value = (params as { documentId?: unknown }).documentId;
  return typeof value === 'string' ? value.replace(/^sha256:/, '') : value;
}

function persistedHashOf(params: GraphQLParams): string | undefined {
  const persisted = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } })
    ?.persistedQuery;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string'
    ? persisted.sha256Hash
    : undefined;
}

/**
 * The Yoga plugin: runs trusted documents by hash, refuses unknown hashes with
 * PERSISTED_QUERY_NOT_FOUND, and with `onlyTrusted` refuses any other document with
 * PERSISTED_QUERY_ONLY, over HTTP and WebSocket. Without `onlyTrusted`, arbitrary documents run as
 * before. Put it first among the plugins, so nothing parses a document it refuses.
 */
export function trustedDocumentsPlugin(options: {
  onlyTrusted: boolean;
  documents?: TrustedDocuments;
}): Plugin {
  const documents = options.documents ?? loadTrustedDocuments();
  const onlyTrusted = options.onlyTrusted;
  return {
    onPluginInit({ addPlugin }) {
      // Added right after this plugin, so it sees the parameters as normalised below.
      addPlugin(
        usePersistedOperations({
          allowArbitraryOperations: true, // with onlyTrusted, onParse below refuses untrusted text
          getPersistedOperation: (hash) => documents.byHash.get(hash) ?? null,
          customErrors: {
            notFound: ({ params }) =>
              requestError(
                `Unknown persisted document "${persistedHashOf(params)}": no trusted document has this sha256 ` +
                  'hash (schema/trusted-documents.json of this server). ' +
                  (onlyTrusted
                    ? 'This server runs only trusted documents.'
                    : 'Send the document text instead, or use the SDK built with this server.'),
                'PERSISTED_QUERY_NOT_FOUND',
              ),
            keyNotFound: () =>
              requestError(
                'Must provide query string, or the sha256 hash of a trusted document in extensions.persistedQuery.',
                'BAD_REQUEST',
              ),
          },
        }),
      );
    },
    onParams({ params, setParams }) {
      const documentId = documentIdOf(params);
      let hash = persistedHashOf(params);
      if (typeof documentId === 'string') {
        if (hash !== undefined && hash !== documentId) {
          throw requestError(
            'documentId and extensions.persistedQuery.sha256Hash name different documents.',
            'BAD_REQUEST',
          );
        }
        hash = documentId;
        const { documentId: _, ...rest } = params as GraphQLParams & { documentId?: unknown };
        setParams({
          ...rest,
          extensions: { ...params.extensions, persistedQuery: { version: 1, sha256Hash: documentId } },
        });
      }
      // Sent by hash: the persisted-operations plugin (next) looks it up.
      if (typeof params.query !== 'string' || params.query === '') return;
      if (hash !== undefined && hash !== documentHash(params.query)) {
        throw requestError(
          `The persisted document hash "${hash}" is not the sha256 of the query sent with it.`,
          'PERSISTED_QUERY_HASH_MISMATCH',
        );
      }
    },
    // The trusted-only check sits on the parser, which every transport goes through: HTTP (where a
    // hash has been replaced by its trusted text by then) and WebSocket (websocket.ts parses with
    // Yoga's envelop).
    onParse({ params }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (onlyTrusted && !documents.isTrusted(text)) {
        throw requestError(
          'This server runs only trusted documents (GRAPHQL_TRUSTED_DOCUMENTS_ONLY) and this document is not ' +
            'one of them. Send the sha256 hash of a trusted document in extensions.persistedQuery, or its ' +
            'exact text (see schema/trusted-documents.json).',
          'PERSISTED_QUERY_ONLY',
        );
      }
    },
  };
}
