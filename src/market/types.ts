/**
 * One venue's view of one perpetual contract at one moment, in common units:
 * prices in USD, funding as a fraction per the venue's own interval (and as APR),
 * open interest one-sided in coin and in USD.
 */
export type Venue = 'binance' | 'bybit' | 'okx' | 'hyperliquid';
export const VENUES: readonly Venue[] = ['binance', 'bybit', 'okx', 'hyperliquid'];

export const VENUE_LABELS: Record<Venue, string> = {
  binance: 'Binance',
  bybit: 'Bybit',
  okx: 'OKX',
  hyperliquid: 'Hyperliquid',
};

/** The venue's own public ADL-risk signal, normalised: Binance symbolAdlRisk, Bybit adlAlert. */
export type AdlRisk = 'low' | 'medium' | 'high';

export interface MarketSnapshot {
  venue: Venue;
  /** The coin (`BTC`), the key that joins venues. */
  symbol: string;
  /** The venue's instrument id (`BTCUSDT`, `BTC-USDT-SWAP`, `BTC`). */
  instrument: string;
  mark: number;
  index: number | null;
  last: number | null;
  /** Fraction per funding interval (0.0001 = 0.01%). */
  fundingRate: number | null;
  fundingIntervalHours: number;
  /** Simple annualisation: rate × (24 / interval) × 365. */
  fundingApr: number | null;
  /** One side, in coin. */
  openInterest: number | null;
  openInterestUsd: number | null;
  volume24hUsd: number | null;
  /** Fraction: -0.05 = -5% over 24 h. */
  change24hPct: number | null;
  adlRisk: AdlRisk | null;
  /** Epoch ms of the venue's data (or of the poll when the venue gives no time). */
  time: number;
}

/** What one venue poll produced, with its cost and the items it had to drop. */
export interface VenueFetch {
  venue: Venue;
  snapshots: MarketSnapshot[];
  /** Items that failed validation (malformed), dropped one by one. */
  dropped: number;
  /** Items skipped on purpose (delisted, delivery contracts, other quote currencies). */
  skipped: number;
  requests: number;
  /** In the venue's own rate-limit unit (Binance/Hyperliquid weight; Bybit/OKX requests). */
  weight: number;
}

export function fundingApr(rate: number | null, intervalHours: number): number | null {
  if (rate === null || !(intervalHours > 0)) return null;
  return rate * (24 / intervalHours) * 365;
}
