import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { checkedTierTable, TierTableError, type TierTable } from '../../core/tier-table.ts';

/**
 * Binance `GET /fapi/v1/leverageBracket` is USER_DATA (signed with the user's key): there is no public
 * bracket endpoint, so the bot never fetches it without a key. This parser reads its answer for the
 * read-only-key flow (`/watch` keys): `brackets[]` with `initialLeverage`, `notionalFloor`,
 * `notionalCap`, `maintMarginRatio` and `cum` (numbers). `notionalCoef` marks brackets adjusted for
 * that one user: such a table serves that user only.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets
 */
const bracket = z.object({
  bracket: z.number().int(),
  initialLeverage: z.number().positive(),
  notionalCap: z.number().nonnegative(),
  notionalFloor: z.number().nonnegative(),
  maintMarginRatio: z.number().positive(),
  cum: z.number(),
});
const entry = z.object({ symbol: z.string(), notionalCoef: z.number().optional(), brackets: z.array(bracket).min(1) });

export const BINANCE_BRACKETS_URL = 'https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets';

export function parseBinanceBrackets(payload: unknown, symbol: string, fetchedAt: string): TierTable {
  const items = Array.isArray(payload) ? payload : [payload];
  const found = items.map((item) => entry.safeParse(item)).find((r) => r.success && r.data.symbol === symbol);
  if (!found?.success) throw new TierTableError(`binance brackets: no ${symbol}`);
  const brackets = [...found.data.brackets].sort((a, b) => a.bracket - b.bracket);
  return checkedTierTable({
    venue: 'binance',
    symbol,
    instrument: symbol,
    source: 'venue',
    basis: 'notional',
    bounds: 'cap-inclusive',
    maintenanceModel: 'tiered-deduction',
    tiers: brackets.map((b, i) => ({
      index: i + 1,
      floor: new Decimal(b.notionalFloor),
      cap: new Decimal(b.notionalCap),
      maxLeverage: new Decimal(b.initialLeverage),
      mmr: new Decimal(b.maintMarginRatio),
      maintenanceAmount: new Decimal(b.cum),
    })),
    url: BINANCE_BRACKETS_URL,
    fetchedAt,
  });
}
