import { createHash } from 'node:crypto';
import { type DocumentNode, print } from 'graphql';
import * as generated from './generated/graphql.js';

const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Document';

/** The operation's name; undefined for the fragment documents, which are never sent alone. */
function operationName(document: DocumentNode): string | undefined {
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition');
  if (operation && !operation.name) throw new Error(`an SDK operation has no name: ${print(document)}`);
  return operation?.name?.value;
}

/**
 * The trusted documents: each SDK operation's text exactly as the SDK sends it (graphql-request
 * prints the typed document with graphql-js `print`), keyed by the sha256 hex of that text, in
 * operation-name order. Portico trusts these (src/graphql/trusted-documents.ts) and publishes them
 * as schema/trusted-documents.json.
 */
export function trustedDocumentsManifest(): Record<string, string> {
  const documents = Object.values(generated)
    .filter(isDocument)
    .flatMap((document) => {
      const name = operationName(document);
      return name ? [{ name, text: print(document) }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const manifest: Record<string, string> = {};
  for (const { text } of documents) manifest[createHash('sha256').update(text).digest('hex')] = text;
  return manifest;
}

/** schema/trusted-documents.json as `npm run codegen` writes it. */
export const renderTrustedDocuments = (): string =>
  `${JSON.stringify(trustedDocumentsManifest(), null, 2)}\n`;
