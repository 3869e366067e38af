import type { Severity } from './signals.ts';

/**
 * Crash detection on the live streams: pure, no I/O. A crash is a burst of long liquidations
 * together with a fast price fall across venues, judged every second on the last minutes:
 *
 * - fall: the price is `dropPct` or more below the highest price of the last `windowSeconds`, on
 *   at least `minPriceVenues` of the venues that stream a price for the coin;
 * - burst: longs liquidated in the last 60 s (all venues together) reach `burstUsd`, and
 *   `burstMultiple` times the coin's usual minute (its average over the last hour), on at least
 *   two venues when two or more stream liquidations (one whale's order on one venue is not a
 *   cascade): a venue counts when it carries a tenth of the burst.
 *
 * Either alone happens every day (a 0.5% dip; one large liquidation); the two together, seen on
 * several venues within a minute, are how a cascade starts. The thresholds and their reasoning are
 * in the README's table; the 10 Oct 2025 replay (test/e2e/stream-replay.test.ts) checks them.
 */
export interface StreamCrashThresholds {
  dropPct: number;
  windowSeconds: number;
  minPriceVenues: number;
  burstUsd: number;
  burstMultiple: number;
  /** The crash is over when no coin has met the burst for this long. */
  calmMinutes: number;
}

export const DEFAULT_STREAM_THRESHOLDS: StreamCrashThresholds = {
  dropPct: 0.005,
  windowSeconds: 300,
  minPriceVenues: 2,
  burstUsd: 2_000_000,
  burstMultiple: 10,
  calmMinutes: 10,
};

export interface CoinPulse {
  symbol: string;
  /** Each venue's current price and the window's high. */
  prices: ReadonlyArray<{ venue: string; price: number; high: number }>;
  /** USD of longs liquidated in the last 60 s, per venue. */
  longUsdByVenue: ReadonlyMap<string, number>;
  /** Venues whose liquidation stream is up (a venue that is down cannot confirm). */
  liquidationVenues: number;
  /** The coin's average long liquidations per minute over the last hour (0 when unknown). */
  baselinePerMinute: number;
}

export interface StreamCrash {
  symbol: string;
  severity: Severity;
  /** Largest fall from the window's high among the venues (fraction). */
  worstDrop: number;
  /** Venues whose price fell by `dropPct` or more. */
  fallingVenues: string[];
  /** USD of longs liquidated in the last 60 s, all venues. */
  burstUsd: number;
  /** The burst the coin had to reach (the larger of the floor and the multiple of its usual minute). */
  burstThreshold: number;
  liquidatingVenues: string[];
}

const needed = (minimum: number, available: number): number => Math.max(1, Math.min(minimum, available));

export function streamCrash(pulse: CoinPulse, t: StreamCrashThresholds = DEFAULT_STREAM_THRESHOLDS): StreamCrash | null {
  if (pulse.prices.length === 0) return null;
  const drops = pulse.prices.map((p) => ({ venue: p.venue, drop: p.high > 0 ? Math.max(0, 1 - p.price / p.high) : 0 }));
  const falling = drops.filter((d) => d.drop >= t.dropPct);
  if (falling.length < needed(t.minPriceVenues, pulse.prices.length)) return null;

  let burstUsd = 0;
  for (const usd of pulse.longUsdByVenue.values()) burstUsd += usd;
  const burstThreshold = Math.max(t.burstUsd, t.burstMultiple * pulse.baselinePerMinute);
  if (burstUsd < burstThreshold) return null;
  const liquidating = [...pulse.longUsdByVenue].filter(([, usd]) => usd >= burstThreshold / 10).map(([venue]) => venue);
  if (liquidating.length < needed(2, pulse.liquidationVenues)) return null;

  const worstDrop = Math.max(...drops.map((d) => d.drop));
  // Four times the fall, or ten times the burst: a cascade in full, not one starting.
  const critical = worstDrop >= 4 * t.dropPct || burstUsd >= 10 * burstThreshold;
  return {
    symbol: pulse.symbol,
    severity: critical ? 'critical' : 'warning',
    worstDrop,
    fallingVenues: falling.map((d) => d.venue),
    burstUsd,
    burstThreshold,
    liquidatingVenues: liquidating,
  };
}
