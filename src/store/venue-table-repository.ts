import { contractFromJson, contractToJson, tierTableFromJson, tierTableToJson, type ContractSpec, type TierTable } from '../core/tier-table.ts';
import type { Db } from './database.ts';

export interface StoredTable {
  table: TierTable;
  contract?: ContractSpec;
  /** Epoch ms. */
  fetchedAt: number;
}

/**
 * The last tier table fetched per (venue, symbol, variant). A stored copy is validated again when read
 * (a row that no longer passes is reported as unusable, never used).
 */
export class VenueTableRepository {
  private readonly select;
  private readonly upsert;

  constructor(db: Db) {
    this.select = db.prepare<[string, string, string], { fetched_at: number; table_json: string; contract_json: string | null }>(
      'SELECT fetched_at, table_json, contract_json FROM venue_tier_tables WHERE venue = ? AND symbol = ? AND variant = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO venue_tier_tables (venue, symbol, variant, fetched_at, table_json, contract_json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (venue, symbol, variant) DO UPDATE SET fetched_at = excluded.fetched_at, table_json = excluded.table_json,
         contract_json = excluded.contract_json`,
    );
  }

  /** The stored copy, or undefined; throws TierTableError when the stored row no longer validates. */
  get(venue: string, symbol: string, variant = ''): StoredTable | undefined {
    const row = this.select.get(venue, symbol, variant);
    if (!row) return undefined;
    return {
      table: tierTableFromJson(JSON.parse(row.table_json)),
      contract: row.contract_json ? contractFromJson(JSON.parse(row.contract_json)) : undefined,
      fetchedAt: row.fetched_at,
    };
  }

  put(stored: StoredTable, variant = ''): void {
    this.upsert.run(
      stored.table.venue,
      stored.table.symbol,
      variant,
      stored.fetchedAt,
      JSON.stringify(tierTableToJson(stored.table)),
      stored.contract ? JSON.stringify(contractToJson(stored.contract)) : null,
    );
  }
}
