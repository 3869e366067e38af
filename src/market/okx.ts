import { z } from 'zod';
import { VenueHttp, VenueHttpError } from './http.ts';
import { coinOf, decimalString, epochMs, optionalDecimalString, parseEach, type ItemCount } from './schema.ts';
import { fundingApr, type MarketSnapshot, type VenueFetch } from './types.ts';
import type { VenueClient } from './client.ts';

/**
 * OKX v5 USDT swaps. Four bulk calls: funding-rate?instId=ANY (10 req / 2 s), open-interest?instType=SWAP
 * (20 / 2 s), market/tickers?instType=SWAP (20 / 2 s), mark-price?instType=SWAP (10 / 2 s).
 * `fundingRate` is the predicted rate of the coming settlement; the interval is
 * nextFundingTime − fundingTime. Sources: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-funding-rate ,
 * #public-data-rest-api-get-open-interest , #order-book-trading-market-data-get-tickers , #public-data-rest-api-get-mark-price
 */
export const OKX_TIGHTEST_LIMIT_PER_2S = 10;

const envelope = z.object({ code: z.string(), msg: z.string().optional(), data: z.unknown() });
const fundingItem = z.object({
  instId: z.string().min(1),
  fundingRate: optionalDecimalString,
  fundingTime: epochMs,
  nextFundingTime: z.union([z.literal(''), epochMs]),
});
const oiItem = z.object({ instId: z.string().min(1), oiCcy: optionalDecimalString, oiUsd: optionalDecimalString });
const tickerItem = z.object({
  instId: z.string().min(1),
  last: optionalDecimalString,
  open24h: optionalDecimalString,
  // For SWAP, volCcy24h is in coin (UNVERIFIED in the reference notes); ×last gives USD.
  volCcy24h: optionalDecimalString,
  ts: epochMs,
});
const markItem = z.object({ instId: z.string().min(1), markPx: decimalString, ts: epochMs });

export class OkxClient implements VenueClient {
  readonly venue = 'okx' as const;

  constructor(readonly http: VenueHttp) {}

  async fetchSnapshots(): Promise<VenueFetch> {
    const http = this.http;
    http.resetCounters();
    const count: ItemCount = { dropped: 0 };
    let skipped = 0;
    const [funding, oi, tickers, marks] = await Promise.all([
      http.get('/api/v5/public/funding-rate', { instId: 'ANY' }, 1),
      http.get('/api/v5/public/open-interest', { instType: 'SWAP' }, 1),
      http.get('/api/v5/market/tickers', { instType: 'SWAP' }, 1),
      http.get('/api/v5/public/mark-price', { instType: 'SWAP' }, 1),
    ]);
    const fundingBy = new Map(parseEach(fundingItem, unwrap(funding), count, 'okx funding-rate').map((i) => [i.instId, i]));
    const oiBy = new Map(parseEach(oiItem, unwrap(oi), count, 'okx open-interest').map((i) => [i.instId, i]));
    const tickerBy = new Map(parseEach(tickerItem, unwrap(tickers), count, 'okx tickers').map((i) => [i.instId, i]));

    const snapshots: MarketSnapshot[] = [];
    for (const m of parseEach(markItem, unwrap(marks), count, 'okx mark-price')) {
      const coin = coinOf(m.instId, '-USDT-SWAP');
      const f = fundingBy.get(m.instId);
      if (!coin || !f || f.fundingRate === null) {
        skipped++; // USD/USDC-margined swaps, or no funding (suspended)
        continue;
      }
      const t = tickerBy.get(m.instId);
      const o = oiBy.get(m.instId);
      const intervalMs = f.nextFundingTime === '' ? 0 : f.nextFundingTime - f.fundingTime;
      const interval = intervalMs > 0 ? intervalMs / 3_600_000 : 8;
      const last = t?.last ?? null;
      snapshots.push({
        venue: 'okx',
        symbol: coin,
        instrument: m.instId,
        mark: m.markPx,
        index: null,
        last,
        fundingRate: f.fundingRate,
        fundingIntervalHours: interval,
        fundingApr: fundingApr(f.fundingRate, interval),
        openInterest: o?.oiCcy ?? null,
        openInterestUsd: o?.oiUsd ?? null,
        volume24hUsd: t?.volCcy24h != null && last !== null ? t.volCcy24h * last : null,
        change24hPct: last !== null && t?.open24h ? last / t.open24h - 1 : null,
        adlRisk: null,
        time: m.ts,
      });
    }
    return { venue: 'okx', snapshots, dropped: count.dropped, skipped, requests: http.requests, weight: http.requests };
  }
}

function unwrap(body: unknown): unknown {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw new VenueHttpError('okx', 'unexpected envelope');
  if (parsed.data.code !== '0') throw new VenueHttpError('okx', `code ${parsed.data.code}: ${parsed.data.msg ?? ''}`);
  return parsed.data.data;
}
