import type { VenueAdl } from '../types.ts';

/**
 * Each venue's own ADL indicator on our 1–5 lights. The venues publish a level, not a percentile:
 *
 * - Binance `adlQuantile` (GET /fapi/v1/adlQuantile, updated every 30 s): "0, 1, 2, 3, 4 … the
 *   higher, the closer to the front of the ADL queue". Five levels: lights = level + 1.
 * - Bybit `adlRankIndicator` (GET /v5/position/list): 1–5, 0 for an empty position. Lights = level.
 * - OKX `adl` (GET /api/v5/account/positions): "6 levels, from 0 to 5, the smaller the number, the
 *   weaker the adl intensity" (older docs: 1–5). Levels 0 and 1 both show one light; 2–5 as they are.
 *
 * The alert fires at each venue's top two levels (Binance 3–4, Bybit 4–5, OKX 4–5), which are our
 * 4 and 5 lights on every venue. Sources: ../shared/reference/exchange-api/README.md §2, §10.4.
 */
export function binanceAdl(level: number): VenueAdl | null {
  if (!Number.isInteger(level) || level < 0 || level > 4) return null;
  return { raw: level, scale: '0–4', lights: level + 1, top: level >= 3 };
}

export function bybitAdl(level: number): VenueAdl | null {
  if (!Number.isInteger(level) || level < 1 || level > 5) return null;
  return { raw: level, scale: '1–5', lights: level, top: level >= 4 };
}

export function okxAdl(level: number): VenueAdl | null {
  if (!Number.isInteger(level) || level < 0 || level > 5) return null;
  return { raw: level, scale: '0–5', lights: Math.max(1, level), top: level >= 4 };
}
