import { z } from 'zod';
import { VenueHttp, VenueHttpError } from './http.ts';
import { decimalString, optionalDecimalString } from './schema.ts';
import { fundingApr, type MarketSnapshot, type VenueFetch } from './types.ts';
import type { VenueClient } from './client.ts';

/**
 * Hyperliquid: one POST /info {"type":"metaAndAssetCtxs"} (weight 20 of 1200 / min / IP).
 * `meta.universe[i]` describes `assetCtxs[i]`: the two arrays are aligned by index, so a bad
 * item is dropped without shifting the others. Funding is an hourly rate.
 * Sources: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals ,
 * https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits
 */
export const HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE = 1200;

const universeItem = z.object({ name: z.string().min(1), isDelisted: z.boolean().optional() });
const assetCtx = z.object({
  funding: decimalString,
  openInterest: decimalString,
  markPx: decimalString,
  oraclePx: optionalDecimalString,
  midPx: z.union([optionalDecimalString, z.null()]).optional(),
  dayNtlVlm: optionalDecimalString,
  prevDayPx: optionalDecimalString,
});
const response = z.tuple([z.object({ universe: z.array(z.unknown()) }), z.array(z.unknown())]);

export class HyperliquidClient implements VenueClient {
  readonly venue = 'hyperliquid' as const;

  constructor(readonly http: VenueHttp) {}

  async fetchSnapshots(): Promise<VenueFetch> {
    const http = this.http;
    http.resetCounters();
    const body = response.safeParse(await http.post('/info', { type: 'metaAndAssetCtxs' }, 20));
    if (!body.success) throw new VenueHttpError('hyperliquid', 'unexpected metaAndAssetCtxs shape');
    const [meta, ctxs] = body.data;
    const time = http.clock.now();
    let dropped = 0;
    let skipped = 0;
    const snapshots: MarketSnapshot[] = [];
    meta.universe.forEach((rawAsset, i) => {
      const asset = universeItem.safeParse(rawAsset);
      const ctx = assetCtx.safeParse(ctxs[i]);
      if (!asset.success || !ctx.success) {
        dropped++;
        return;
      }
      if (asset.data.isDelisted) {
        skipped++;
        return;
      }
      const c = ctx.data;
      snapshots.push({
        venue: 'hyperliquid',
        symbol: asset.data.name,
        instrument: asset.data.name,
        mark: c.markPx,
        index: c.oraclePx,
        last: c.midPx ?? null,
        fundingRate: c.funding,
        fundingIntervalHours: 1,
        fundingApr: fundingApr(c.funding, 1),
        openInterest: c.openInterest,
        openInterestUsd: c.openInterest * c.markPx,
        volume24hUsd: c.dayNtlVlm,
        change24hPct: c.prevDayPx ? c.markPx / c.prevDayPx - 1 : null,
        adlRisk: null,
        time,
      });
    });
    return { venue: 'hyperliquid', snapshots, dropped, skipped, requests: http.requests, weight: http.weight };
  }
}
