import type { KeyRepository, SealedFields, SealedKey } from '../../store/key-repository.ts';
import type { KeyedVenue } from '../types.ts';
import { KeyVault, type SealContext } from './vault.ts';

/**
 * A user's read-only key as the venue client signs with it: in memory only, for one request.
 * `toJSON`/inspection print nothing of it, so a stray log of the object shows no secret.
 */
export class Credentials {
  readonly #apiKey: string;
  readonly #secret: string;
  readonly #passphrase: string | undefined;

  constructor(apiKey: string, secret: string, passphrase?: string) {
    this.#apiKey = apiKey;
    this.#secret = secret;
    this.#passphrase = passphrase;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  get secret(): string {
    return this.#secret;
  }

  get passphrase(): string | undefined {
    return this.#passphrase;
  }

  /** Every value that must never be printed (log scrubbing, error messages). */
  get values(): string[] {
    return [this.#apiKey, this.#secret, this.#passphrase].filter((v): v is string => !!v);
  }

  toJSON(): string {
    return '[credentials]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[credentials]';
  }
}

export interface KeyOwner {
  platform: string;
  userId: string;
}

/** The watch list's account id for a keyed watch: the key's row (`key:12`), never anything from the key itself. */
export const keyAccount = (keyId: number): string => `key:${keyId}`;

export function keyIdOf(account: string): number | undefined {
  const match = /^key:(\d+)$/.exec(account);
  return match ? Number(match[1]) : undefined;
}

/** Sealing keys into the database and opening them for the client that signs, through one vault. */
export class KeyRing {
  constructor(
    readonly vault: KeyVault,
    readonly repo: KeyRepository,
  ) {}

  store(owner: KeyOwner, venue: KeyedVenue, credentials: Credentials, ipRestricted: boolean, now: number): number {
    return this.repo.insert({ ...owner, venue, ...sealCredentials(this.vault, owner, venue, credentials), ipRestricted, createdAt: now });
  }

  /** The same row with a new key (the user replaced a revoked one). */
  replace(keyId: number, credentials: Credentials, ipRestricted: boolean): void {
    const row = this.repo.get(keyId);
    if (!row) throw new Error(`keyring: no key ${keyId}`);
    this.repo.reseal(keyId, sealCredentials(this.vault, row, row.venue, credentials), ipRestricted);
  }

  /** The key of a row, opened; undefined when the row is gone. Throws SealError under another master key. */
  open(keyId: number): { row: SealedKey; credentials: Credentials } | undefined {
    const row = this.repo.get(keyId);
    if (!row) return undefined;
    return { row, credentials: openRow(this.vault, row) };
  }

  /** The owner's keys for a venue, opened (to notice the same key added twice). */
  ownerKeys(owner: KeyOwner, venue: KeyedVenue): Array<{ row: SealedKey; credentials: Credentials }> {
    return this.repo.ofOwner(owner.platform, owner.userId, venue).map((row) => ({ row, credentials: openRow(this.vault, row) }));
  }
}

/** A key's three values sealed for its owner and venue, each with its own IV. */
function sealCredentials(vault: KeyVault, owner: KeyOwner, venue: string, credentials: Credentials): SealedFields {
  const context = (field: SealContext['field']): SealContext => ({ platform: owner.platform, userId: owner.userId, venue, field });
  return {
    masterId: vault.masterId,
    apiKey: vault.seal(credentials.apiKey, context('api-key')),
    secret: vault.seal(credentials.secret, context('secret')),
    passphrase: credentials.passphrase === undefined ? null : vault.seal(credentials.passphrase, context('passphrase')),
  };
}

export function openRow(vault: KeyVault, row: SealedKey): Credentials {
  const context = (field: SealContext['field']): SealContext => ({ platform: row.platform, userId: row.userId, venue: row.venue, field });
  return new Credentials(
    vault.open(row.apiKey, context('api-key')),
    vault.open(row.secret, context('secret')),
    row.passphrase ? vault.open(row.passphrase, context('passphrase')) : undefined,
  );
}

/**
 * Re-seals every stored key under a new master key (the rotation script): each row is opened with
 * the old key and sealed with the new one in one transaction, so a failure leaves all rows as they
 * were. Rows already under the new key are left alone (a rotation that stopped half-way can run
 * again). Returns how many rows were re-sealed.
 */
export function rotateKeys(repo: KeyRepository, from: KeyVault, to: KeyVault): { resealed: number; already: number } {
  if (from.sameKey(to)) throw new Error('rotation: the new master key is the old one');
  let resealed = 0;
  let already = 0;
  repo.db.transaction(() => {
    for (const row of repo.all()) {
      if (row.masterId === to.masterId) {
        already++;
        continue;
      }
      // Same row, same owner and venue: only the sealed values and the master id change.
      repo.reseal(row.id, sealCredentials(to, row, row.venue, openRow(from, row)));
      resealed++;
    }
  })();
  return { resealed, already };
}
