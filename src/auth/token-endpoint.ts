import { decodeJwt } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { Broker } from '../platform/broker.js';
import type { BrokerFallback } from '../platform/broker-fallback.js';
import { issueAccessToken } from './access-tokens.js';
import { clientAssertionType, jwtBearerGrantType, verifyAssertion } from './client-assertion.js';
import { findOAuthClientByClientId } from './oauth-clients.repository.js';
import { OAuthError } from './oauth-error.js';
import { isScope, type Scope } from './scopes.js';
import { secretMatches } from './secrets.js';
import type { SigningKeyring } from './signing-keys.js';

export interface TokenEndpointDeps {
  db: Kysely<DB>;
  broker: Broker;
  /**
   * The failed-attempt counters: shared through Redis, and per instance while it fails (the
   * single-use assertion ids stay on `broker`: an assertion whose use cannot be recorded is refused).
   */
  throttles: BrokerFallback;
  keyring: SigningKeyring;
  issuer: string;
}

export interface TokenRequest {
  /** The parsed form or JSON body. */
  body: unknown;
  authorization: string | undefined;
  ip: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Thrown for failed HTTP Basic client authentication: the response must carry a Basic challenge. */
export class BasicAuthError extends OAuthError {}

// A separate, strict budget for failures (far below the general rate limit). Secrets hold 256
// random bits, so the budget is not what stops guessing; it stops a misconfigured or hostile
// caller from hammering the endpoint. Per address it is larger: behind a load balancer many
// clients share one.
const failureWindowMs = 5 * 60_000;
export const maxFailuresPerClient = 60;
const maxFailuresPerAddress = 300;

const fieldNames = [
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion_type',
  'client_assertion',
  'assertion',
] as const;

type Fields = Partial<Record<(typeof fieldNames)[number], string>>;

export function tokenEndpointUrl(issuer: string): string {
  return `${issuer}/oauth/token`;
}

const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'];

/**
 * What an assertion's aud may name: the issuer or the token endpoint. On a loopback issuer (local
 * development) every spelling of loopback names the same server, so each is accepted.
 */
export function assertionAudiences(issuer: string): string[] {
  const url = new URL(issuer);
  const issuers = loopbackHosts.includes(url.hostname)
    ? loopbackHosts.map((host) => issuer.replace(url.hostname, host))
    : [issuer];
  return issuers.flatMap((base) => [base, tokenEndpointUrl(base)]);
}

export async function handleTokenRequest(
  deps: TokenEndpointDeps,
  request: TokenRequest,
): Promise<TokenResponse> {
  const fields = readFields(request.body);
  const basic = parseBasic(request.authorization);
  const claimedClient =
    basic?.clientId ?? fields.client_id ?? unverifiedIssuer(fields.client_assertion ?? fields.assertion);
  await refuseIfThrottled(deps.throttles, claimedClient, request.ip);
  try {
    return await grant(deps, fields, basic);
  } catch (error) {
    if (
      error instanceof OAuthError &&
      (error.error === 'invalid_client' || error.error === 'invalid_grant')
    ) {
      await deps.throttles.run((broker) =>
        Promise.all([
          claimedClient && broker.increment(`oauth-failures:client:${claimedClient}`, failureWindowMs),
          broker.increment(`oauth-failures:address:${request.ip}`, failureWindowMs),
        ]),
      );
    }
    throw error;
  }
}

async function grant(
  deps: TokenEndpointDeps,
  fields: Fields,
  basic: { clientId: string; secret: string } | undefined,
): Promise<TokenResponse> {
  if (!fields.grant_type) throw new OAuthError('invalid_request', 'grant_type is required');
  if (fields.grant_type !== 'client_credentials' && fields.grant_type !== jwtBearerGrantType) {
    throw new OAuthError(
      'unsupported_grant_type',
      `grant_type must be client_credentials or ${jwtBearerGrantType}, not ${fields.grant_type}`,
    );
  }
  const audiences = assertionAudiences(deps.issuer);
  const methods = [basic, fields.client_secret, fields.client_assertion].filter((m) => m !== undefined);
  if (methods.length > 1)
    throw new OAuthError('invalid_request', 'use exactly one client authentication method');

  let client: Awaited<ReturnType<typeof findOAuthClientByClientId>>;
  if (basic) {
    client = await authenticateSecret(deps.db, basic.clientId, basic.secret, true);
    if (fields.client_id !== undefined && fields.client_id !== basic.clientId) {
      throw new OAuthError(
        'invalid_request',
        'client_id in the body does not match the Authorization header',
      );
    }
  } else if (fields.client_secret !== undefined) {
    if (!fields.client_id)
      throw new OAuthError('invalid_request', 'client_id is required with client_secret');
    client = await authenticateSecret(deps.db, fields.client_id, fields.client_secret, false);
  } else if (fields.client_assertion !== undefined) {
    if (fields.client_assertion_type !== clientAssertionType) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${clientAssertionType}`);
    }
    client = await verifyAssertion(
      { ...deps, audiences },
      fields.client_assertion,
      'invalid_client',
      fields.client_id,
    );
  }

  if (fields.grant_type === jwtBearerGrantType) {
    if (!fields.assertion)
      throw new OAuthError('invalid_request', 'assertion is required for the JWT-bearer grant');
    const asserted = await verifyAssertion(
      { ...deps, audiences },
      fields.assertion,
      'invalid_grant',
      fields.client_id,
    );
    if (client && client.id !== asserted.id) {
      throw new OAuthError(
        'invalid_grant',
        'the assertion was issued by another client than the one authenticated',
      );
    }
    client = asserted;
  }
  if (!client) throw new OAuthError('invalid_client', 'client authentication is required');

  const granted = grantedScopes(client.scopes, fields.scope);
  const { token, expiresIn } = await issueAccessToken(deps.keyring, deps.issuer, {
    clientId: client.client_id,
    tenantId: client.tenant_id,
    whiteLabelId: client.white_label_id,
    scopes: granted,
  });
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: granted.join(' ') };
}

async function authenticateSecret(db: Kysely<DB>, clientId: string, secret: string, basic: boolean) {
  const client = await findOAuthClientByClientId(db, clientId);
  const Failure = basic ? BasicAuthError : OAuthError;
  if (!client || client.revoked_at || !client.secret_hash || !secretMatches(secret, client.secret_hash)) {
    throw new Failure('invalid_client', 'client authentication failed');
  }
  return client;
}

/** The requested scopes, which must all be the client's; omitted means every scope it holds. */
function grantedScopes(clientScopes: readonly string[], requested: string | undefined): Scope[] {
  const held = clientScopes.filter(isScope);
  if (requested === undefined || requested.trim() === '') return held;
  const names = [...new Set(requested.split(' ').filter(Boolean))];
  const refused = names.filter((name) => !held.includes(name as Scope));
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', `the client may not request: ${refused.join(' ')}`);
  }
  return names as Scope[];
}

function readFields(body: unknown): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError(
      'invalid_request',
      'the body must be application/x-www-form-urlencoded or a JSON object',
    );
  }
  const fields: Fields = {};
  for (const name of fieldNames) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be a single string`);
    fields[name] = value;
  }
  return fields;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function parseBasic(authorization: string | undefined): { clientId: string; secret: string } | undefined {
  const match = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new BasicAuthError('invalid_client', 'malformed Basic credentials');
  const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
  try {
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    throw new BasicAuthError('invalid_client', 'malformed Basic credentials');
  }
}

/** The issuer of an assertion before verification: only used to count failures per client. */
function unverifiedIssuer(assertion: string | undefined): string | undefined {
  try {
    const payload = decodeJwt(assertion ?? '');
    return typeof payload.iss === 'string' ? payload.iss.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

async function refuseIfThrottled(
  throttles: BrokerFallback,
  clientId: string | undefined,
  ip: string,
): Promise<void> {
  const [byClient, byAddress] = await throttles.run((broker) =>
    Promise.all([
      clientId ? broker.get(`oauth-failures:client:${clientId}`) : null,
      broker.get(`oauth-failures:address:${ip}`),
    ]),
  );
  if (Number(byClient ?? 0) >= maxFailuresPerClient || Number(byAddress ?? 0) >= maxFailuresPerAddress) {
    throw new OAuthError('invalid_request', 'too many failed attempts; retry later', failureWindowMs / 1000);
  }
}
