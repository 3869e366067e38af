import { Decimal } from 'decimal.js';
import { computeAdlRank, type AdlAdvice } from '../core/adl.ts';
import { isCalculationInputError } from '../core/errors.ts';
import { computeLiquidation } from '../core/liquidation.ts';
import type { PositionInput } from '../core/position.ts';
import type { TierTable } from '../core/tier-table.ts';
import { maintenanceMargin, tierFor } from '../core/venues.ts';
import type { AccountPosition, AccountState } from './types.ts';

/**
 * One account as the trader should read it: per position the venue's liquidation price beside
 * ours (src/core, with the coin's own live table), the distance from the mark, and where it sits
 * in the ADL queue (the scoring /adl-rank uses). The venue's liquidation price is the one that
 * counts; ours shows what the documented formula gives, so a difference is named, not hidden.
 */
export interface AdlEstimate {
  /** Null for a position not in profit: it is not ranked at all. */
  score: Decimal | null;
  lights: number;
  percentile: number;
  inProfit: boolean;
  advice: AdlAdvice[];
  populationSize: number;
}

export interface PositionReport
  extends Pick<AccountPosition, 'coin' | 'side' | 'size' | 'entryPrice' | 'markPrice' | 'leverage' | 'marginMode' | 'unrealizedPnl' | 'positionValue'> {
  /** The venue's own; null when it shows none. */
  liquidationPrice: Decimal | null;
  ourLiquidationPrice: Decimal | null;
  /** Why ours is missing: no table for the coin, or the calculator's reason (an error code of src/core). */
  ourMissing: string | null;
  /** Ours differs from the venue's by more than DIFFERENCE_TOLERANCE. */
  pricesDiffer: boolean;
  /** (mark − LP)/mark for longs, (LP − mark)/mark for shorts, from the venue's price, else ours; null without either. */
  distanceFromMarkPct: Decimal | null;
  distanceFrom: 'venue' | 'ours' | null;
  adl: AdlEstimate | null;
  /** The table behind ours and the ADL estimate. */
  /** The margin table used: the venue's own, and when it was read (ISO), for the reply's footer. */
  table: { name: string; url: string; readAt: string | null } | null;
  assumptions: string[];
  venueAdl: AccountPosition['venueAdl'];
}

export interface AccountReport {
  venue: AccountState['venue'];
  account: string;
  time: number;
  accountValue: Decimal;
  positions: PositionReport[];
}

/** Below this relative gap ours and the venue's liquidation price are the same number (rounding, funding since the read). */
export const DIFFERENCE_TOLERANCE = new Decimal('0.001');

/** Maintenance margin of a position at its mark, with its coin's table. */
function maintenanceAtMark(position: AccountPosition, rules: TierTable): Decimal {
  const notional = position.size.times(position.markPrice);
  const tier = tierFor(rules, notional) ?? rules.tiers[rules.tiers.length - 1];
  return maintenanceMargin(tier, notional);
}

/**
 * What the core calculators take for this position. Isolated: its own margin. Cross: the cross
 * account value without this position's PnL as the wallet, the other cross positions'
 * maintenance margin held fixed (they move too in reality: the `cross-others-fixed` assumption).
 */
export function positionInput(position: AccountPosition, state: AccountState, rules: TierTable, rulesOf: (coin: string) => TierTable | undefined): PositionInput | { missing: string } {
  const base = {
    venue: state.venue,
    symbol: rules.symbol,
    table: rules,
    held: true,
    side: position.side,
    entryPrice: position.entryPrice,
    quantity: position.size,
    markPrice: position.markPrice,
  };
  if (position.marginMode === 'isolated') {
    if (!position.isolatedMargin || position.isolatedMargin.lte(0)) return { missing: 'no-margin' };
    return { ...base, mode: 'isolated', margin: position.isolatedMargin };
  }
  let otherMaintenance = new Decimal(0);
  for (const other of state.positions) {
    if (other === position || other.marginMode !== 'cross') continue;
    const otherRules = rulesOf(other.coin);
    if (!otherRules) return { missing: 'no-table-other' };
    otherMaintenance = otherMaintenance.plus(maintenanceAtMark(other, otherRules));
  }
  const wallet = state.crossAccountValue.minus(position.unrealizedPnl);
  if (wallet.lte(0)) return { missing: 'no-margin' };
  return { ...base, mode: 'cross', walletBalance: wallet, leverage: position.leverage, otherMaintenanceMargin: otherMaintenance };
}

function distance(position: AccountPosition, price: Decimal): Decimal {
  const sign = position.side === 'long' ? 1 : -1;
  return position.markPrice.minus(price).div(position.markPrice).times(sign);
}

export function evaluatePosition(position: AccountPosition, state: AccountState, rulesOf: (coin: string) => TierTable | undefined): PositionReport {
  const rules = rulesOf(position.coin);
  let ours: Decimal | null = null;
  let ourMissing: string | null = rules ? null : 'no-table';
  let adl: AdlEstimate | null = null;
  let assumptions: string[] = [];
  if (rules) {
    const input = positionInput(position, state, rules, rulesOf);
    if ('missing' in input) ourMissing = input.missing;
    else {
      try {
        const liquidation = computeLiquidation(input);
        ours = liquidation.liquidationPrice;
        if (!ours) ourMissing = liquidation.noLiquidationReason ?? 'none';
        assumptions = liquidation.assumptions;
      } catch (error) {
        if (!isCalculationInputError(error)) throw error;
        ourMissing = error.code;
      }
      adl = adlEstimate(position, input);
    }
  }
  const venue = position.liquidationPrice;
  const distanceFrom = venue ? 'venue' : ours ? 'ours' : null;
  const reference = venue ?? ours;
  return {
    coin: position.coin,
    side: position.side,
    size: position.size,
    entryPrice: position.entryPrice,
    markPrice: position.markPrice,
    liquidationPrice: venue,
    ourLiquidationPrice: ours,
    ourMissing,
    pricesDiffer: pricesDiffer(venue, ours, ourMissing),
    distanceFromMarkPct: reference ? distance(position, reference) : null,
    distanceFrom,
    leverage: position.leverage,
    marginMode: position.marginMode,
    unrealizedPnl: position.unrealizedPnl,
    positionValue: position.positionValue,
    adl,
    table: rules ? describeTable(rules) : null,
    assumptions,
    venueAdl: position.venueAdl ?? null,
  };
}

/** The table a report used, for the reply's footer: the venue's own, and when it was read. */
function describeTable(table: TierTable): { name: string; url: string; readAt: string | null } {
  return { name: `${table.instrument} margin table`, url: table.url, readAt: table.fetchedAt ?? null };
}

/**
 * Both prices and more than the tolerance apart, or one side shows a price the other says does not
 * exist. A price we could not compute (no table, no margin figure) is missing, not different.
 */
function pricesDiffer(venue: Decimal | null, ours: Decimal | null, ourMissing: string | null): boolean {
  if (venue && ours) return ours.minus(venue).abs().div(venue).gt(DIFFERENCE_TOLERANCE);
  const weComputed = ours !== null || ourMissing === 'at-or-below-zero';
  return weComputed && (venue === null) !== (ours === null);
}

/**
 * The shared ADL scoring (computeAdlRank, as /adl-rank), for profitable positions only: Hyperliquid
 * ranks "the affected users in profit" (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging),
 * so a position at a loss is behind every winner whatever its leverage.
 */
function adlEstimate(position: AccountPosition, input: PositionInput): AdlEstimate | null {
  if (position.unrealizedPnl.lte(0)) {
    return { score: null, lights: 1, percentile: 0, inProfit: false, advice: [{ kind: 'back-of-queue' }], populationSize: 0 };
  }
  try {
    const rank = computeAdlRank({ ...input, markPrice: position.markPrice });
    if (rank.lights === null || rank.percentile === null) return null;
    return { score: rank.score, lights: rank.lights, percentile: rank.percentile, inProfit: true, advice: rank.advice, populationSize: rank.populationSize };
  } catch (error) {
    if (isCalculationInputError(error)) return null;
    throw error;
  }
}

export function evaluateAccount(state: AccountState, rulesOf: (coin: string) => TierTable | undefined): AccountReport {
  return {
    venue: state.venue,
    account: state.account,
    time: state.time,
    accountValue: state.accountValue,
    positions: state.positions.map((p) => evaluatePosition(p, state, rulesOf)),
  };
}
