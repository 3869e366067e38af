import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Sealing users' read-only API keys at rest: AES-256-GCM (Node's crypto) under the master key from
 * WATCH_ENCRYPTION_KEY. Every secret gets its own random 12-byte IV; the owner, the venue and the
 * field (api key, secret, passphrase) are bound as associated data, so a sealed value copied to
 * another user's row, another venue or another column fails to open instead of being used there.
 *
 * A sealed value is `version (1) | iv (12) | tag (16) | ciphertext`. The database holds only these
 * and the master key's fingerprint (`masterId`: which key sealed a row, for rotation); the master
 * key lives in the environment, never in the database, the logs or the repository.
 */
export interface SealContext {
  platform: string;
  userId: string;
  venue: string;
  field: 'api-key' | 'secret' | 'passphrase';
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The master key did not open the value: another master key sealed it, or it was altered. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

export class KeyVault {
  /** A fingerprint of the master key (not the key): which key sealed a row. */
  readonly masterId: string;
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('vault: the master key must be 32 bytes');
    this.#key = Buffer.from(masterKey);
    this.masterId = createHmac('sha256', this.#key).update('adl-sentinel watch-key master id').digest('hex').slice(0, 16);
  }

  seal(plain: string, context: SealContext): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(associatedData(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: SealContext): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new SealError('vault: not a sealed value');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(associatedData(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('vault: the value does not open with this master key and owner');
    }
  }

  /** Whether `other` is the same master key (rotation checks the old and new keys differ). */
  sameKey(other: KeyVault): boolean {
    return timingSafeEqual(this.#key, other.#key);
  }

  /** Never print the key, whatever tries to serialise the vault. */
  toJSON(): string {
    return `[KeyVault ${this.masterId}]`;
  }
}

function associatedData(context: SealContext): Buffer {
  return Buffer.from(['adl-sentinel/watch-key/v1', context.platform, context.userId, context.venue, context.field].join('\u0000'), 'utf8');
}
