import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { Broker } from '../platform/broker.js';
import { findOAuthClientByClientId, listActiveClientKeys } from './oauth-clients.repository.js';
import { OAuthError } from './oauth-error.js';

export const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const maxLifetimeSeconds = 300;
const clockSkewSeconds = 30;

type Client = NonNullable<Awaited<ReturnType<typeof findOAuthClientByClientId>>>;

/**
 * Verifies an RFC 7523 assertion signed by a client's registered key: ES256 only, iss = sub = the
 * client id, a single-string audience naming this server, a short lifetime and a jti used once
 * (on every instance, through the broker). `as` picks the error: invalid_client when the assertion
 * authenticates the client, invalid_grant when it is the grant.
 */
export async function verifyAssertion(
  deps: { db: Kysely<DB>; broker: Broker; audiences: readonly string[] },
  assertion: string,
  as: 'invalid_client' | 'invalid_grant',
  expectedClientId?: string,
): Promise<Client> {
  const refuse = (description: string) => new OAuthError(as, description);
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    throw refuse('the assertion is not a JWT');
  }
  if (header.alg !== 'ES256')
    throw refuse(`the assertion must be signed with ES256, not ${String(header.alg)}`);
  if (header.jku || header.x5u || header.jwk) throw refuse('keys are never taken from the assertion header');

  const clientId = unverified.iss;
  if (typeof clientId !== 'string' || clientId === '') throw refuse('the assertion has no iss');
  if (expectedClientId !== undefined && expectedClientId !== clientId) {
    throw refuse('client_id does not match the assertion issuer');
  }
  const client = await findOAuthClientByClientId(deps.db, clientId);
  if (!client || client.revoked_at) throw refuse('unknown client');

  const keys = await listActiveClientKeys(deps.db, client.id);
  const candidates = header.kid === undefined ? keys : keys.filter((key) => key.kid === header.kid);
  if (candidates.length === 0)
    throw refuse(header.kid ? `unknown kid ${header.kid}` : 'the client has no registered key');

  let payload: JWTPayload | undefined;
  for (const key of candidates) {
    try {
      const publicKey = await importJWK(key.public_jwk as JWK, 'ES256');
      ({ payload } = await jwtVerify(assertion, publicKey, {
        algorithms: ['ES256'],
        issuer: clientId,
        subject: clientId,
        requiredClaims: ['exp', 'jti', 'aud'],
        clockTolerance: clockSkewSeconds,
      }));
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw refuse('the assertion has expired');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw refuse((error as Error).message);
      // A signature that fails with this key may still verify with another candidate.
    }
  }
  if (!payload) throw refuse('the assertion signature does not verify');

  // jose accepts an audience array that merely contains the value; RFC 7523 allows only this server.
  if (typeof payload.aud !== 'string' || !deps.audiences.includes(payload.aud)) {
    throw refuse(`aud must be a single string: one of ${deps.audiences.join(', ')}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number;
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
  if (issuedAt > now + clockSkewSeconds) throw refuse('iat is in the future');
  if (exp - issuedAt > maxLifetimeSeconds)
    throw refuse(`the assertion may live at most ${maxLifetimeSeconds} s (exp - iat)`);
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256)
    throw refuse('jti is required');
  const ttlMs = (exp - now + clockSkewSeconds) * 1000;
  if (!(await deps.broker.setIfAbsent(`jti:${client.id}:${payload.jti}`, '1', Math.max(ttlMs, 1000)))) {
    throw refuse('the assertion jti has already been used');
  }
  return client;
}
