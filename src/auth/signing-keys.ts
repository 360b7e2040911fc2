import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { SecretBox } from '../platform/secret-box.js';
import { activateSigningKey, findCurrentSigningKid, listPublishedKeys } from './signing-keys.repository.js';

export const accessTokenLifetimeSeconds = 3600;
/** Published after a rotation so running instances load the new key at once. */
export const signingKeysRotatedChannel = 'signing-keys.rotated';
/** Retired keys stay published until every token they signed has expired (plus clock skew). */
const retiredGraceSeconds = accessTokenLifetimeSeconds + 60;
const refreshEverySeconds = 30;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey | undefined;
  current: boolean;
}

async function newSigningKey(box: SecretBox) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
    privateKey: box.seal(JSON.stringify(await exportJWK(privateKey))),
    encryption: box.encryption,
  };
}

/** Creates the first signing key if there is none; returns the current kid. */
export async function ensureSigningKey(db: Kysely<DB>, box: SecretBox): Promise<string> {
  // Usual case first: a key exists, and generating one only to discard it would slow every start.
  const current = await findCurrentSigningKid(db);
  if (current) return current;
  return (await activateSigningKey(db, await newSigningKey(box), { onlyIfNone: true })).kid;
}

/** Makes a new key current; tokens signed by the previous one verify until they expire. */
export async function rotateSigningKey(db: Kysely<DB>, box: SecretBox): Promise<{ kid: string }> {
  const { kid } = await activateSigningKey(db, await newSigningKey(box), { onlyIfNone: false });
  return { kid };
}

/**
 * The deployment's signing keys as this instance knows them. Refreshed periodically, on an unknown
 * kid (at most once per second) and when told of a rotation, so instances follow a rotation made
 * elsewhere without restarting.
 */
export class SigningKeyring {
  #keys: LoadedKey[] = [];
  #loadedAt = 0;
  #loading: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly box: SecretBox,
  ) {}

  async load(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const rows = await listPublishedKeys(this.db, retiredGraceSeconds);
        this.#keys = await Promise.all(
          rows.map(async (row) => {
            const publicJwk = row.public_jwk as JWK;
            const current = row.retired_at === null;
            return {
              kid: row.kid,
              publicJwk,
              publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
              privateKey: current
                ? ((await importJWK(
                    JSON.parse(this.box.open(row.private_key, row.encryption)),
                    'ES256',
                  )) as CryptoKey)
                : undefined,
              current,
            };
          }),
        );
        this.#loadedAt = Date.now();
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  /**
   * The first load at start: creates the deployment's first signing key when there is none, so a
   * usual start costs one read.
   */
  async open(): Promise<void> {
    await this.load();
    if (this.#keys.some((key) => key.current)) return;
    await ensureSigningKey(this.db, this.box);
    await this.load();
  }

  async #fresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.#loadedAt > maxAgeMs) await this.load();
  }

  async signingKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    await this.#fresh(refreshEverySeconds * 1000);
    const current = this.#keys.find((key) => key.current && key.privateKey);
    if (!current?.privateKey) throw new Error('No current signing key');
    return { kid: current.kid, privateKey: current.privateKey };
  }

  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    await this.#fresh(refreshEverySeconds * 1000);
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key) {
      await this.#fresh(1000);
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key?.publicKey;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.#fresh(refreshEverySeconds * 1000);
    return { keys: this.#keys.map((key) => key.publicJwk) };
  }
}
