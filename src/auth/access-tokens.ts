import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Scope } from './scopes.js';
import { accessTokenLifetimeSeconds, type SigningKeyring } from './signing-keys.js';

export interface AccessTokenSubject {
  clientId: string;
  tenantId: string;
  whiteLabelId: string | null;
  scopes: readonly Scope[];
}

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope: string;
  tenant_id: string;
  white_label_id: string | null;
}

/** An RFC 9068 access token: ES256, typ at+jwt, iss and aud this server, one hour. */
export async function issueAccessToken(
  keyring: SigningKeyring,
  issuer: string,
  subject: AccessTokenSubject,
): Promise<{ token: string; expiresIn: number }> {
  const { kid, privateKey } = await keyring.signingKey();
  const token = await new SignJWT({
    client_id: subject.clientId,
    scope: subject.scopes.join(' '),
    tenant_id: subject.tenantId,
    white_label_id: subject.whiteLabelId,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
    .setIssuer(issuer)
    .setSubject(subject.clientId)
    .setAudience(issuer)
    .setIssuedAt()
    .setExpirationTime(`${accessTokenLifetimeSeconds}s`)
    .setJti(randomUUID())
    .sign(privateKey);
  return { token, expiresIn: accessTokenLifetimeSeconds };
}

/**
 * Verifies one of our access tokens. Algorithm, issuer, audience and typ are pinned, exp is
 * required, and the key comes only from our own keyring by kid — never from jku/x5u/jwk headers.
 * Returns undefined for anything that is not a valid access token.
 */
export async function verifyAccessToken(
  keyring: SigningKeyring,
  issuer: string,
  token: string,
): Promise<AccessTokenClaims | undefined> {
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'ES256' || header.typ !== 'at+jwt' || typeof header.kid !== 'string') return undefined;
    const key = await keyring.verificationKey(header.kid);
    if (!key) return undefined;
    const { payload } = await jwtVerify<AccessTokenClaims>(token, key, {
      algorithms: ['ES256'],
      issuer,
      audience: issuer,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'tenant_id', 'scope'],
      clockTolerance: 30,
    });
    if (typeof payload.aud !== 'string' || typeof payload.tenant_id !== 'string') return undefined;
    return payload;
  } catch {
    return undefined;
  }
}
