import type { ContractSpec, TierTable } from '../../core/tier-table.ts';
import type { MarginMode } from '../../core/position.ts';
import type { VenueId } from '../../core/venues.ts';
import type { VenueHttp } from '../http.ts';

/** What a venue answered for one symbol: its tiers, and its contract size where it sizes in contracts. */
export interface FetchedTable {
  table: TierTable;
  contract?: ContractSpec;
}

export interface TierRequest {
  symbol: string;
  mode: MarginMode;
  /** ISO time of the fetch, stamped on the table. */
  fetchedAt: string;
}

/**
 * One venue's public tier-table endpoint(s) for one symbol. Throws TierTableError when the answer is
 * not a usable table (unknown symbol, malformed, failed recursion check), VenueHttpError when the venue
 * did not answer.
 */
export interface TierFetcher {
  readonly venue: VenueId;
  readonly http: VenueHttp;
  fetch(request: TierRequest): Promise<FetchedTable>;
}

/** The venue answered, but has no such symbol: the reply asks instead of falling back to another table. */
export class UnknownSymbolError extends Error {
  constructor(readonly venue: VenueId, readonly symbol: string) {
    super(`${venue} lists no ${symbol}`);
    this.name = 'UnknownSymbolError';
  }
}
