/**
 * Crowding, crash and ADL-risk signals from market snapshots: pure math, no I/O.
 *
 * Thresholds are heuristics, not standards: no venue publishes a "crowded" threshold. The
 * defaults follow third-party practice (funding z-score > 1.5 with rising OI, funding far
 * above the 0.01%/8 h ≈ 10.95% APR baseline; see https://barfinex.com/signals/fio-funding-rate-crowding
 * and https://barfinex.com/signals/rif-positioning-long-squeeze-risk) and were checked against
 * the 10 Oct 2025 run-up and crash.
 */
export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

export type Side = 'long' | 'short';
export type AlertKind = 'crowding' | 'crash' | 'adl';
export const ALERT_KINDS: readonly AlertKind[] = ['crowding', 'crash', 'adl'];

export interface SignalThresholds {
  /** |funding APR| a crowded side must pay at least (fraction: 0.3 = 30% APR). */
  crowdingFundingAprMin: number;
  /** Funding z-score against the instrument's own hourly history. */
  crowdingFundingZMin: number;
  /** OI growth over 4 h (fraction). */
  crowdingOiRiseMin: number;
  /** Venues that must agree before a coin is called crowded. */
  crowdingMinVenues: number;
  /** Hours of funding history needed before the z-score is trusted. */
  minHistoryHours: number;
  /** Drop from the window's peak mark (fraction) that counts as a crash on one venue… */
  crashDropPct: number;
  crashWindowMinutes: number;
  /** …on at least this many venues. */
  crashMinVenues: number;
  /** OI falling this much (fraction) from its 15-minute peak: a liquidation cascade. */
  oiFlushPct: number;
  /** Coins whose largest venue trades less than this (USD / 24 h) are ignored: too noisy. */
  minVolumeUsd: number;
}

export const DEFAULT_THRESHOLDS: SignalThresholds = {
  crowdingFundingAprMin: 0.3,
  crowdingFundingZMin: 1.5,
  crowdingOiRiseMin: 0.05,
  crowdingMinVenues: 2,
  minHistoryHours: 24,
  crashDropPct: 0.05,
  crashWindowMinutes: 15,
  crashMinVenues: 2,
  oiFlushPct: 0.1,
  minVolumeUsd: 50_000_000,
};

/** Everything known about one (venue, symbol) now and at the look-back points. */
export interface VenueSignalInput {
  venue: string;
  symbol: string;
  mark: number;
  fundingApr: number | null;
  fundingBaseline?: { mean: number; std: number; hours: number };
  openInterest: number | null;
  volume24hUsd: number | null;
  adlRisk: 'low' | 'medium' | 'high' | null;
  /** Marks and OI at the look-back points (undefined when not stored). */
  past: {
    price5m?: number;
    price15m?: number;
    price1h?: number;
    oi1h?: number | null;
    oi4h?: number | null;
    oi24h?: number | null;
  };
  /** Peaks over the crash window (mark) and the last 15 minutes (OI), this minute included. */
  peakMark?: number;
  peakOpenInterest?: number | null;
}

export interface VenueSignals {
  venue: string;
  symbol: string;
  fundingApr: number | null;
  fundingZ: number | null;
  oiChange1h: number | null;
  oiChange4h: number | null;
  oiChange24h: number | null;
  priceChange5m: number | null;
  priceChange15m: number | null;
  priceChange1h: number | null;
  /** Crowded side and how far past the weakest threshold it is (1 = just at it). */
  crowding: { side: Side; score: number } | null;
  dropFromPeak: number | null;
  oiFlush: number | null;
  adlRisk: 'low' | 'medium' | 'high' | null;
  volume24hUsd: number | null;
}

export function relativeChange(now: number | null | undefined, then: number | null | undefined): number | null {
  if (now == null || then == null || !Number.isFinite(now) || !Number.isFinite(then) || then === 0) return null;
  return now / then - 1;
}

export function zScore(value: number | null, baseline: { mean: number; std: number; hours: number } | undefined, minSamples: number): number | null {
  if (value === null || !baseline || baseline.hours < minSamples) return null;
  // A flat history (std ≈ 0) would make any tick infinite: floor the spread at 1% APR.
  return (value - baseline.mean) / Math.max(baseline.std, 0.01);
}

export function venueSignals(input: VenueSignalInput, t: SignalThresholds = DEFAULT_THRESHOLDS): VenueSignals {
  const fundingZ = zScore(input.fundingApr, input.fundingBaseline, t.minHistoryHours);
  const oiChange4h = relativeChange(input.openInterest, input.past.oi4h);
  const priceChange1h = relativeChange(input.mark, input.past.price1h);
  const drop = input.peakMark ? 1 - input.mark / input.peakMark : null;
  const flush = input.peakOpenInterest && input.openInterest !== null ? 1 - input.openInterest / input.peakOpenInterest : null;
  return {
    venue: input.venue,
    symbol: input.symbol,
    fundingApr: input.fundingApr,
    fundingZ,
    oiChange1h: relativeChange(input.openInterest, input.past.oi1h),
    oiChange4h,
    oiChange24h: relativeChange(input.openInterest, input.past.oi24h),
    priceChange5m: relativeChange(input.mark, input.past.price5m),
    priceChange15m: relativeChange(input.mark, input.past.price15m),
    priceChange1h,
    crowding: crowding(input.fundingApr, fundingZ, oiChange4h, priceChange1h, t),
    dropFromPeak: drop === null ? null : Math.max(0, drop),
    oiFlush: flush === null ? null : Math.max(0, flush),
    adlRisk: input.adlRisk,
    volume24hUsd: input.volume24hUsd,
  };
}

/**
 * Crowded long: high funding (longs pay) + rising OI + rising price. Crowded short: the mirror.
 * Without enough history for a z-score, the funding level alone must be twice the APR floor.
 * Score = the smallest of the ratios to each threshold, so 1.0 means "just crowded".
 */
export function crowding(
  apr: number | null,
  fundingZ: number | null,
  oiChange4h: number | null,
  priceChange1h: number | null,
  t: SignalThresholds = DEFAULT_THRESHOLDS,
): { side: Side; score: number } | null {
  if (apr === null || oiChange4h === null || priceChange1h === null || apr === 0) return null;
  const side: Side = apr > 0 ? 'long' : 'short';
  const sign = side === 'long' ? 1 : -1;
  if (sign * priceChange1h <= 0) return null;
  const oiRatio = oiChange4h / t.crowdingOiRiseMin;
  const ratios =
    fundingZ === null
      ? [(sign * apr) / (2 * t.crowdingFundingAprMin), oiRatio]
      : [(sign * apr) / t.crowdingFundingAprMin, (sign * fundingZ) / t.crowdingFundingZMin, oiRatio];
  const score = Math.min(...ratios);
  return score >= 1 ? { side, score } : null;
}

export interface CoinAssessment {
  symbol: string;
  /** Venues with data for this coin in this evaluation. */
  venues: string[];
  crowding: { side: Side; venues: string[]; agreement: number; severity: Severity } | null;
  crash: { venues: string[]; worstDrop: number; flushVenues: string[]; worstFlush: number; severity: Severity } | null;
  adl: { venues: string[]; severity: Severity } | null;
}

/** "At least N venues", for a venue group that may watch fewer than N. */
const needed = (minVenues: number, available: number): number => Math.max(1, Math.min(minVenues, available));

/** Combines one coin's venues (all fresh, all in one venue group) into alerts. */
export function assessCoin(symbol: string, signals: readonly VenueSignals[], t: SignalThresholds = DEFAULT_THRESHOLDS): CoinAssessment {
  const venues = signals.map((s) => s.venue);
  const result: CoinAssessment = { symbol, venues, crowding: null, crash: null, adl: null };
  const liquid = signals.some((s) => (s.volume24hUsd ?? 0) >= t.minVolumeUsd);
  if (!liquid) return result;

  for (const side of ['long', 'short'] as const) {
    const crowded = signals.filter((s) => s.crowding?.side === side);
    if (crowded.length > 0 && crowded.length >= needed(t.crowdingMinVenues, signals.length)) {
      const strong = crowded.length >= 3 || Math.min(...crowded.map((s) => s.crowding!.score)) >= 2;
      result.crowding = {
        side,
        venues: crowded.map((s) => s.venue),
        agreement: crowded.length / signals.length,
        severity: strong ? 'critical' : 'warning',
      };
    }
  }

  const dropping = signals.filter((s) => (s.dropFromPeak ?? 0) >= t.crashDropPct);
  const flushing = signals.filter((s) => (s.oiFlush ?? 0) >= t.oiFlushPct);
  if ((dropping.length > 0 && dropping.length >= needed(t.crashMinVenues, signals.length)) || flushing.length > 0) {
    const worstDrop = Math.max(0, ...signals.map((s) => s.dropFromPeak ?? 0));
    const worstFlush = Math.max(0, ...signals.map((s) => s.oiFlush ?? 0));
    const strong = worstDrop >= 2 * t.crashDropPct || flushing.length >= 2 || (dropping.length >= t.crashMinVenues && flushing.length > 0);
    result.crash = {
      venues: dropping.map((s) => s.venue),
      worstDrop,
      flushVenues: flushing.map((s) => s.venue),
      worstFlush,
      severity: strong ? 'critical' : 'warning',
    };
  }

  const high = signals.filter((s) => s.adlRisk === 'high');
  const medium = signals.filter((s) => s.adlRisk === 'medium');
  if (high.length > 0) result.adl = { venues: high.map((s) => s.venue), severity: high.length >= 2 ? 'critical' : 'warning' };
  else if (medium.length > 0) result.adl = { venues: medium.map((s) => s.venue), severity: 'info' };
  return result;
}
