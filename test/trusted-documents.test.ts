import { print, stripIgnoredCharacters } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import manifest from '../schema/trusted-documents.json' with { type: 'json' };
import { allScopes } from '../src/auth/scopes.js';
import { documentHash, loadTrustedDocuments } from '../src/graphql/trusted-documents.js';
import { PositionsDocument, VersionDocument, ViewerDocument } from '../src/sdk/generated/graphql.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { graphqlHttp, sdkAs } from './helpers/graphql.js';

const hashOf = (document: Parameters<typeof print>[0]) => documentHash(print(document));
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const unknownHash = documentHash('query Unknown { version }');

describe('trusted documents', () => {
  let open: TestApp;
  let trusted: TestApp;
  let headers: Record<string, string>;
  let trustedHeaders: Record<string, string>; // tokens name their server (issuer and audience)
  let tenantId: string;

  beforeAll(async () => {
    open = await startTestApp();
    // The same database, served as production would with GRAPHQL_TRUSTED_DOCUMENTS_ONLY.
    trusted = await startTestApp({
      database: open.database,
      env: { GRAPHQL_TRUSTED_DOCUMENTS_ONLY: 'true' },
    });
    const tenant = await tenantWithClient(open, allScopes);
    tenantId = tenant.tenantId;
    headers = bearer(await accessToken(open, tenant.client));
    trustedHeaders = bearer(await accessToken(trusted, tenant.client));
  });
  afterAll(async () => {
    await trusted?.close();
    await open?.close();
  });

  it('publishes every SDK operation under the sha256 of the text the SDK sends', () => {
    const documents = loadTrustedDocuments(manifest);
    for (const document of [ViewerDocument, PositionsDocument, VersionDocument]) {
      expect(documents.byHash.get(hashOf(document))).toBe(print(document));
    }
    expect(() => loadTrustedDocuments({ [unknownHash]: '{ version }' })).toThrow(
      /not the sha256 of its text/,
    );
  });

  describe('by default', () => {
    it('runs a document sent by hash alone (Apollo persistedQuery extension)', async () => {
      const { status, body } = await graphqlHttp(open, headers, {
        body: { extensions: persisted(hashOf(ViewerDocument)) },
      });
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ viewer: { tenantId } });
    });

    it('takes variables with a hash, and the hash as documentId or over GET', async () => {
      const byDocumentId = await graphqlHttp(open, headers, {
        body: { documentId: `sha256:${hashOf(PositionsDocument)}`, variables: { first: 1 } },
      });
      expect(byDocumentId.body.errors).toBeUndefined();
      expect(byDocumentId.body.data).toEqual({
        positions: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
      });
      const byGet = await graphqlHttp(open, headers, {
        method: 'GET',
        body: { extensions: persisted(hashOf(VersionDocument)) },
      });
      expect(byGet.status).toBe(200);
      expect(byGet.body.data).toEqual({ version: expect.any(String) });
    });

    it('refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND, 400 as for any request error', async () => {
      const { status, body } = await graphqlHttp(open, headers, {
        body: { extensions: persisted(unknownHash) },
      });
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        {
          message: expect.stringContaining(`Unknown persisted document "${unknownHash}"`),
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
        },
      ]);
      // Clients accepting only application/json get Yoga's legacy 200, as for its other request errors.
      const legacy = await graphqlHttp(open, headers, {
        body: { extensions: persisted(unknownHash) },
        accept: 'application/json',
      });
      expect(legacy.status).toBe(200);
      expect(legacy.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('refuses a hash that is not the hash of the query sent with it', async () => {
      const { status, body } = await graphqlHttp(open, headers, {
        body: { query: '{ version }', extensions: persisted(hashOf(ViewerDocument)) },
      });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    });

    it('still runs arbitrary documents', async () => {
      const { status, body } = await graphqlHttp(open, headers, {
        body: { query: '{ viewer { tenantId } }' },
      });
      expect(status).toBe(200);
      expect(body).toEqual({ data: { viewer: { tenantId } }, extensions: { rateLimit: expect.any(Object) } });
    });
  });

  describe('with GRAPHQL_TRUSTED_DOCUMENTS_ONLY=true', () => {
    it('refuses a document that is not trusted, before running any of it', async () => {
      for (const query of [
        '{ version }',
        // A trusted document with one more field is another document.
        print(ViewerDocument).replace('scopes', 'scopes\n    __typename'),
        'mutation { createIndustry(input: { code: "UNTRUSTED", name: "No", sector: "No" }) { __typename } }',
      ]) {
        const { status, body } = await graphqlHttp(trusted, trustedHeaders, { body: { query } });
        expect(status).toBe(400);
        expect(body.data).toBeUndefined();
        expect(body.errors).toEqual([
          {
            message: expect.stringContaining('runs only trusted documents'),
            extensions: { code: 'PERSISTED_QUERY_ONLY' },
          },
        ]);
      }
      const viaSdk = await sdkAs(trusted, trustedHeaders).execute('query Mine { version }');
      expect(viaSdk.status).toBe(400);
      expect(viaSdk.errors.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
      const industries = await trusted.database.db
        .selectFrom('industries')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .execute();
      expect(industries).toEqual([]);
    });

    it('runs a trusted document by hash, through the SDK and as documentId', async () => {
      const sdk = sdkAs(trusted, trustedHeaders, { persisted: true });
      expect((await sdk.request(ViewerDocument)).viewer.tenantId).toBe(tenantId);
      const byDocumentId = await graphqlHttp(trusted, trustedHeaders, {
        body: { documentId: hashOf(VersionDocument) },
      });
      expect(byDocumentId.body).toEqual({
        data: { version: expect.any(String) },
        extensions: { rateLimit: expect.any(Object) },
      });
    });

    it('runs a trusted document sent as its exact text, whitespace and comments aside', async () => {
      const sdk = sdkAs(trusted, trustedHeaders); // sends the text, as graphql-request does by default
      expect((await sdk.request(PositionsDocument, { first: 1 })).positions.edges).toEqual([]);
      const compact = `# the SDK's query, minified\n${stripIgnoredCharacters(print(ViewerDocument))}`;
      const { status, body } = await graphqlHttp(trusted, trustedHeaders, { body: { query: compact } });
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { viewer: expect.objectContaining({ tenantId }) },
        extensions: { rateLimit: expect.any(Object) },
      });
    });

    it('refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
      const { status, body } = await graphqlHttp(trusted, trustedHeaders, {
        body: { extensions: persisted(unknownHash) },
      });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('holds over WebSocket too', async () => {
      const overWebSocket = (query: string) => {
        const client = createClient({
          url: `${trusted.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: trustedHeaders,
          retryAttempts: 0,
          lazy: true,
        });
        return new Promise<unknown>((resolve, reject) => {
          let result: unknown;
          client.subscribe(
            { query },
            { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
          );
        }).finally(() => client.dispose());
      };
      expect(await overWebSocket(print(VersionDocument))).toEqual({
        data: { version: expect.any(String) },
        extensions: { rateLimit: expect.any(Object) },
      });
      const refused = await overWebSocket('{ version }').catch((errors: unknown) => errors);
      expect(refused).toEqual([
        {
          message: expect.stringContaining('runs only trusted documents'),
          extensions: { code: 'PERSISTED_QUERY_ONLY' },
        },
      ]);
    });
  });
});
