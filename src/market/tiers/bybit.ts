import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, type Tier, type TierTable } from '../../core/tier-table.ts';
import { VenueHttp, VenueHttpError } from '../http.ts';
import { UnknownSymbolError, type FetchedTable, type TierFetcher, type TierRequest } from './types.ts';

/**
 * Bybit v5 `GET /v5/market/risk-limit?category=linear&symbol=…` (public; 600 requests / 5 s / IP):
 * one row per risk-limit tier with `riskLimitValue` (the tier's cap, USDT), `maintenanceMargin`,
 * `initialMargin`, `maxLeverage` and `mmDeduction` ("" on tier 1).
 * https://bybit-exchange.github.io/docs/v5/market/risk-limit
 */
const row = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  symbol: z.string().min(1),
  riskLimitValue: z.string().regex(/^\d+(\.\d+)?$/),
  maintenanceMargin: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d+(\.\d+)?$/)),
  initialMargin: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^\d+(\.\d+)?$/)),
  maxLeverage: z.string().regex(/^\d+(\.\d+)?$/),
  mmDeduction: z.string().regex(/^(\d+(\.\d+)?)?$/).optional(),
});
const body = z.object({
  retCode: z.number(),
  retMsg: z.string(),
  result: z.object({ category: z.string().optional(), list: z.array(z.unknown()) }).optional(),
});

export const BYBIT_RISK_LIMIT_URL = 'https://bybit-exchange.github.io/docs/v5/market/risk-limit';

/**
 * The rates come as fractions in live answers ("0.005") but as percents in the docs' example
 * ("0.5" with "maxLeverage": "100.00"). The initial margin at max leverage tells which: × max
 * leverage it is 1 for a fraction, 100 for a percent.
 */
function rateScale(initialMargin: Decimal, maxLeverage: Decimal): Decimal {
  const product = initialMargin.times(maxLeverage);
  if (product.minus(1).abs().lt('0.05')) return new Decimal(1);
  if (product.minus(100).abs().lt(5)) return new Decimal(100);
  throw new TierTableError(`initial margin ${initialMargin} does not match max leverage ${maxLeverage}`);
}

export function parseBybitRiskLimit(payload: unknown, instrument: string, symbol: string, fetchedAt: string): TierTable {
  const parsed = body.safeParse(payload);
  if (!parsed.success) throw new TierTableError('bybit risk-limit: unexpected envelope');
  if (parsed.data.retCode !== 0) throw new VenueHttpError('bybit', `retCode ${parsed.data.retCode}: ${parsed.data.retMsg}`);
  const rows = (parsed.data.result?.list ?? [])
    .map((item) => row.safeParse(item))
    .filter((r) => r.success)
    .map((r) => r.data)
    .filter((r) => r.symbol === instrument)
    .sort((a, b) => new Decimal(a.riskLimitValue).cmp(b.riskLimitValue));
  if (rows.length === 0) throw new UnknownSymbolError('bybit', symbol);
  const tiers: Tier[] = [];
  rows.forEach((r, i) => {
    const maxLeverage = new Decimal(r.maxLeverage);
    const scale = rateScale(new Decimal(r.initialMargin), maxLeverage);
    tiers.push({
      index: i + 1,
      floor: i === 0 ? new Decimal(0) : new Decimal(rows[i - 1].riskLimitValue),
      cap: new Decimal(r.riskLimitValue),
      maxLeverage,
      mmr: new Decimal(r.maintenanceMargin).div(scale),
      maintenanceAmount: new Decimal(r.mmDeduction || 0),
    });
  });
  return checkedTierTable({
    venue: 'bybit',
    symbol,
    instrument,
    source: 'venue',
    basis: 'notional',
    bounds: 'cap-inclusive',
    maintenanceModel: 'tiered-deduction',
    tiers,
    url: `${BYBIT_RISK_LIMIT_URL}?category=linear&symbol=${instrument}`,
    fetchedAt,
  });
}

export class BybitTierFetcher implements TierFetcher {
  readonly venue = 'bybit' as const;

  constructor(readonly http: VenueHttp) {}

  async fetch(request: TierRequest): Promise<FetchedTable> {
    const payload = await this.http.get('/v5/market/risk-limit', { category: 'linear', symbol: request.symbol }, 1);
    return { table: parseBybitRiskLimit(payload, request.symbol, request.symbol, request.fetchedAt) };
  }
}
