import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Field-level encryption of personal data (AES-256-GCM) plus a keyed blind index (HMAC-SHA256)
 * for exact-match search without decrypting. Ciphertext layout: `v1.<iv>.<tag>.<data>` (base64url),
 * so keys can be rotated by version later.
 */
export class PiiProtector {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(encryptionKeyBase64: string, indexKeyBase64: string) {
    this.encKey = decodeKey(encryptionKeyBase64, 'PII encryption key');
    this.indexKey = decodeKey(indexKeyBase64, 'PII index key');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(ciphertext: string): string {
    const [version, iv, tag, data] = ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined)
      throw new Error('unknown PII ciphertext format');
    // A fixed tag length: GCM would otherwise accept a tag truncated to as little as 4 bytes.
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** Deterministic per (domain, value): the same ID number in two columns does not link up. */
  blindIndex(domain: string, normalizedValue: string): string {
    return createHmac('sha256', this.indexKey)
      .update(`${domain}\u0000${normalizedValue}`)
      .digest('base64url');
  }
}

function decodeKey(base64: string, what: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new Error(`${what} must be 32 bytes, base64-encoded (got ${key.length})`);
  return key;
}

export const generatePiiKey = (): string => randomBytes(32).toString('base64');
