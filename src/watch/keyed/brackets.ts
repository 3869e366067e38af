import { tierTableFromJson, tierTableToJson, type TierTable } from '../../core/tier-table.ts';
import { normaliseSymbol } from '../../core/venues.ts';
import type { Db } from '../../store/database.ts';
import { keyIdOf, type KeyRing } from '../keys/keyring.ts';
import type { BinanceKeyedClient } from './binance.ts';

/**
 * Binance's brackets for one user's account, read with their own read-only key
 * (`GET /fapi/v1/leverageBracket`, signed: Binance has no public bracket endpoint, and a table with
 * `notionalCoef` is adjusted for that account). Kept per key (watch_key_brackets, deleted with the
 * key) for `maxAgeMs`, and used for that user only: their watch's estimate and their own `/liq`.
 */
export class AccountBrackets {
  constructor(
    private readonly keys: KeyRing,
    private readonly client: BinanceKeyedClient,
    private readonly now: () => number,
    private readonly maxAgeMs = 24 * 3_600_000,
  ) {}

  /** For a watched account (`key:12`). */
  async forAccount(account: string, symbolText: string): Promise<TierTable | undefined> {
    const keyId = keyIdOf(account);
    return keyId === undefined ? undefined : this.forKey(keyId, normaliseSymbol(symbolText));
  }

  /** For a person: the first of their Binance keys whose watch is not paused that gives the symbol's brackets. */
  async forUser(platform: string, userId: string, symbolText: string): Promise<TierTable | undefined> {
    const symbol = normaliseSymbol(symbolText);
    for (const keyId of activeBinanceKeys(this.keys.repo.db, platform, userId)) {
      const table = await this.forKey(keyId, symbol).catch(() => undefined);
      if (table) return table;
    }
    return undefined;
  }

  private async forKey(keyId: number, symbol: string): Promise<TierTable | undefined> {
    const cached = this.keys.repo.brackets(keyId, symbol);
    if (cached && this.now() - cached.fetchedAt <= this.maxAgeMs) {
      try {
        return tierTableFromJson(JSON.parse(cached.json));
      } catch {
        // A stored copy that no longer validates is read again.
      }
    }
    const opened = this.keys.open(keyId);
    if (!opened || opened.row.venue !== 'binance') return undefined;
    const table = await this.client.brackets(opened.credentials, symbol);
    this.keys.repo.putBrackets(keyId, symbol, this.now(), JSON.stringify(tierTableToJson(table)));
    return table;
  }
}

/** The person's Binance keys behind watches the venue still accepts. */
function activeBinanceKeys(db: Db, platform: string, userId: string): number[] {
  return (
    db
      .prepare(
        `SELECT k.id FROM watch_keys k JOIN watches w ON w.key_id = k.id
         WHERE k.platform = ? AND k.user_id = ? AND k.venue = 'binance' AND w.paused_at IS NULL ORDER BY k.id`,
      )
      .all(platform, userId) as Array<{ id: number }>
  ).map((r) => r.id);
}
