import { z } from 'zod';
import { VenueHttp } from './http.ts';
import { coinOf, decimalString, epochMs, optionalDecimalString, parseEach, type ItemCount } from './schema.ts';
import { fundingApr, type AdlRisk, type MarketSnapshot, type VenueFetch } from './types.ts';
import type { VenueClient } from './client.ts';

/**
 * Binance USDⓈ-M futures. Per cycle: premiumIndex (all, weight 10), ticker/24hr (all, weight 40),
 * openInterest per symbol for the top N by quote volume (weight 1 each). Cached: fundingInfo
 * (weight 0 but in a 500 req / 5 min bucket) hourly, symbolAdlRisk (updated by Binance every
 * 30 min) every 30 min. Published limit: 2400 weight / min / IP.
 * Sources: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api
 * (Mark-Price, 24hr-Ticker-Price-Change-Statistics, Open-Interest, Get-Funding-Rate-Info, Symbol-ADL-Risk).
 */
export const BINANCE_WEIGHT_LIMIT_PER_MINUTE = 2400;

const premiumIndexItem = z.object({
  symbol: z.string().min(1),
  markPrice: decimalString,
  indexPrice: optionalDecimalString,
  lastFundingRate: optionalDecimalString,
  time: epochMs,
});
const tickerItem = z.object({
  symbol: z.string().min(1),
  lastPrice: optionalDecimalString,
  priceChangePercent: optionalDecimalString,
  quoteVolume: optionalDecimalString,
});
const fundingInfoItem = z.object({ symbol: z.string().min(1), fundingIntervalHours: z.number().positive() });
const openInterestBody = z.object({ symbol: z.string(), openInterest: decimalString, time: epochMs });
const adlRiskItem = z.object({ symbol: z.string().min(1), adlRisk: z.enum(['low', 'medium', 'high']) });

const FUNDING_INFO_TTL_MS = 60 * 60_000;
// Binance refreshes it every 30 min; checking every 5 min keeps the lag short for weight 1.
const ADL_RISK_TTL_MS = 5 * 60_000;
const DEFAULT_INTERVAL_HOURS = 8;

export interface BinanceOptions {
  /** How many symbols (by 24 h quote volume) get an open-interest call each cycle. */
  openInterestTopN?: number;
  /** Parallel openInterest calls. */
  concurrency?: number;
}

export class BinanceClient implements VenueClient {
  readonly venue = 'binance' as const;
  private intervals: Map<string, number> | undefined;
  private intervalsAt = 0;
  private adlRisk: Map<string, AdlRisk> | undefined;
  private adlRiskAt = 0;
  private readonly topN: number;
  private readonly concurrency: number;

  constructor(readonly http: VenueHttp, options: BinanceOptions = {}) {
    this.topN = options.openInterestTopN ?? 100;
    this.concurrency = options.concurrency ?? 10;
  }

  async fetchSnapshots(): Promise<VenueFetch> {
    const http = this.http;
    http.resetCounters();
    const count: ItemCount = { dropped: 0 };
    let skipped = 0;
    const now = http.clock.now();

    const [premium, tickers] = await Promise.all([
      http.get('/fapi/v1/premiumIndex', {}, 10),
      http.get('/fapi/v1/ticker/24hr', {}, 40),
    ]);
    const intervals = await this.fundingIntervals(now);
    const adlRisk = await this.adlRisks(now);

    const tickerBySymbol = new Map(parseEach(tickerItem, tickers, count, 'binance ticker/24hr').map((t) => [t.symbol, t]));
    const snapshots: MarketSnapshot[] = [];
    for (const item of parseEach(premiumIndexItem, premium, count, 'binance premiumIndex')) {
      const coin = coinOf(item.symbol, 'USDT');
      // Delivery contracts carry "" funding; other quotes (USDC, COIN-M after the 2026 merge) are skipped.
      if (!coin || item.lastFundingRate === null) {
        skipped++;
        continue;
      }
      const ticker = tickerBySymbol.get(item.symbol);
      const interval = intervals.get(item.symbol) ?? DEFAULT_INTERVAL_HOURS;
      snapshots.push({
        venue: 'binance',
        symbol: coin,
        instrument: item.symbol,
        mark: item.markPrice,
        index: item.indexPrice,
        last: ticker?.lastPrice ?? null,
        fundingRate: item.lastFundingRate,
        fundingIntervalHours: interval,
        fundingApr: fundingApr(item.lastFundingRate, interval),
        openInterest: null,
        openInterestUsd: null,
        volume24hUsd: ticker?.quoteVolume ?? null,
        change24hPct: ticker?.priceChangePercent == null ? null : ticker.priceChangePercent / 100,
        adlRisk: adlRisk.get(item.symbol) ?? null,
        time: item.time,
      });
    }

    // No bulk open interest on Binance: one call per symbol, so only the most traded N.
    const top = [...snapshots].sort((a, b) => (b.volume24hUsd ?? 0) - (a.volume24hUsd ?? 0)).slice(0, this.topN);
    await forEachLimited(top, this.concurrency, async (snapshot) => {
      try {
        const parsed = openInterestBody.safeParse(await http.get('/fapi/v1/openInterest', { symbol: snapshot.instrument }, 1));
        if (!parsed.success) {
          count.dropped++;
          return;
        }
        snapshot.openInterest = parsed.data.openInterest;
        snapshot.openInterestUsd = parsed.data.openInterest * snapshot.mark;
      } catch (error) {
        if (http.clock.now() < http.blockedUntil) throw error;
        count.dropped++;
      }
    });

    return { venue: 'binance', snapshots, dropped: count.dropped, skipped, requests: http.requests, weight: http.weight };
  }

  /** fundingInfo lists only the symbols whose interval/cap was adjusted; the rest are 8 h. */
  private async fundingIntervals(now: number): Promise<Map<string, number>> {
    if (this.intervals && now - this.intervalsAt < FUNDING_INFO_TTL_MS) return this.intervals;
    try {
      const count = { dropped: 0 };
      const items = parseEach(fundingInfoItem, await this.http.get('/fapi/v1/fundingInfo', {}, 0), count, 'binance fundingInfo');
      this.intervals = new Map(items.map((i) => [i.symbol, i.fundingIntervalHours]));
      this.intervalsAt = now;
    } catch (error) {
      if (!this.intervals) this.intervals = new Map();
      if (error instanceof Error && error.name === 'VenueBlockedError') throw error;
    }
    return this.intervals;
  }

  private async adlRisks(now: number): Promise<Map<string, AdlRisk>> {
    if (this.adlRisk && now - this.adlRiskAt < ADL_RISK_TTL_MS) return this.adlRisk;
    try {
      const body = await this.http.get('/fapi/v1/symbolAdlRisk', {}, 1);
      const count = { dropped: 0 };
      const items = parseEach(adlRiskItem, Array.isArray(body) ? body : [body], count, 'binance symbolAdlRisk');
      this.adlRisk = new Map(items.map((i) => [i.symbol, i.adlRisk]));
      this.adlRiskAt = now;
    } catch (error) {
      // A newer endpoint: its absence must not cost us the prices.
      this.adlRisk ??= new Map();
      if (error instanceof Error && error.name === 'VenueBlockedError') throw error;
    }
    return this.adlRisk;
  }
}

export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}
