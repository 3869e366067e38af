import { Decimal } from 'decimal.js';
import { CalculationInputError } from './errors.ts';
import { resolvePosition, type PositionInput, type ResolvedPosition, type Side, type MarginMode } from './position.ts';
import type { TableSource, TierTable } from './tier-table.ts';
import { maintenanceMargin, tierAtPrice, venueAssumptionIds, type Tier, type VenueId } from './venues.ts';

export type { PositionInput, Side, MarginMode } from './position.ts';

/**
 * Why a price is absent: the venue's equation gives a price at or below zero, e.g. a 1x long cannot be
 * liquidated (Binance: "If the liquidation price is less than 0, the UI display would be '--'").
 */
export type NoPriceReason = 'at-or-below-zero';

export interface TierSummary {
  index: number;
  floor: Decimal;
  cap: Decimal | null;
  /** What floor and cap measure: USDT value, or coins (OKX bounds tiers by size). */
  basis: TierTable['basis'];
  maxLeverage: Decimal | null;
}

/** The tier table an answer used: which symbol, where it came from and when. */
export interface TableUsed {
  symbol: string;
  source: TableSource;
  /** The venue's instrument name (`BTC-USDT-SWAP`). */
  instrument: string;
  url: string;
  /** The date the venue gave the table (shipped tables), ISO. */
  publishedAt: string | null;
  /** When it was fetched or read, ISO. */
  fetchedAt: string | null;
}

export function tableUsed(table: TierTable): TableUsed {
  return {
    symbol: table.symbol,
    source: table.source,
    instrument: table.instrument,
    url: table.url,
    publishedAt: table.publishedAt ?? null,
    fetchedAt: table.fetchedAt ?? null,
  };
}

export interface LiquidationResult {
  venue: VenueId;
  symbol: string;
  side: Side;
  mode: MarginMode;
  liquidationPrice: Decimal | null;
  noLiquidationReason?: NoPriceReason;
  bankruptcyPrice: Decimal | null;
  noBankruptcyReason?: NoPriceReason;
  initialMargin: Decimal;
  maintenanceMargin: { atLiquidation: Decimal | null; atMark: Decimal };
  mmr: Decimal;
  maintenanceAmount: Decimal;
  /** Liquidation fee rate included in the condition (OKX), else zero. */
  liquidationFeeRate: Decimal;
  tier: TierSummary;
  notional: Decimal;
  quantity: Decimal;
  /** Contracts and coins per contract, where the venue sizes in contracts and the size is known. */
  contracts: Decimal | null;
  contractSize: Decimal | null;
  /** The leverage used: in cross, notional ÷ wallet when the wallet is below what the setting needs. */
  leverage: Decimal;
  /** The leverage typed, when one was. */
  leverageRequested: Decimal | null;
  entryPrice: Decimal;
  markPrice: Decimal;
  /** (mark − LP)/mark for longs, (LP − mark)/mark for shorts: the fall (rise) that liquidates. Null without LP. */
  distanceFromMarkPct: Decimal | null;
  /** The mark is already at or beyond the liquidation price. */
  liquidatedAtMark: boolean;
  /** Stable ids; commands translate `venues.assumption.<id>`. */
  assumptions: string[];
  /** The formula's source. */
  source: string;
  table: TableUsed;
}


/**
 * The collateral that absorbs losses before liquidation: isolated margin, or for cross
 * the wallet less the other positions' maintenance margin plus their unrealised PnL
 * (Binance: WB − TMM1 + UPNL1).
 */
function liquidationCollateral(p: ResolvedPosition): Decimal {
  return p.collateral.minus(p.otherMaintenanceMargin).plus(p.otherUnrealizedPnl);
}

/**
 * Price where equity C + side×Q×(P − EP) equals maintenance Q×P×rate − amount:
 * P = (C − side×Q×EP + amount) / (Q×rate − side×Q).
 * This is Binance's one-way formula (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93),
 * also dYdX's p' = (e − s·p)/(|s|·MMF − s) with amount 0.
 */
function solveMaintenanceEquality(p: ResolvedPosition, collateral: Decimal, rate: Decimal, amount: Decimal): Decimal {
  const q = p.quantity;
  const numerator = collateral.minus(q.times(p.entryPrice).times(p.sign)).plus(amount);
  const denominator = q.times(rate).minus(q.times(p.sign));
  return numerator.div(denominator);
}

interface PriceWithTier {
  price: Decimal;
  tier: Tier;
}

/** The tier that applies at `price`: the entry tier where the venue fixes it at entry, else the table's. */
function tierAt(p: ResolvedPosition, price: Decimal): Tier {
  if (p.venue.liquidation.tierEvaluatedAt === 'entry-notional') return p.entryTier;
  return tierAtPrice(p.table, p.quantity, price) ?? p.table.tiers[p.table.tiers.length - 1];
}

/**
 * Solves for the liquidation price with the venue's tier rule. Venues that evaluate the tier at the
 * liquidation notional (Binance, Hyperliquid): start from the tier at entry, recompute while LP × Q falls
 * in another tier. Venues that fix the tier at entry (Bybit, OKX, BitMEX, dYdX): one solve.
 */
function solveWithTier(p: ResolvedPosition, solve: (tier: Tier) => Decimal): PriceWithTier {
  let tier = p.entryTier;
  let price = solve(tier);
  if (p.table.tiers.length === 1 || p.venue.liquidation.tierEvaluatedAt === 'entry-notional') return { price, tier };
  const seen = new Set<number>([tier.index]);
  for (let step = 0; step < p.table.tiers.length + 1; step++) {
    if (price.lte(0)) break;
    const next = tierAt(p, price);
    if (next.index === tier.index) break;
    if (seen.has(next.index)) {
      // Whole-position tables jump at a boundary: no tier is self-consistent. Keep the
      // tier that liquidates earlier (the more cautious answer).
      const other = solve(next);
      const earlier = p.sign === 1 ? Decimal.max(price, other) : Decimal.min(price, other);
      return earlier.eq(price) ? { price, tier } : { price: other, tier: next };
    }
    seen.add(next.index);
    tier = next;
    price = solve(tier);
  }
  return { price, tier };
}

function liquidationPriceFor(p: ResolvedPosition, feeRate: Decimal): PriceWithTier {
  const collateral = liquidationCollateral(p);
  switch (p.venue.liquidation.method) {
    case 'binance-one-way':
      // LP = (WB − TMM1 + UPNL1 + cum − side×Q×EP) / (Q×MMR − side×Q), bracket at the liquidation notional:
      // "If your position (calculated at the liquidation price) and the current position (calculated at the
      // opening price) are of different levels, … recalculate the liquidation price."
      // https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93
      return solveWithTier(p, (tier) => solveMaintenanceEquality(p, collateral, tier.mmr, tier.maintenanceAmount));
    case 'bybit-isolated':
      // LP = EP ∓ (IM − MM)/Q ∓ ExtraMargin/Q, MM = Position Value × MMR − deduction, Position Value = Q × EP.
      // https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract
      // Cross: the same with the wallet (less other MM, plus other uPnL) in place of IM + extra margin.
      return solveWithTier(p, (tier) => p.entryPrice.minus(collateral.minus(maintenanceMargin(tier, p.notional)).div(p.quantity).times(p.sign)));
    case 'okx-margin-ratio':
      // Margin ratio = (margin + uPnL) / (MM + liquidation fee) = 100%, with MM = value × tier MMR and
      // fee = value × taker rate, solved for the mark price. Derived: OKX publishes no closed form. The tier
      // is fixed by the position's size in contracts, so it does not move with the price.
      // https://www.okx.com/help/forced-partial-or-full-liquidation
      return solveWithTier(p, (tier) => solveMaintenanceEquality(p, collateral, tier.mmr.plus(feeRate), new Decimal(0)));
    case 'bitmex-linear':
      // Liquidation when margin + uPnL falls to maintenance margin (whole-position MM% of the risk-limit step).
      // https://www.bitmex.com/app/riskLimits
      return solveWithTier(p, (tier) => solveMaintenanceEquality(p, collateral, tier.mmr, new Decimal(0)));
    case 'hyperliquid':
      // liq_price = price − side × margin_available / position_size / (1 − l × side), l = MMR of the tier at the
      // liquidation notional; margin_available = margin − (Q × price × l − deduction).
      // https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations
      return solveWithTier(p, (tier) => {
        const required = maintenanceMargin(tier, p.notional);
        const available = collateral.minus(required);
        return p.entryPrice.minus(available.div(p.quantity).div(new Decimal(1).minus(tier.mmr.times(p.sign))).times(p.sign));
      });
    case 'dydx-isolated':
      // p' = (e − s·p) / (|s|·MMF − s)  https://docs.dydx.exchange/concepts/trading/liquidations
      return solveWithTier(p, (tier) => {
        const s = p.quantity.times(p.sign);
        return collateral.minus(s.times(p.entryPrice)).div(p.quantity.times(tier.mmr).minus(s));
      });
  }
}

/** Where equity (collateral + PnL) reaches zero. Cross: wallet + other uPnL. */
export function bankruptcyPriceOf(p: ResolvedPosition): Decimal {
  const collateral = p.collateral.plus(p.otherUnrealizedPnl);
  return p.entryPrice.minus(collateral.div(p.quantity).times(p.sign));
}

export function computeLiquidation(input: PositionInput): LiquidationResult {
  const p = resolvePosition(input);
  const feeRate = p.venue.liquidation.method === 'okx-margin-ratio'
    ? input.liquidationFeeRateOverride ?? p.venue.fees.liquidationFeeRate ?? new Decimal(0)
    : new Decimal(0);
  const { price, tier } = liquidationPriceFor(p, feeRate);
  const bankruptcy = bankruptcyPriceOf(p);

  // A liquidation price on the wrong side of entry means the margin is already below maintenance.
  if (price.gt(0) && (p.sign === 1 ? price.gte(p.entryPrice) : price.lte(p.entryPrice))) {
    throw new CalculationInputError('already-liquidated', { liquidation: price.toDecimalPlaces(2).toString(), entry: p.entryPrice.toString() });
  }

  const liquidationPrice = price.gt(0) ? price : null;
  const bankruptcyPrice = bankruptcy.gt(0) ? bankruptcy : null;
  const tierAtMark = tierAt(p, p.markPrice);
  const mmRate = (t: Tier) => t.mmr.plus(feeRate);
  // Bybit takes the maintenance margin on the entry value; the others on the value at the price.
  const valued = (notional: Decimal) => (p.venue.liquidation.maintenanceValue === 'entry' ? p.notional : notional);
  const wholePosition = p.table.maintenanceModel === 'whole-position';
  const mmAt = (t: Tier, notional: Decimal) =>
    wholePosition ? valued(notional).times(mmRate(t)) : valued(notional).times(mmRate(t)).minus(t.maintenanceAmount);

  const assumptions = [
    ...venueAssumptionIds(p.venue, 'liquidation', p.table.source),
    ...p.assumptions,
    'one-way-mode',
  ];
  if (p.venue.liquidation.method !== 'okx-margin-ratio') assumptions.push('fees-excluded');
  if (p.mode === 'cross' && p.leverageRequested && p.leverage.gt(p.leverageRequested)) assumptions.push('cross-wallet-decides');

  let distance: Decimal | null = null;
  let liquidatedAtMark = false;
  if (liquidationPrice) {
    distance = p.markPrice.minus(liquidationPrice).div(p.markPrice).times(p.sign);
    liquidatedAtMark = distance.lte(0);
  }

  return {
    venue: p.venue.id,
    symbol: p.symbol,
    side: p.side,
    mode: p.mode,
    liquidationPrice,
    noLiquidationReason: liquidationPrice ? undefined : 'at-or-below-zero',
    bankruptcyPrice,
    noBankruptcyReason: bankruptcyPrice ? undefined : 'at-or-below-zero',
    initialMargin: p.initialMargin,
    maintenanceMargin: {
      atLiquidation: liquidationPrice ? mmAt(tier, liquidationPrice.times(p.quantity)) : null,
      atMark: mmAt(tierAtMark, p.markPrice.times(p.quantity)),
    },
    mmr: tier.mmr,
    maintenanceAmount: wholePosition ? new Decimal(0) : tier.maintenanceAmount,
    liquidationFeeRate: feeRate,
    tier: { index: tier.index, floor: tier.floor, cap: tier.cap, basis: p.table.basis, maxLeverage: tier.maxLeverage },
    notional: p.notional,
    quantity: p.quantity,
    contracts: p.contracts ?? null,
    contractSize: p.contracts !== undefined && p.contract ? p.contract.size : null,
    leverage: p.leverage,
    leverageRequested: p.leverageRequested ?? null,
    entryPrice: p.entryPrice,
    markPrice: p.markPrice,
    distanceFromMarkPct: distance,
    liquidatedAtMark,
    assumptions: [...new Set(assumptions)],
    source: p.venue.liquidation.source,
    table: tableUsed(p.table),
  };
}

