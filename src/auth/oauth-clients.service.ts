import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { ConflictError, NotFoundError, requireName, ValidationError } from '../domain/errors.js';
import { requireTenantScope } from '../domain/tenants/tenants.service.js';
import { write } from '../domain/write.js';
import { checkDailyQuota } from './daily-quota-value.js';
import {
  findClientKey,
  findOAuthClientByClientId,
  insertClientKey,
  insertOAuthClient,
  revokeOAuthClientRow,
} from './oauth-clients.repository.js';
import type { Scope } from './scopes.js';
import { hashSecret, randomToken } from './secrets.js';

export interface CreateOAuthClientInput {
  tenantId: string;
  name: string;
  scopes: readonly Scope[];
  /** One white label, or null for every white label of the tenant. */
  whiteLabelId: string | null;
  /** Requests a UTC day; null or absent for no quota. */
  dailyQuota?: number | null;
}

/** Registers a client; the secret is returned here once and only its hash is stored. */
export async function createOAuthClient(
  db: Kysely<DB>,
  input: CreateOAuthClientInput,
): Promise<{ id: string; client_id: string; client_secret: string }> {
  await requireTenantScope(db, input.tenantId, input.whiteLabelId);
  const name = requireName('name', input.name);
  const dailyQuota = checkDailyQuota(input.dailyQuota ?? null);
  const clientId = randomToken('pc_', 15);
  const clientSecret = randomToken('pcs_', 32);
  return write(db, { tenantId: input.tenantId, whiteLabelId: input.whiteLabelId }, async (tx, emit) => {
    const row = await insertOAuthClient(tx, {
      tenantId: input.tenantId,
      whiteLabelId: input.whiteLabelId,
      clientId,
      name,
      secretHash: hashSecret(clientSecret),
      scopes: input.scopes,
      dailyQuota,
    });
    emit({ type: 'oauth-client.created', resourceId: row.id, data: row });
    return { id: row.id, client_id: clientId, client_secret: clientSecret };
  });
}

/**
 * Registers a public ES256 key (JWK) for private_key_jwt and the JWT-bearer grant. The kid is the
 * JWK's own, or its RFC 7638 thumbprint when it has none.
 */
export async function addClientKey(db: Kysely<DB>, clientId: string, jwk: unknown): Promise<{ kid: string }> {
  const client = await findOAuthClientByClientId(db, clientId);
  if (!client || client.revoked_at) throw new NotFoundError('client', clientId);
  const publicJwk = await checkPublicEs256Jwk(jwk);
  const kid = publicJwk.kid ?? (await calculateJwkThumbprint(publicJwk, 'sha256'));
  if (await findClientKey(db, client.id, kid))
    throw new ConflictError(`client ${clientId} already has a key with kid ${kid}`);
  return write(db, { tenantId: client.tenant_id, whiteLabelId: client.white_label_id }, async (tx, emit) => {
    const row = await insertClientKey(tx, {
      tenantId: client.tenant_id,
      oauthClientId: client.id,
      kid,
      publicJwk: { ...publicJwk, kid },
    });
    emit({
      type: 'oauth-client.key-added',
      resourceId: client.id,
      data: { client_id: clientId, kid: row.kid },
    });
    return { kid: row.kid };
  });
}

/** Revokes a client: no new tokens, and its unexpired tokens stop working on every instance. */
export async function revokeOAuthClient(db: Kysely<DB>, clientId: string): Promise<{ client_id: string }> {
  const client = await findOAuthClientByClientId(db, clientId);
  if (!client || client.revoked_at) throw new NotFoundError('client', clientId);
  return write(db, { tenantId: client.tenant_id, whiteLabelId: client.white_label_id }, async (tx, emit) => {
    const row = await revokeOAuthClientRow(tx, client.id);
    if (!row) throw new NotFoundError('client', clientId);
    emit({ type: 'oauth-client.revoked', resourceId: row.id, data: row });
    return { client_id: row.client_id };
  });
}

async function checkPublicEs256Jwk(
  value: unknown,
): Promise<JWK & { kty: 'EC'; crv: 'P-256'; x: string; y: string }> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('jwk', 'must be a JSON object (a JWK)');
  }
  const jwk = value as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw new ValidationError('jwk', 'must be an EC key on curve P-256 (kty "EC", crv "P-256") for ES256');
  }
  if ('d' in jwk)
    throw new ValidationError('jwk', 'is a private key; register the public key only (remove "d")');
  if (jwk.alg !== undefined && jwk.alg !== 'ES256')
    throw new ValidationError('jwk.alg', 'must be ES256 when present');
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(jwk.kid))) {
    throw new ValidationError('jwk.kid', 'must be 1-128 visible ASCII characters');
  }
  try {
    await importJWK(jwk, 'ES256');
  } catch (error) {
    throw new ValidationError('jwk', `is not a valid P-256 public key (${(error as Error).message})`);
  }
  const { kty, crv, x, y, kid } = jwk as { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid?: string };
  return { kty, crv, x, y, ...(kid ? { kid } : {}) };
}
