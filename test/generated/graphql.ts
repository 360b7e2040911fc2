/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/** An API key of the caller’s tenant. The secret is shown only when the key is created. */
export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['String']['output'];
  description: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastUsedAt: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  publicId: Scalars['String']['output'];
  scopes: Array<Scalars['String']['output']>;
};

export type CredentialKind =
  | 'API_KEY'
  | 'OAUTH_CLIENT';

export type Query = {
  __typename?: 'Query';
  /** The first 100 API keys visible to the caller. */
  apiKeys: Array<ApiKey>;
  /** The Portico release serving this request. */
  version: Scalars['String']['output'];
  viewer: Viewer;
};

/** The credential making this request, and what it may do. */
export type Viewer = {
  __typename?: 'Viewer';
  /** The OAuth client_id or the API key public id. */
  credentialId: Scalars['String']['output'];
  credentialKind: CredentialKind;
  scopes: Array<Scalars['String']['output']>;
  tenantId: Scalars['String']['output'];
  whiteLabelId: Maybe<Scalars['String']['output']>;
};

export type VersionQueryVariables = Exact<{ [key: string]: never; }>;


export type VersionQuery = { version: string };


export const VersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Version"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]} as unknown as DocumentNode<VersionQuery, VersionQueryVariables>;