import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, type ContractSpec, type Tier, type TierTable } from '../../core/tier-table.ts';
import { baseOfSymbol } from '../../core/venues.ts';
import { VenueHttp, VenueHttpError } from '../http.ts';
import { UnknownSymbolError, type FetchedTable, type TierFetcher, type TierRequest } from './types.ts';

/**
 * OKX v5, both public:
 * - `GET /api/v5/public/position-tiers?instType=SWAP&tdMode=…&instFamily=BTC-USDT` (10 req / 2 s / IP):
 *   `tier`, `minSz`/`maxSz` (position size in contracts for SWAP), `mmr`, `imr`, `maxLever`.
 *   https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers — the docs show only a MARGIN
 *   example, so the SWAP shape (same fields, sizes in contracts) is UNVERIFIED and parsed defensively.
 * - `GET /api/v5/public/instruments?instType=SWAP&instId=BTC-USDT-SWAP` (20 req / 2 s): `ctVal` (coins per
 *   contract for linear swaps), `lotSz`, `ctType`, `settleCcy`.
 *   https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
 */
const envelope = z.object({ code: z.string(), msg: z.string().optional(), data: z.array(z.unknown()) });
const decimalText = z.string().regex(/^\d+(\.\d+)?$/);
const tierRow = z.object({
  tier: z.string().regex(/^\d+$/),
  instFamily: z.string().optional(),
  uly: z.string().optional(),
  minSz: decimalText,
  maxSz: decimalText,
  mmr: decimalText,
  imr: decimalText.optional(),
  maxLever: decimalText,
});
const instrumentRow = z.object({
  instId: z.string(),
  ctVal: decimalText,
  lotSz: decimalText.optional(),
  ctType: z.string().optional(),
  settleCcy: z.string().optional(),
});

export const OKX_TIERS_URL = 'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers';
export const OKX_INSTRUMENTS_URL = 'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments';

function dataOf(payload: unknown, what: string): unknown[] {
  const parsed = envelope.safeParse(payload);
  if (!parsed.success) throw new TierTableError(`okx ${what}: unexpected envelope`);
  if (parsed.data.code !== '0') throw new VenueHttpError('okx', `${what}: code ${parsed.data.code} ${parsed.data.msg ?? ''}`.trim());
  return parsed.data.data;
}

export type OkxInstrumentRow = z.infer<typeof instrumentRow>;

/** The readable rows of a `GET /api/v5/public/instruments` answer (unreadable rows are skipped). */
export function okxInstrumentRows(payload: unknown): OkxInstrumentRow[] {
  return dataOf(payload, 'instruments').flatMap((item) => {
    const row = instrumentRow.safeParse(item);
    return row.success ? [row.data] : [];
  });
}

/** ctVal and lot size of a linear USDT swap. */
export function parseOkxInstrument(payload: unknown, instId: string, symbol: string, fetchedAt: string): ContractSpec {
  const row = okxInstrumentRows(payload).find((r) => r.instId === instId);
  if (!row) throw new UnknownSymbolError('okx', symbol);
  if (row.ctType !== undefined && row.ctType !== 'linear') throw new TierTableError(`okx ${instId} is ${row.ctType}, not linear`);
  const size = new Decimal(row.ctVal);
  if (size.lte(0)) throw new TierTableError(`okx ${instId}: ctVal ${row.ctVal}`);
  return { instrument: instId, size, lotSize: row.lotSz ? new Decimal(row.lotSz) : undefined, url: `${OKX_INSTRUMENTS_URL}`, fetchedAt };
}

/** Position tiers in contracts → a quantity-based table in coins (× ctVal). */
export function parseOkxPositionTiers(payload: unknown, instFamily: string, contract: ContractSpec, symbol: string, fetchedAt: string): TierTable {
  const rows = dataOf(payload, 'position-tiers')
    .map((item) => tierRow.safeParse(item))
    .filter((r) => r.success)
    .map((r) => r.data)
    // The docs' example leaves instFamily and uly empty: a row that names no family belongs to the one asked for.
    .filter((r) => (r.instFamily || r.uly || instFamily) === instFamily)
    .sort((a, b) => Number(a.tier) - Number(b.tier));
  if (rows.length === 0) throw new UnknownSymbolError('okx', symbol);
  const tiers: Tier[] = rows.map((r, i) => ({
    index: i + 1,
    // Tiers are contiguous in contracts ("the next tier starts one contract above"): the floor is the previous cap.
    floor: i === 0 ? new Decimal(r.minSz).times(contract.size) : new Decimal(rows[i - 1].maxSz).times(contract.size),
    cap: new Decimal(r.maxSz).times(contract.size),
    maxLeverage: new Decimal(r.maxLever),
    mmr: new Decimal(r.mmr),
    maintenanceAmount: new Decimal(0),
  }));
  return checkedTierTable({
    venue: 'okx',
    symbol,
    instrument: contract.instrument,
    source: 'venue',
    basis: 'quantity',
    bounds: 'cap-inclusive',
    maintenanceModel: 'whole-position',
    tiers,
    url: OKX_TIERS_URL,
    fetchedAt,
  });
}

export class OkxTierFetcher implements TierFetcher {
  readonly venue = 'okx' as const;

  constructor(readonly http: VenueHttp) {}

  async fetch(request: TierRequest): Promise<FetchedTable> {
    const base = baseOfSymbol(request.symbol);
    const instFamily = `${base}-USDT`;
    const instId = `${instFamily}-SWAP`;
    const [tiers, instruments] = await Promise.all([
      this.http.get('/api/v5/public/position-tiers', { instType: 'SWAP', tdMode: request.mode, instFamily }, 1),
      this.http.get('/api/v5/public/instruments', { instType: 'SWAP', instId }, 1),
    ]);
    const contract = parseOkxInstrument(instruments, instId, request.symbol, request.fetchedAt);
    return { table: parseOkxPositionTiers(tiers, instFamily, contract, request.symbol, request.fetchedAt), contract };
  }
}
