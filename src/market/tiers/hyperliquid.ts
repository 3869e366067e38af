import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, withRecursiveAmounts, type TierTable } from '../../core/tier-table.ts';
import { baseOfSymbol, maintenanceRateFromMaxLeverage } from '../../core/venues.ts';
import { VenueHttp } from '../http.ts';
import { UnknownSymbolError, type FetchedTable, type TierFetcher, type TierRequest } from './types.ts';

/**
 * Hyperliquid `POST /info {"type":"meta"}` (weight 20 of 1,200 / min / IP): `universe[]` with `name`,
 * `maxLeverage` and `marginTableId`, and `marginTables` `[[id, {marginTiers: [{lowerBound, maxLeverage}]}]]`.
 * "Tables with id < 50 are a single tier with maxLeverage = id". Maintenance margin is half the initial
 * margin at each tier's max leverage, with the documented deduction recursion.
 * https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals ,
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers
 */
const asset = z.object({
  name: z.string().min(1),
  maxLeverage: z.number().positive(),
  marginTableId: z.number().int().nonnegative().optional(),
  isDelisted: z.boolean().optional(),
});
const marginTable = z.tuple([
  z.number().int(),
  z.object({ marginTiers: z.array(z.object({ lowerBound: z.string().regex(/^\d+(\.\d+)?$/), maxLeverage: z.number().positive() })).min(1) }),
]);
const meta = z.object({ universe: z.array(z.unknown()), marginTables: z.array(z.unknown()).optional() });

export const HYPERLIQUID_META_URL = 'https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals';

/** `meta` (or the first element of `metaAndAssetCtxs`) → the coin's margin table. */
export function parseHyperliquidMeta(payload: unknown, coin: string, symbol: string, fetchedAt: string): TierTable {
  const parsed = meta.safeParse(Array.isArray(payload) ? payload[0] : payload);
  if (!parsed.success) throw new TierTableError('hyperliquid meta: unexpected shape');
  const entry = parsed.data.universe.map((item) => asset.safeParse(item)).find((r) => r.success && r.data.name === coin)?.data;
  if (!entry || entry.isDelisted) throw new UnknownSymbolError('hyperliquid', symbol);
  let steps: Array<{ lowerBound: string; maxLeverage: number }>;
  const id = entry.marginTableId;
  if (id === undefined) {
    steps = [{ lowerBound: '0', maxLeverage: entry.maxLeverage }];
  } else if (id < 50) {
    steps = [{ lowerBound: '0', maxLeverage: id }];
  } else {
    const found = (parsed.data.marginTables ?? []).map((t) => marginTable.safeParse(t)).find((t) => t.success && t.data[0] === id);
    if (!found?.success) throw new TierTableError(`hyperliquid: margin table ${id} of ${coin} is missing`);
    steps = found.data[1].marginTiers;
  }
  const tiers = withRecursiveAmounts(
    steps.map((step, i) => ({
      floor: new Decimal(step.lowerBound),
      cap: i + 1 < steps.length ? new Decimal(steps[i + 1].lowerBound) : null,
      maxLeverage: new Decimal(step.maxLeverage),
      mmr: maintenanceRateFromMaxLeverage(step.maxLeverage),
    })),
  );
  return checkedTierTable({
    venue: 'hyperliquid',
    symbol,
    instrument: coin,
    source: 'venue',
    basis: 'notional',
    bounds: 'floor-inclusive',
    maintenanceModel: 'tiered-deduction',
    tiers,
    url: HYPERLIQUID_META_URL,
    fetchedAt,
  });
}

export class HyperliquidTierFetcher implements TierFetcher {
  readonly venue = 'hyperliquid' as const;

  constructor(readonly http: VenueHttp) {}

  async fetch(request: TierRequest): Promise<FetchedTable> {
    const payload = await this.http.post('/info', { type: 'meta' }, 20);
    return { table: parseHyperliquidMeta(payload, baseOfSymbol(request.symbol), request.symbol, request.fetchedAt) };
  }
}
