import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, type ContractSpec, type Tier } from '../../core/tier-table.ts';
import { baseOfSymbol } from '../../core/venues.ts';
import { VenueHttp } from '../http.ts';
import { UnknownSymbolError, type FetchedTable, type TierFetcher, type TierRequest } from './types.ts';

/**
 * BitMEX `GET /api/v1/instrument?symbol=XBTUSDT` (public): `riskLimit`, `riskStep`, `initMargin`,
 * `maintMargin`, `underlyingToPositionMultiplier`, `lotSize`, `settlCurrency`.
 * UNVERIFIED: no official or recorded example of these fields was found, and BitMEX has changed its
 * risk-limit model over time; the fields are read defensively and a table that does not check out is
 * not used. The step model: each step of `riskStep` above `riskLimit` adds the base maintenance rate to
 * both the maintenance and the initial margin rate (https://www.bitmex.com/app/riskLimits).
 */
const num = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?([eE][-+]?\d+)?$/).transform(Number)]);
const instrument = z.object({
  symbol: z.string(),
  state: z.string().optional(),
  isInverse: z.boolean().optional(),
  settlCurrency: z.string().optional(),
  riskLimit: num.nullable().optional(),
  riskStep: num.nullable().optional(),
  initMargin: num,
  maintMargin: num,
  underlyingToPositionMultiplier: num.nullable().optional(),
  lotSize: num.nullable().optional(),
});

export const BITMEX_INSTRUMENT_URL = 'https://www.bitmex.com/api/explorer/#!/Instrument/Instrument_get';
/** Settlement currencies are counted in their smallest unit: XBt (satoshi) and USDt (micro-USDT). */
const UNIT_SCALE: Record<string, number> = { XBt: 1e8, USDt: 1e6, USDT: 1e6 };
/** Steps generated above the base limit, at most. */
const MAX_STEPS = 60;

/** `BTCUSDT` → `XBTUSDT`: BitMEX calls bitcoin XBT. */
export function bitmexInstrument(symbol: string): string {
  const base = baseOfSymbol(symbol);
  return `${base === 'BTC' ? 'XBT' : base}USDT`;
}

export function parseBitmexInstrument(payload: unknown, name: string, symbol: string, fetchedAt: string): FetchedTable {
  const items = Array.isArray(payload) ? payload : [payload];
  const found = items.map((item) => instrument.safeParse(item)).find((r) => r.success && r.data.symbol === name);
  if (!found?.success) throw new UnknownSymbolError('bitmex', symbol);
  const i = found.data;
  if (i.isInverse) throw new TierTableError(`bitmex ${name} is inverse, not linear`);
  const base = new Decimal(i.maintMargin);
  const initial = new Decimal(i.initMargin);
  if (!base.gt(0) || !initial.gt(base)) throw new TierTableError(`bitmex ${name}: initMargin ${i.initMargin} / maintMargin ${i.maintMargin}`);
  const scale = UNIT_SCALE[i.settlCurrency ?? 'USDt'];
  if (!scale) throw new TierTableError(`bitmex ${name}: unknown settlement unit ${i.settlCurrency}`);
  const tiers: Tier[] = [];
  if (i.riskLimit == null || i.riskStep == null || i.riskStep <= 0) {
    tiers.push({ index: 1, floor: new Decimal(0), cap: null, maxLeverage: new Decimal(1).div(initial), mmr: base, maintenanceAmount: new Decimal(0) });
  } else {
    const limit = new Decimal(i.riskLimit).div(scale);
    const step = new Decimal(i.riskStep).div(scale);
    for (let k = 0; k <= MAX_STEPS; k++) {
      const im = initial.plus(base.times(k));
      const mm = base.times(k + 1);
      if (im.gte(1)) break;
      tiers.push({
        index: k + 1,
        floor: k === 0 ? new Decimal(0) : limit.plus(step.times(k - 1)),
        cap: limit.plus(step.times(k)),
        maxLeverage: new Decimal(1).div(im).toDecimalPlaces(2, Decimal.ROUND_DOWN),
        mmr: mm,
        maintenanceAmount: new Decimal(0),
      });
    }
  }
  const table = checkedTierTable({
    venue: 'bitmex',
    symbol,
    instrument: name,
    source: 'venue',
    basis: 'notional',
    bounds: 'cap-inclusive',
    maintenanceModel: 'whole-position',
    tiers,
    url: `${BITMEX_INSTRUMENT_URL}`,
    fetchedAt,
  });
  let contract: ContractSpec | undefined;
  if (i.underlyingToPositionMultiplier && i.underlyingToPositionMultiplier > 0) {
    contract = {
      instrument: name,
      size: new Decimal(1).div(i.underlyingToPositionMultiplier),
      lotSize: i.lotSize ? new Decimal(i.lotSize) : undefined,
      url: BITMEX_INSTRUMENT_URL,
      fetchedAt,
    };
  }
  return { table, contract };
}

export class BitmexTierFetcher implements TierFetcher {
  readonly venue = 'bitmex' as const;

  constructor(readonly http: VenueHttp) {}

  async fetch(request: TierRequest): Promise<FetchedTable> {
    const name = bitmexInstrument(request.symbol);
    const payload = await this.http.get('/api/v1/instrument', { symbol: name }, 1);
    return parseBitmexInstrument(payload, name, request.symbol, request.fetchedAt);
  }
}
