/**
 * AES-256-GCM for provider keys (design §5): a fresh 12-byte nonce per encryption, a 16-byte tag, and
 * additional authenticated data binding the ciphertext to its row, so a ciphertext copied to another
 * tenant's row fails to decrypt. Stored as `v1:<key-id>:<base64(nonce|ciphertext|tag)>`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The AAD of a platform's provider key: a ciphertext copied to another row or tenant fails to open. */
export const llmConfigAad = (platformId: string, configId: string) => `${platformId}:${configId}`;

export class SecretBox {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(masterKeyBase64: string) {
    this.key = Buffer.from(masterKeyBase64, 'base64');
    if (this.key.length !== 32) throw new Error('encryption key must be 32 bytes');
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }

  encrypt(plaintext: string, aad: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${this.keyId}:${Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** Throws when the key id, the AAD or the ciphertext does not match. */
  decrypt(stored: string, aad: string): string {
    const [version, keyId, payload] = stored.split(':');
    if (version !== 'v1' || keyId !== this.keyId || !payload) throw new Error('secret was sealed with another key');
    const raw = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }
}
