import type { Db } from './database.ts';

/**
 * Users' read-only API keys as stored (migration 600): sealed values only (src/watch/keys/vault.ts
 * seals and opens them), never a plain key, secret or passphrase. Deleting a row is immediate;
 * the database's secure_delete zeroes it, and the caller empties the log (eraseDeleted).
 */
export interface SealedKey {
  id: number;
  platform: string;
  userId: string;
  venue: string;
  masterId: string;
  apiKey: Buffer;
  secret: Buffer;
  passphrase: Buffer | null;
  ipRestricted: boolean;
  createdAt: number;
}

interface KeyDbRow {
  id: number;
  platform: string;
  user_id: string;
  venue: string;
  master_id: string;
  api_key: Buffer;
  secret: Buffer;
  passphrase: Buffer | null;
  ip_restricted: number;
  created_at: number;
}

const toKey = (r: KeyDbRow): SealedKey => ({
  id: r.id,
  platform: r.platform,
  userId: r.user_id,
  venue: r.venue,
  masterId: r.master_id,
  apiKey: r.api_key,
  secret: r.secret,
  passphrase: r.passphrase,
  ipRestricted: r.ip_restricted === 1,
  createdAt: r.created_at,
});

export type SealedFields = Pick<SealedKey, 'masterId' | 'apiKey' | 'secret' | 'passphrase'>;

export class KeyRepository {
  constructor(readonly db: Db) {}

  insert(key: Omit<SealedKey, 'id'>): number {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO watch_keys (platform, user_id, venue, master_id, api_key, secret, passphrase, ip_restricted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(key.platform, key.userId, key.venue, key.masterId, key.apiKey, key.secret, key.passphrase, key.ipRestricted ? 1 : 0, key.createdAt);
    return Number(lastInsertRowid);
  }

  get(id: number): SealedKey | undefined {
    const row = this.db.prepare('SELECT * FROM watch_keys WHERE id = ?').get(id) as KeyDbRow | undefined;
    return row && toKey(row);
  }

  ofOwner(platform: string, userId: string, venue?: string): SealedKey[] {
    const rows = (venue === undefined
      ? this.db.prepare('SELECT * FROM watch_keys WHERE platform = ? AND user_id = ? ORDER BY id').all(platform, userId)
      : this.db.prepare('SELECT * FROM watch_keys WHERE platform = ? AND user_id = ? AND venue = ? ORDER BY id').all(platform, userId, venue)) as KeyDbRow[];
    return rows.map(toKey);
  }

  all(): SealedKey[] {
    return (this.db.prepare('SELECT * FROM watch_keys ORDER BY id').all() as KeyDbRow[]).map(toKey);
  }

  /** New sealed values for the same row (a replaced key, or a master-key rotation); its cached brackets go with the old key. */
  reseal(id: number, fields: SealedFields, ipRestricted?: boolean): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE watch_keys SET master_id = ?, api_key = ?, secret = ?, passphrase = ?, ip_restricted = COALESCE(?, ip_restricted) WHERE id = ?')
        .run(fields.masterId, fields.apiKey, fields.secret, fields.passphrase, ipRestricted === undefined ? null : ipRestricted ? 1 : 0, id);
      if (ipRestricted !== undefined) this.db.prepare('DELETE FROM watch_key_brackets WHERE key_id = ?').run(id);
    })();
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM watch_keys WHERE id = ?').run(id).changes > 0;
  }

  // ---- Binance brackets read with the key (that user's /liq) ---------------------------------

  brackets(keyId: number, symbol: string): { fetchedAt: number; json: string } | undefined {
    const row = this.db.prepare('SELECT fetched_at, table_json FROM watch_key_brackets WHERE key_id = ? AND symbol = ?').get(keyId, symbol) as
      | { fetched_at: number; table_json: string }
      | undefined;
    return row && { fetchedAt: row.fetched_at, json: row.table_json };
  }

  putBrackets(keyId: number, symbol: string, fetchedAt: number, json: string): void {
    this.db
      .prepare(
        `INSERT INTO watch_key_brackets (key_id, symbol, fetched_at, table_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (key_id, symbol) DO UPDATE SET fetched_at = excluded.fetched_at, table_json = excluded.table_json`,
      )
      .run(keyId, symbol, fetchedAt, json);
  }
}
