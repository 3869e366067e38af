import { z } from 'zod';
import { VenueHttp, VenueHttpError } from './http.ts';
import { coinOf, decimalString, optionalDecimalString, parseEach, type ItemCount } from './schema.ts';
import { fundingApr, type AdlRisk, type MarketSnapshot, type VenueFetch } from './types.ts';
import type { VenueClient } from './client.ts';

/**
 * Bybit v5 linear perpetuals: one `tickers?category=linear` call has every field we need,
 * plus `adlAlert` for the insurance-pool ADL trigger. Published limit: 600 requests / 5 s / IP.
 * Sources: https://bybit-exchange.github.io/docs/v5/market/tickers ,
 * https://bybit-exchange.github.io/docs/v5/market/adl-alert , https://bybit-exchange.github.io/docs/v5/rate-limit
 */
export const BYBIT_REQUEST_LIMIT_PER_5S = 600;

const envelope = z.object({ retCode: z.number(), retMsg: z.string(), result: z.unknown(), time: z.number().optional() });
const tickerItem = z.object({
  symbol: z.string().min(1),
  lastPrice: optionalDecimalString,
  indexPrice: optionalDecimalString,
  markPrice: decimalString,
  price24hPcnt: optionalDecimalString,
  openInterest: optionalDecimalString,
  // Since the 2026-06 changelog `openInterest` counts both sides; the single side is separate.
  singleOpenInterest: optionalDecimalString.optional(),
  turnover24h: optionalDecimalString,
  fundingRate: optionalDecimalString,
  fundingIntervalHour: optionalDecimalString.optional(),
});
const adlAlertItem = z.object({
  symbol: z.string().min(1),
  balance: decimalString,
  insurancePnlRatio: decimalString,
  pnlRatio: decimalString,
  adlTriggerThreshold: decimalString,
  adlStopRatio: decimalString,
});

export class BybitClient implements VenueClient {
  readonly venue = 'bybit' as const;

  constructor(readonly http: VenueHttp) {}

  async fetchSnapshots(): Promise<VenueFetch> {
    const http = this.http;
    http.resetCounters();
    const count: ItemCount = { dropped: 0 };
    let skipped = 0;
    const [tickers, alerts] = await Promise.all([
      http.get('/v5/market/tickers', { category: 'linear' }, 1),
      http.get('/v5/market/adlAlert', {}, 1).catch((error: unknown) => {
        if (error instanceof Error && error.name === 'VenueBlockedError') throw error;
        return undefined; // ADL data is a bonus; prices still count
      }),
    ]);
    const tickerResult = unwrap(tickers);
    const time = tickerResult.time ?? http.clock.now();
    const adlRisk = new Map<string, AdlRisk>();
    if (alerts !== undefined) {
      try {
        for (const a of parseEach(adlAlertItem, listOf(unwrap(alerts).result), count, 'bybit adlAlert')) {
          adlRisk.set(a.symbol, bybitAdlRisk(a));
        }
      } catch {
        // a broken adlAlert body leaves the flags unknown
      }
    }

    const snapshots: MarketSnapshot[] = [];
    for (const t of parseEach(tickerItem, listOf(tickerResult.result), count, 'bybit tickers')) {
      const coin = coinOf(t.symbol, 'USDT');
      if (!coin || t.fundingRate === null) {
        skipped++; // USDC pairs, dated futures (funding "") and pre-market contracts
        continue;
      }
      const interval = t.fundingIntervalHour ?? 8;
      const oi = t.singleOpenInterest ?? t.openInterest;
      snapshots.push({
        venue: 'bybit',
        symbol: coin,
        instrument: t.symbol,
        mark: t.markPrice,
        index: t.indexPrice,
        last: t.lastPrice,
        fundingRate: t.fundingRate,
        fundingIntervalHours: interval,
        fundingApr: fundingApr(t.fundingRate, interval),
        openInterest: oi,
        openInterestUsd: oi === null ? null : oi * t.markPrice,
        volume24hUsd: t.turnover24h,
        change24hPct: t.price24hPcnt,
        adlRisk: adlRisk.get(t.symbol) ?? null,
        time,
      });
    }
    return { venue: 'bybit', snapshots, dropped: count.dropped, skipped, requests: http.requests, weight: http.requests };
  }
}

/**
 * Bybit triggers contract-PnL-drawdown ADL when balance > adlTriggerThreshold and
 * pnlRatio < insurancePnlRatio, and pool ADL when balance ≤ 0. "medium" = past the stop ratio,
 * i.e. within the band where an ADL episode would keep running.
 */
export function bybitAdlRisk(a: z.output<typeof adlAlertItem>): AdlRisk {
  if (a.balance <= 0 || (a.balance > a.adlTriggerThreshold && a.pnlRatio < a.insurancePnlRatio)) return 'high';
  if (a.pnlRatio < a.adlStopRatio) return 'medium';
  return 'low';
}

function unwrap(body: unknown): { result: unknown; time?: number } {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw new VenueHttpError('bybit', 'unexpected envelope');
  if (parsed.data.retCode !== 0) throw new VenueHttpError('bybit', `retCode ${parsed.data.retCode}: ${parsed.data.retMsg}`);
  return { result: parsed.data.result, time: parsed.data.time };
}

function listOf(result: unknown): unknown {
  return result && typeof result === 'object' && 'list' in result ? result.list : undefined;
}
