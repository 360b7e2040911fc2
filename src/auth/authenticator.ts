import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { Broker } from '../platform/broker.js';
import type { Logger } from '../platform/logger.js';
import { type AccessTokenClaims, verifyAccessToken } from './access-tokens.js';
import { findApiKeyForAuthentication, recordApiKeysUsed } from './api-keys.repository.js';
import { findOAuthClientByClientId } from './oauth-clients.repository.js';
import { RevocationMarkers } from './revocation-markers.js';
import { isScope, type Scope } from './scopes.js';
import { secretMatches } from './secrets.js';
import type { SigningKeyring } from './signing-keys.js';
import { AuthenticationError, type Viewer } from './viewer.js';

/** Channel on which instances tell each other that a credential stopped working. */
export const revocationChannel = 'credentials.revoked';

export interface Revocation {
  kind: 'api_key' | 'oauth_client';
  publicId: string;
}

interface Cached<T> {
  value: T;
  loadedAt: number;
}

// Credential lookups are cached briefly so a request costs no query. A revocation evicts on every
// instance through pub/sub; because an instance may read the caller's next request before that
// message, it also leaves a marker that a cached credential is checked against (a broker read, no
// database; concurrent requests share one, see revocation-markers.ts), for longer than any cache
// entry lives.
const cacheTtlMs = 60_000;
const revocationMarkerTtlMs = 2 * cacheTtlMs;

const markerKey = ({ kind, publicId }: Revocation) => `revoked:${kind}:${publicId}`;

/** Makes a committed revocation visible to every instance: the marker first, then the message. */
export async function announceRevocation(broker: Broker, revocation: Revocation): Promise<void> {
  await broker.set(markerKey(revocation), '1', revocationMarkerTtlMs);
  await broker.publish(revocationChannel, JSON.stringify(revocation));
}
const lastUsedFlushMs = 15_000;

/**
 * The one authentication step behind every surface: an `Authorization: Bearer` access token or API
 * key, or an `X-API-Key` header, becomes the request's Viewer.
 */
export class Authenticator {
  readonly #apiKeys = new Map<string, Cached<Awaited<ReturnType<typeof findApiKeyForAuthentication>>>>();
  readonly #clients = new Map<string, Cached<{ revoked: boolean } | undefined>>();
  /**
   * Access tokens already verified, until they expire: a token's signature and claims never change,
   * so an ES256 verification per request would buy nothing. What can change — the client being
   * revoked — is still checked on every request below.
   */
  readonly #verified = new Map<string, AccessTokenClaims>();
  #lastUsed = new Map<string, Date>();
  /** Bumped by every eviction, so a lookup that raced a revocation is not cached. */
  #generation = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  readonly #markers: RevocationMarkers;
  readonly #revocationListeners = new Set<(revocation: Revocation) => void>();

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      broker: Broker;
      keyring: SigningKeyring;
      issuer: string;
      logger: Logger;
    },
  ) {
    this.#markers = new RevocationMarkers(deps.broker);
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.broker.subscribe(revocationChannel, (message) => {
      try {
        this.#evict(JSON.parse(message) as Revocation);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'ignored a malformed revocation message');
      }
    });
    this.#flushTimer = setInterval(() => void this.flushLastUsed(), lastUsedFlushMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    await this.#unsubscribe?.();
    await this.flushLastUsed();
  }

  /** Evicts locally and tells every other instance; resolves once they cannot accept it any more. */
  async revoked(revocation: Revocation): Promise<void> {
    this.#evict(revocation);
    await announceRevocation(this.deps.broker, revocation);
  }

  #evict(revocation: Revocation): void {
    this.#generation++;
    (revocation.kind === 'api_key' ? this.#apiKeys : this.#clients).delete(revocation.publicId);
    for (const listener of this.#revocationListeners) {
      try {
        listener(revocation);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'a revocation listener failed');
      }
    }
  }

  /**
   * Calls `listener` with every revocation this instance learns of, its own and other instances'
   * (long-lived connections end on it); returns the function that stops listening.
   */
  onRevocation(listener: (revocation: Revocation) => void): () => void {
    this.#revocationListeners.add(listener);
    return () => this.#revocationListeners.delete(listener);
  }

  async flushLastUsed(): Promise<void> {
    const used = this.#lastUsed;
    this.#lastUsed = new Map();
    try {
      await recordApiKeysUsed(this.deps.db, used);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record API key use');
    }
  }

  /** Reads the credential from request headers (HTTP, SSE) or a graphql-ws connection_init payload. */
  async authenticate(headers: { authorization?: unknown; 'x-api-key'?: unknown }): Promise<Viewer> {
    const credential = credentialFrom(headers);
    if (!credential) throw new AuthenticationError();
    return credential.startsWith('pk_') ? this.#apiKey(credential) : this.#accessToken(credential);
  }

  async #accessToken(token: string): Promise<Viewer> {
    const claims = await this.#verify(token);
    if (!claims) throw new AuthenticationError('The access token is invalid or has expired');
    const client = await this.#cached(
      this.#clients,
      { kind: 'oauth_client', publicId: claims.client_id },
      async () => {
        const row = await findOAuthClientByClientId(this.deps.db, claims.client_id);
        return row ? { revoked: row.revoked_at !== null } : undefined;
      },
    );
    if (!client || client.revoked)
      throw new AuthenticationError('The client of this access token has been revoked');
    return {
      tenantId: claims.tenant_id,
      whiteLabelId: claims.white_label_id ?? null,
      credential: { kind: 'oauth_client', id: claims.client_id, publicId: claims.client_id },
      scopes: scopeSet(claims.scope.split(' ')),
      ...(claims.exp !== undefined ? { expiresAt: new Date(claims.exp * 1000) } : {}),
    };
  }

  async #verify(token: string): Promise<AccessTokenClaims | undefined> {
    const known = this.#verified.get(token);
    if (known && (known.exp ?? 0) * 1000 > Date.now()) return known;
    this.#verified.delete(token);
    const claims = await verifyAccessToken(this.deps.keyring, this.deps.issuer, token);
    if (claims && (claims.exp ?? 0) * 1000 > Date.now()) {
      this.#verified.set(token, claims);
      if (this.#verified.size > 10_000) this.#verified.delete(this.#verified.keys().next().value as string);
    }
    return claims;
  }

  async #apiKey(key: string): Promise<Viewer> {
    const dot = key.indexOf('.');
    const publicId = dot > 0 ? key.slice(0, dot) : key;
    const row = await this.#cached(this.#apiKeys, { kind: 'api_key', publicId }, () =>
      findApiKeyForAuthentication(this.deps.db, publicId),
    );
    const invalid = new AuthenticationError('The API key is invalid or has been revoked');
    if (!row || row.revoked_at || dot < 0) throw invalid;
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw invalid;
    if (!secretMatches(key.slice(dot + 1), row.secret_hash)) throw invalid;
    this.#lastUsed.set(row.id, new Date());
    return {
      tenantId: row.tenant_id,
      whiteLabelId: row.white_label_id,
      credential: { kind: 'api_key', id: row.id, publicId: row.public_id },
      scopes: scopeSet(row.scopes),
      ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    };
  }

  /**
   * Whether a cached credential must be read again: it has a revocation marker, or the markers
   * cannot be read (Redis fails) — then the database, which revocation writes first, decides.
   */
  async #mayBeRevoked(credential: Revocation): Promise<boolean> {
    try {
      return await this.#markers.isMarked(markerKey(credential));
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'revocation markers unreadable: the credential is read again');
      return true;
    }
  }

  async #cached<T>(
    cache: Map<string, Cached<T>>,
    credential: Revocation,
    load: () => Promise<T>,
  ): Promise<T> {
    const key = credential.publicId;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.loadedAt < cacheTtlMs && !(await this.#mayBeRevoked(credential))) {
      return hit.value;
    }
    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) cache.set(key, { value, loadedAt: Date.now() });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return value;
  }
}

function scopeSet(names: readonly string[]): ReadonlySet<Scope> {
  return new Set(names.filter(isScope));
}

function credentialFrom(headers: { authorization?: unknown; 'x-api-key'?: unknown }): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
