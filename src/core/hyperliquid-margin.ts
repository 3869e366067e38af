import { Decimal } from 'decimal.js';
import { maintenanceRateFromMaxLeverage, nextMaintenanceAmount, normaliseSymbol, type SymbolRules, type Tier } from './venues.ts';

/**
 * Hyperliquid's margin tiers for one coin, from the venue's own `marginTables` (POST /info
 * `meta`), as the liquidation and ADL calculators take them. The rule is documented at
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers :
 *   maintenance_margin = notional × mmr − maintenance_deduction,
 *   mmr(tier n) = (initial margin rate at the tier's max leverage) / 2 = 1 / (2 × maxLeverage),
 *   deduction(0) = 0, deduction(n) = deduction(n−1) + lowerBound(n) × (mmr(n) − mmr(n−1)),
 * and "tables with id < 50 are a single tier with max leverage = id". Tiers start at their lower
 * bound (floor-inclusive).
 */
export const HYPERLIQUID_MARGIN_TIERS_URL = 'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers';

export interface HyperliquidMarginTier {
  /** USDC notional where the tier starts. */
  lowerBound: Decimal;
  maxLeverage: number;
}

/** A margin table id below 50 names a single tier whose max leverage is the id. */
export function singleTierTable(id: number): HyperliquidMarginTier[] | undefined {
  return Number.isInteger(id) && id > 0 && id < 50 ? [{ lowerBound: new Decimal(0), maxLeverage: id }] : undefined;
}

/** The table's tiers with their maintenance rates and the deduction chain; throws on a table that breaks the documented shape. */
export function hyperliquidTiers(table: readonly HyperliquidMarginTier[]): Tier[] {
  if (table.length === 0) throw new Error('hyperliquid margin table: no tiers');
  if (!table[0].lowerBound.isZero()) throw new Error('hyperliquid margin table: the first tier must start at 0');
  const tiers: Tier[] = [];
  table.forEach((row, i) => {
    if (!Number.isInteger(row.maxLeverage) || row.maxLeverage < 1) throw new Error(`hyperliquid margin table: max leverage ${row.maxLeverage}`);
    const previous = tiers[i - 1];
    if (previous && !row.lowerBound.gt(previous.floor)) throw new Error('hyperliquid margin table: lower bounds must rise');
    const mmr = maintenanceRateFromMaxLeverage(row.maxLeverage);
    tiers.push({
      index: i + 1,
      floor: row.lowerBound,
      cap: null,
      maxLeverage: new Decimal(row.maxLeverage),
      mmr,
      maintenanceAmount: previous ? nextMaintenanceAmount(row.lowerBound, mmr, previous.mmr, previous.maintenanceAmount) : new Decimal(0),
    });
    if (previous) previous.cap = row.lowerBound;
  });
  return tiers;
}

/** The coin's rules as `computeLiquidation` / `computeAdlRank` take them (`PositionInput.rules`). */
export function hyperliquidSymbolRules(coin: string, table: readonly HyperliquidMarginTier[], origin: { tableId?: number; fetchedAt: number }): SymbolRules {
  const name = origin.tableId === undefined ? `${coin} (max leverage)` : `${coin} (margin table ${origin.tableId})`;
  return {
    venue: 'hyperliquid',
    tierBounds: 'floor-inclusive',
    symbol: normaliseSymbol(coin),
    table: name,
    usedDefault: false,
    tableSource: 'official',
    source: `Hyperliquid meta marginTables, read ${new Date(origin.fetchedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    url: HYPERLIQUID_MARGIN_TIERS_URL,
    date: new Date(origin.fetchedAt).toISOString().slice(0, 10),
    tiers: hyperliquidTiers(table),
  };
}
