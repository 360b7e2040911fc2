import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random identifier or secret, URL-safe, with a readable prefix that tells what it is. */
export function randomToken(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

// Secrets are 256 random bits, so a fast hash is enough: there is no dictionary to attack, and
// verification sits on every request's path. Slow password hashes protect low-entropy input only.
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function secretMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(hash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
