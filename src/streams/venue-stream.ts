import type { Venue } from '../market/types.ts';
import type { ParsedFrame } from './types.ts';

/**
 * One venue's public websocket as the connection manager drives it: where to connect (the
 * configured host plus the venue's documented route), what to send once open, how to keep the
 * connection alive, and how to read a frame. Each venue file (binance.ts, bybit.ts, okx.ts,
 * hyperliquid.ts) builds one and cites the documentation behind each rule.
 */
export interface VenueStream {
  readonly venue: Venue;
  /** The venue publishes liquidations on it (Hyperliquid's stream carries prices only). */
  readonly liquidations: boolean;
  readonly url: string;
  /** Frames sent once the connection is open (subscriptions). Empty when the URL subscribes. */
  subscribe(): string[];
  /**
   * What the client sends every `intervalMs` to keep the connection alive: a text frame, or a
   * WebSocket ping frame when `message` is absent. The venue's answer (or any data) proves it alive.
   */
  readonly keepalive: { intervalMs: number; message?: string };
  /**
   * The venue pushes data at least this often when all is well (a price every second). A
   * connection that answers pings but sends no data for much longer is on a dead route (Binance's
   * legacy paths accept a subscription and then stay silent) and is replaced. Absent: data may
   * pause for long (liquidations in a calm market).
   */
  readonly dataEveryMs?: number;
  parse(text: string, now: number): ParsedFrame;
}

/** Coins the streams watch → the venue's linear USDT instrument (`BTC` → `BTCUSDT`). */
export const usdtInstrument = (coin: string): string => `${coin}USDT`;

/** `BTCUSDT`, `BTCUSDC` → `BTC`; delivery contracts (`BTCUSDT_251226`) and other quotes → undefined. */
export function coinOfLinear(instrument: string): string | undefined {
  if (instrument.includes('_')) return undefined;
  for (const quote of ['USDT', 'USDC']) {
    if (instrument.endsWith(quote) && instrument.length > quote.length) return instrument.slice(0, -quote.length);
  }
  return undefined;
}

/** Reads a frame as JSON; undefined when it is not. */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A frame that did not validate: no events, the reason for the health counters. */
export function malformed(what: string): ParsedFrame {
  return { events: [], error: `malformed ${what}`, dropped: 1 };
}
