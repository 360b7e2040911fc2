import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { ValidationError } from '../../domain/errors.js';

/** The request header; GraphQL also takes the key from the request's `extensions.idempotencyKey`. */
export const idempotencyHeader = 'Idempotency-Key';

/** A replayed answer says so. */
export const replayedHeader = 'Idempotent-Replayed';

/** How long a key answers for its first request (DESIGN.md: 72 hours). */
export const idempotencyRetentionHours = 72;

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The key a request carries, lower-cased; undefined without one; refused unless it is a UUID v4. */
export function readIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !uuidV4.test(value.trim())) {
    const refused = new ValidationError(
      idempotencyHeader,
      'must be a UUID v4, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    // Where the refused input was, as Fastify marks its own validation errors (v1 names the header).
    throw Object.assign(refused, { validationContext: 'headers' });
  }
  return value.trim().toLowerCase();
}

/**
 * What makes two requests the same one: method, target and body. The body is compared as the JSON
 * it means (keys in any order, any spacing), not as the bytes that carried it.
 */
export function requestFingerprint(method: string, target: string, body: unknown): string {
  return createHash('sha256')
    .update(stringify([method.toUpperCase(), target, body ?? null]) ?? '')
    .digest('base64url');
}

/** The key answered an earlier, different request: 422. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency_key_reused';
  readonly field = idempotencyHeader;
  constructor(original: { method: string; path: string }) {
    super(
      `This Idempotency-Key was used for a different request (${original.method} ${original.path}); use a new key for a new request`,
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The first request with this key has not answered yet: 409, retry later with the same key. */
export class IdempotencyKeyInFlightError extends Error {
  readonly code = 'idempotency_key_in_flight';
  readonly field = idempotencyHeader;
  constructor() {
    super(
      'A request with this Idempotency-Key is still in progress; retry with the same key once it has answered',
    );
    this.name = 'IdempotencyKeyInFlightError';
  }
}
