import type { TenantScope } from '../domain/write.js';
import type { Scope } from './scopes.js';

/** Who is calling: built once per request (or WebSocket connection) by one authentication step. */
export interface Viewer extends TenantScope {
  credential: {
    kind: 'oauth_client' | 'api_key';
    /** Stable identifier of the credential: the OAuth client_id, or the API key's row id. */
    id: string;
    /** The OAuth client_id, or the API key's public id. */
    publicId: string;
  };
  scopes: ReadonlySet<Scope>;
  /** When the credential stops working by itself (an access token's exp, an API key's expiry). */
  expiresAt?: Date;
}

/** No credential, or one that is malformed, expired, revoked or not ours: 401 everywhere. */
export class AuthenticationError extends Error {
  readonly code = 'invalid_token';
  constructor(message = 'A valid access token or API key is required') {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** A valid credential without the scope an operation needs: 403 everywhere. */
export class InsufficientScopeError extends Error {
  readonly code = 'insufficient_scope';
  constructor(readonly scope: Scope) {
    super(`This operation needs the ${scope} scope`);
    this.name = 'InsufficientScopeError';
  }
}

export function requireScope(viewer: Viewer, scope: Scope): void {
  if (!viewer.scopes.has(scope)) throw new InsufficientScopeError(scope);
}

/** The WWW-Authenticate value for an authentication or scope failure (RFC 6750 §3). */
export function bearerChallenge(error: AuthenticationError | InsufficientScopeError): string {
  const description = error.message.replaceAll('"', "'");
  return error instanceof InsufficientScopeError
    ? `Bearer realm="portico", error="insufficient_scope", error_description="${description}", scope="${error.scope}"`
    : `Bearer realm="portico", error="invalid_token", error_description="${description}"`;
}
