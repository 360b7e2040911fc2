import { type KeyObject, randomBytes, sign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Standard Webhooks signatures. Every delivery is signed over `{webhook-id}.{webhook-timestamp}.{body}`
// with every active credential of its endpoint: `v1,<base64 HMAC-SHA256>` per endpoint secret
// (whsec_…) and `v1a,<base64 Ed25519>` per tenant signing key, space-separated in one
// `webhook-signature` header. During a rotation the old and the new credential both sign, so a
// receiver that knows either accepts the delivery.

export const secretPrefix = 'whsec_';

/** A new endpoint secret: whsec_ + base64 of `bytes` random bytes (the spec allows 24 to 64). */
export function newEndpointSecret(bytes = 32): string {
  if (bytes < 24 || bytes > 64) throw new RangeError('A webhook secret has 24 to 64 bytes');
  return `${secretPrefix}${randomBytes(bytes).toString('base64')}`;
}

export interface SignatureInput {
  /** The webhook-id header: the event id, the same on every retry and replay. */
  messageId: string;
  /** The webhook-timestamp header, in seconds since the epoch. */
  timestamp: number;
  /** The raw body, exactly as sent. */
  body: string;
  /** Endpoint secrets (whsec_…), one `v1` entry each. */
  secrets: readonly string[];
  /** Tenant Ed25519 signing keys, one `v1a` entry each. */
  keys: readonly { kid: string; privateKey: KeyObject }[];
}

/** The content every signature covers. */
export function signedContent(input: Pick<SignatureInput, 'messageId' | 'timestamp' | 'body'>): string {
  return `${input.messageId}.${input.timestamp}.${input.body}`;
}

/** The `webhook-signature` header value: one space-separated entry per active secret and key. */
export function signatureHeader(input: SignatureInput): string {
  if (!Number.isInteger(input.timestamp)) throw new TypeError('webhook-timestamp is whole seconds');
  const at = new Date(input.timestamp * 1000);
  const symmetric = input.secrets.map((secret) => new Webhook(secret).sign(input.messageId, at, input.body));
  const content = Buffer.from(signedContent(input), 'utf8');
  const asymmetric = input.keys.map((key) => `v1a,${sign(null, content, key.privateKey).toString('base64')}`);
  const entries = [...symmetric, ...asymmetric];
  if (entries.length === 0) throw new Error('A webhook needs at least one secret or key to be signed');
  return entries.join(' ');
}
