import type { Logger } from 'pino';
import { Decimal } from 'decimal.js';
import { TierTableError, tableLimit, tierMeasure, type ContractSpec, type TierTable } from '../../core/tier-table.ts';
import type { MarginMode } from '../../core/position.ts';
import { getVenue, normaliseSymbol, shippedContract, shippedTable, type VenueId } from '../../core/venues.ts';
import type { VenueTableRepository } from '../../store/venue-table-repository.ts';
import { UnknownSymbolError, type TierFetcher } from './types.ts';

/** Why a source in the lookup order was passed over. */
export type FallbackReason =
  /** Fetching is off (tests, or TIER_TABLES_FETCH=off). */
  | 'fetching-off'
  /** The venue publishes no public table (Binance brackets need the user's key). */
  | 'not-public'
  /** The venue did not answer in time, or answered with an error. */
  | 'unreachable'
  /** The venue answered, but the table failed validation (the detail says which check). */
  | 'invalid'
  /** The venue lists no such symbol. */
  | 'unknown-symbol'
  /** The stored copy no longer validates. */
  | 'stored-invalid';

export interface Fallback {
  step: 'venue' | 'stored';
  reason: FallbackReason;
  /** English detail for logs and the JSON (a check that failed, an HTTP status); never a secret. */
  detail?: string;
}

export interface TableLookup {
  venue: VenueId;
  symbol: string;
  /** The table to use, or null: none is known for this symbol, ask the user. */
  table: TierTable | null;
  /** Coins per contract, where the venue sizes in contracts and it is known. */
  contract?: ContractSpec;
  /** Sources passed over before the one used, in lookup order. */
  fallbacks: Fallback[];
}

export interface LookupRequest {
  mode: MarginMode;
  /** Who asks: a venue whose tables can be adjusted per account (Binance) serves that user's own first. */
  user?: { platform: string; userId: string };
  /** The position's size in coins and value at entry, when known: a position beyond the fresh table refreshes it. */
  quantity?: Decimal;
  entryPrice?: Decimal;
}

/** What commands need from the tier tables (one service; the chat layer wires it in). */
export interface VenueTables {
  lookup(venue: VenueId, symbol: string, request: LookupRequest): Promise<TableLookup>;
}

export interface VenueTableServiceOptions {
  repo: VenueTableRepository;
  fetchers: Partial<Record<VenueId, TierFetcher>>;
  /** False: never call a venue (stored and shipped tables only). */
  fetch: boolean;
  now?: () => number;
  /** A stored table younger than this is used without asking the venue (default 24 h). */
  maxAgeMs?: number;
  /** A position beyond a fresh table refetches it at most this often per table (default 60 s). */
  refetchAfterMs?: number;
  logger?: Logger;
  /**
   * The asking user's own table, read with their read-only key (Binance brackets, src/watch/keyed/brackets.ts):
   * first in the lookup order, for that user only; undefined when they have none for the venue.
   */
  accountTables?: (venue: VenueId, symbol: string, user: { platform: string; userId: string }) => Promise<TierTable | undefined>;
}

/**
 * Per-symbol tier tables in the order the issue sets (after the asking user's own, where a venue
 * adjusts tables per account and they stored a read-only key): a fresh stored copy (≤ 24 h) → the venue
 * (one try, short timeout) → the last stored copy (any age, its age shown) → the dated table shipped
 * in data/venues for that symbol → none (the command asks for the user's MMR). Never another
 * symbol's table. Every table is validated (zod + the cum/deduction recursion) before it is used or stored.
 */
export class VenueTableService implements VenueTables {
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly refetchAfterMs: number;
  private readonly lastFetch = new Map<string, number>();

  constructor(private readonly options: VenueTableServiceOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
    this.refetchAfterMs = options.refetchAfterMs ?? 60_000;
  }

  async lookup(venueId: VenueId, symbolText: string, request: LookupRequest): Promise<TableLookup> {
    const venue = getVenue(venueId);
    const symbol = normaliseSymbol(symbolText);
    // OKX gives different tiers for cross and isolated margin.
    const variant = venue.id === 'okx' ? request.mode : '';
    const key = `${venue.id}:${symbol}:${variant}`;
    const fallbacks: Fallback[] = [];
    const shippedSize = () => (venue.sizing === 'contract' ? shippedContract(venue, symbol) : undefined);

    if (request.user && this.options.accountTables) {
      const own = await this.options.accountTables(venue.id, symbol, request.user).catch((error: unknown) => {
        this.options.logger?.warn({ venue: venue.id, symbol, err: error instanceof Error ? error.message : String(error) }, 'tier table: the account table was not read');
        return undefined;
      });
      if (own) return { venue: venue.id, symbol, table: own, contract: shippedSize(), fallbacks };
    }

    let stored;
    try {
      stored = this.options.repo.get(venue.id, symbol, variant);
    } catch (error) {
      if (!(error instanceof TierTableError)) throw error;
      fallbacks.push({ step: 'stored', reason: 'stored-invalid', detail: error.problem });
    }
    const now = this.now();
    if (stored && now - stored.fetchedAt <= this.maxAgeMs) {
      const outside = !covers(stored.table, request);
      const recentlyFetched = now - (this.lastFetch.get(key) ?? 0) < this.refetchAfterMs;
      if (!outside || recentlyFetched || !this.options.fetch || !this.options.fetchers[venue.id]) {
        return { venue: venue.id, symbol, table: { ...stored.table, source: 'venue' }, contract: stored.contract ?? shippedSize(), fallbacks };
      }
    }

    const fetcher = this.options.fetchers[venue.id];
    if (!fetcher) {
      fallbacks.push({ step: 'venue', reason: 'not-public' });
    } else if (!this.options.fetch) {
      fallbacks.push({ step: 'venue', reason: 'fetching-off' });
    } else {
      this.lastFetch.set(key, now);
      try {
        const fetchedAt = new Date(now).toISOString();
        const fetched = await fetcher.fetch({ symbol, mode: request.mode, fetchedAt });
        this.options.repo.put({ table: { ...fetched.table, source: 'stored' }, contract: fetched.contract, fetchedAt: now }, variant);
        return { venue: venue.id, symbol, table: fetched.table, contract: fetched.contract ?? shippedSize(), fallbacks };
      } catch (error) {
        const fallback = classify(error);
        this.options.logger?.warn({ venue: venue.id, symbol, reason: fallback.reason, detail: fallback.detail }, 'tier table: venue not used');
        fallbacks.push(fallback);
      }
    }

    if (stored) {
      return { venue: venue.id, symbol, table: { ...stored.table, source: 'stored' }, contract: stored.contract ?? shippedSize(), fallbacks };
    }
    const shipped = shippedTable(venue, symbol);
    return { venue: venue.id, symbol, table: shipped ?? null, contract: shippedSize(), fallbacks };
  }
}

/** Whether the table reaches the position (a position beyond the last cap asks for a fresh table). */
function covers(table: TierTable, request: LookupRequest): boolean {
  const limit = tableLimit(table);
  if (limit === null || request.quantity === undefined || request.entryPrice === undefined) return true;
  return tierMeasure(table, request.quantity, request.entryPrice).lte(limit);
}

function classify(error: unknown): Fallback {
  if (error instanceof UnknownSymbolError) return { step: 'venue', reason: 'unknown-symbol' };
  if (error instanceof TierTableError) return { step: 'venue', reason: 'invalid', detail: error.problem };
  if (error instanceof Error && (error.name === 'VenueHttpError' || error.name === 'VenueBlockedError')) {
    return { step: 'venue', reason: 'unreachable', detail: error.message };
  }
  throw error;
}

/** Lookups without a database or network: the shipped tables only (tests, and the walkthroughs). */
export const SHIPPED_TABLES_ONLY: VenueTables = {
  async lookup(venueId, symbolText) {
    const venue = getVenue(venueId);
    const symbol = normaliseSymbol(symbolText);
    return {
      venue: venue.id,
      symbol,
      table: shippedTable(venue, symbol) ?? null,
      contract: venue.sizing === 'contract' ? shippedContract(venue, symbol) : undefined,
      fallbacks: [{ step: 'venue', reason: 'fetching-off' }],
    };
  },
};
