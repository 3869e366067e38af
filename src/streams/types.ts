import type { AdlRisk, Venue } from '../market/types.ts';

/**
 * What the venues push, in common units. A liquidation names the side of the position that was
 * closed (a long liquidated is a forced sell), whatever each venue's own convention:
 * Binance gives the liquidation order's side (SELL = a long was liquidated), Bybit the position's
 * side (`Buy` = a long was liquidated), OKX `posSide` (or the order side in net mode).
 */
export type LiquidatedSide = 'long' | 'short';

export interface LiquidationEvent {
  kind: 'liquidation';
  venue: Venue;
  /** The coin (`BTC`), the key that joins venues. */
  symbol: string;
  side: LiquidatedSide;
  /** The price the venue reports for the order (average fill, or the bankruptcy price). */
  price: number;
  /** In coin. */
  quantity: number;
  usd: number;
  /** Epoch ms, the venue's own time of the liquidation. */
  time: number;
}

export interface PriceTick {
  kind: 'price';
  venue: Venue;
  symbol: string;
  price: number;
  time: number;
}

/** A venue's own ADL warning for a symbol (Bybit `adlAlert`, pushed every second). */
export interface AdlFlag {
  kind: 'adl';
  venue: Venue;
  symbol: string;
  risk: AdlRisk;
  time: number;
}

export type StreamEvent = LiquidationEvent | PriceTick | AdlFlag;

/** One frame, read: its events, or what else it was. */
export interface ParsedFrame {
  events: StreamEvent[];
  /** A frame that is not data: a pong, a subscription acknowledgement. */
  control?: 'pong' | 'ack';
  /** The venue refused something (a subscription), or the frame did not validate. */
  error?: string;
  /** Items of the frame that did not validate (the rest are kept). */
  dropped?: number;
}

/** The state of one venue's connection, as `/health`, `/market` and `/liquidations` show it. */
export interface StreamHealth {
  venue: Venue;
  /** Open and subscribed. */
  connected: boolean;
  /** This venue publishes liquidations (Hyperliquid does not: prices only). */
  liquidations: boolean;
  /** Epoch ms of the last frame of any kind (data, pong, acknowledgement). */
  lastMessageAt: number | null;
  connectedSince: number | null;
  /** Connections opened after the first one (drops, silences, rotations). */
  reconnects: number;
  /** Scheduled rotations among them (the venue cuts connections after 24 h). */
  rotations: number;
  /** Data frames received. */
  messages: number;
  /** Frames or items that did not validate. */
  malformed: number;
  /** Epoch ms since when it has been down (a gap in its data), when it is. */
  downSince: number | null;
  lastError: string | null;
}
