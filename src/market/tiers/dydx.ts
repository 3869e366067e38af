import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, type TierTable } from '../../core/tier-table.ts';
import { baseOfSymbol } from '../../core/venues.ts';
import { VenueHttp } from '../http.ts';
import { UnknownSymbolError, type FetchedTable, type TierFetcher, type TierRequest } from './types.ts';

/**
 * dYdX v4 indexer `GET /v4/perpetualMarkets?ticker=BTC-USD` (public): `markets[ticker]` with
 * `initialMarginFraction` and `maintenanceMarginFraction`. UNVERIFIED: the field names come from
 * third-party descriptions only (no official example found); parsed defensively. One tier: the
 * maintenance fraction on the whole position, max leverage 1 / initial fraction (the base one: dYdX
 * raises it with open interest).
 */
const market = z.object({
  ticker: z.string(),
  status: z.string().optional(),
  initialMarginFraction: z.string().regex(/^\d+(\.\d+)?$/),
  maintenanceMarginFraction: z.string().regex(/^\d+(\.\d+)?$/),
});
const body = z.object({ markets: z.record(z.string(), z.unknown()) });

export const DYDX_MARKETS_URL = 'https://docs.dydx.exchange/api_integration-indexer/indexer_api';

export function parseDydxMarkets(payload: unknown, ticker: string, symbol: string, fetchedAt: string): TierTable {
  const parsed = body.safeParse(payload);
  if (!parsed.success) throw new TierTableError('dydx perpetualMarkets: unexpected shape');
  const entry = market.safeParse(parsed.data.markets[ticker]);
  if (!entry.success) {
    if (parsed.data.markets[ticker] === undefined) throw new UnknownSymbolError('dydx', symbol);
    throw new TierTableError(`dydx ${ticker}: ${entry.error.issues[0].path.join('.')} ${entry.error.issues[0].message}`);
  }
  const imf = new Decimal(entry.data.initialMarginFraction);
  if (imf.lte(0)) throw new TierTableError(`dydx ${ticker}: initial margin fraction ${imf}`);
  return checkedTierTable({
    venue: 'dydx',
    symbol,
    instrument: ticker,
    source: 'venue',
    basis: 'notional',
    bounds: 'floor-inclusive',
    maintenanceModel: 'whole-position',
    tiers: [{ index: 1, floor: new Decimal(0), cap: null, maxLeverage: new Decimal(1).div(imf), mmr: new Decimal(entry.data.maintenanceMarginFraction), maintenanceAmount: new Decimal(0) }],
    url: DYDX_MARKETS_URL,
    fetchedAt,
  });
}

export class DydxTierFetcher implements TierFetcher {
  readonly venue = 'dydx' as const;

  constructor(readonly http: VenueHttp) {}

  async fetch(request: TierRequest): Promise<FetchedTable> {
    const ticker = `${baseOfSymbol(request.symbol)}-USD`;
    const payload = await this.http.get('/v4/perpetualMarkets', { ticker }, 1);
    return { table: parseDydxMarkets(payload, ticker, request.symbol, request.fetchedAt) };
  }
}
