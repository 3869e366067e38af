import type { Decimal } from 'decimal.js';
import type { MarginMode } from '../core/position.ts';
import type { TierTable } from '../core/tier-table.ts';

/**
 * A trader's own account on a venue, as the watch list sees it, whichever venue it is. Each venue
 * brings an AccountClient (Hyperliquid reads public data by address; the keyed venues of the next
 * step sign with a read-only key); the evaluation, the alerts and the receipts only see these types.
 */
export type WatchVenue = 'hyperliquid' | 'binance' | 'bybit' | 'okx';
export const WATCH_VENUES: readonly WatchVenue[] = ['hyperliquid', 'binance', 'bybit', 'okx'];
/** Venues whose positions are private: read with the user's read-only API key (src/watch/keyed/). */
export type KeyedVenue = Exclude<WatchVenue, 'hyperliquid'>;
export const KEYED_VENUES: readonly KeyedVenue[] = ['binance', 'bybit', 'okx'];
export const isKeyedVenue = (venue: string): venue is KeyedVenue => (KEYED_VENUES as readonly string[]).includes(venue);

export type Side = 'long' | 'short';

export interface AccountPosition {
  coin: string;
  /** The venue's own instrument name (`BTCUSDT`, `BTC-USDT-SWAP`), where it differs from the coin. */
  instrument?: string;
  side: Side;
  /** Absolute size in coin. */
  size: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal;
  /** The venue's own liquidation price; null when it shows none. */
  liquidationPrice: Decimal | null;
  /** The position's leverage setting (Hyperliquid `leverage.value`). */
  leverage: Decimal;
  marginMode: 'cross' | 'isolated';
  /** Isolated: the margin behind the position at entry (before its unrealised PnL). */
  isolatedMargin: Decimal | null;
  unrealizedPnl: Decimal;
  /** Size × mark. */
  positionValue: Decimal;
  /** The venue's own ADL indicator, where it publishes one (keyed venues); Hyperliquid has none. */
  venueAdl?: VenueAdl | null;
}

/**
 * A venue's own ADL indicator for one position: its raw value on its own scale, and the same on our
 * 1–5 lights (src/watch/keyed/adl-indicator.ts says how each scale maps).
 */
export interface VenueAdl {
  raw: number;
  /** The venue's scale, e.g. `0–4` (Binance adlQuantile), `1–5` (Bybit), `0–5` (OKX). */
  scale: string;
  lights: number;
  /** At the venue's top two levels: the alert fires. */
  top: boolean;
}

export interface AccountState {
  venue: WatchVenue;
  account: string;
  /** The venue's own timestamp of the state, else when it was read (epoch ms). */
  time: number;
  /** Total account value (all margin modes), USD. */
  accountValue: Decimal;
  /** The cross-margin part: what backs every cross position. */
  crossAccountValue: Decimal;
  positions: AccountPosition[];
}

export type FillKind = 'adl' | 'liquidation';

/** A fill that closed (part of) a position without the trader asking: auto-deleveraged or liquidated. */
export interface ForcedFill {
  /** Unique per account: remembered so a receipt is sent once. */
  id: string;
  kind: FillKind;
  coin: string;
  /** The side of the position that was closed. */
  side: Side;
  size: Decimal;
  price: Decimal;
  /** The mark at that moment, when the venue gives it (Hyperliquid `liquidation.markPx`). */
  markPrice: Decimal | null;
  /** Realized PnL of the fill; null when the venue's answer does not give it. */
  closedPnl: Decimal | null;
  /** epoch ms */
  time: number;
  /** Hyperliquid liquidation `method`: `market` (the order book) or `backstop` (the liquidator vault). */
  method: string | null;
}

export interface FillsPage {
  fills: ForcedFill[];
  /** Fills of any kind returned, and the newest one's time: the next request starts after it. */
  count: number;
  newestTime: number | null;
  /** The venue returned as many as it ever does in one answer: older ones may be missing. */
  truncated: boolean;
}

/** What a watch list needs from one venue. Costs are in the venue's rate-limit units. */
export interface AccountClient {
  readonly venue: WatchVenue;
  /** Weight of one `account` call and the base weight of one `fills` call. */
  readonly cost: { account: number; fills: number };
  /** Positions and account value now. Throws AccountError when the venue refuses. */
  account(account: string): Promise<AccountState>;
  /** Fills between `from` and `to` (epoch ms), the forced ones classified. */
  fills(account: string, from: number, to?: number): Promise<FillsPage>;
  /** The coin's own tier table from the venue, for our liquidation price and ADL estimate; undefined when not known. */
  rulesFor(coin: string, context?: RulesContext): Promise<TierTable | undefined>;
}

/** What a tier lookup may need besides the coin: whose account (per-account brackets), which margin mode (OKX). */
export interface RulesContext {
  account?: string;
  mode?: MarginMode;
}

export class AccountError extends Error {
  constructor(
    message: string,
    /** `key-rejected`: the venue no longer accepts the user's key (revoked, expired, IP no longer allowed). */
    readonly reason: 'unavailable' | 'refused' | 'bad-answer' | 'key-rejected',
  ) {
    super(message);
    this.name = 'AccountError';
  }
}
