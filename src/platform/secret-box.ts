import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type Encryption = 'aes-256-gcm' | 'none';

/** Seals secrets that must be readable again (signing keys, webhook secrets) before they reach the database. */
export interface SecretBox {
  readonly encryption: Encryption;
  seal(plaintext: string): string;
  open(sealed: string, encryption: string): string;
}

/** AES-256-GCM; sealed text is `iv.tag.ciphertext`, each base64url. */
export function secretBox(key: Buffer | undefined): SecretBox {
  return {
    encryption: key ? 'aes-256-gcm' : 'none',
    seal(plaintext) {
      if (!key) return plaintext;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
    },
    open(sealed, encryption) {
      if (encryption === 'none') return sealed;
      if (encryption !== 'aes-256-gcm') throw new Error(`Unknown secret encryption ${encryption}`);
      if (!key) throw new Error('A secret is encrypted but PORTICO_ENCRYPTION_KEY is not set');
      const [iv, tag, ciphertext] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
      if (!iv || !tag || !ciphertext) throw new Error('Malformed sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    },
  };
}

/** The embedded default keeps its generated key beside the database, readable by its owner only. */
export async function embeddedEncryptionKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'encryption.key');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(32);
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
}
