/** An RFC 6749 §5.2 error response from the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'invalid_scope'
      | 'unauthorized_client'
      | 'unsupported_grant_type',
    readonly description: string,
    /** Seconds to wait, when the caller is being slowed down after repeated failures. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  get status(): number {
    if (this.retryAfterSeconds !== undefined) return 429;
    return this.error === 'invalid_client' ? 401 : 400;
  }
}
