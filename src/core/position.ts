import { Decimal } from 'decimal.js';
import { MAX_ABS_INPUT } from './numbers.ts';
import { CalculationInputError } from './errors.ts';
import { getVenue, symbolRules, tierFor, type SymbolRules, type Tier, type VenueId, type VenueRules } from './venues.ts';

export type Side = 'long' | 'short';
export type MarginMode = 'isolated' | 'cross';

/**
 * A linear (USDT/USDC-margined) position in one-way mode, as a trader describes it.
 * Give exactly one of quantity (base units) or notional (USDT at entry); in isolated mode
 * give leverage or margin, in cross mode the wallet balance.
 */
export interface PositionInput {
  venue: VenueId | string;
  symbol?: string;
  side: Side;
  entryPrice: Decimal;
  quantity?: Decimal;
  notional?: Decimal;
  leverage?: Decimal;
  margin?: Decimal;
  walletBalance?: Decimal;
  mode?: MarginMode;
  /** Cross only: maintenance margin of the account's other positions (Binance TMM1). */
  otherMaintenanceMargin?: Decimal;
  /** Cross only: unrealised PnL of the account's other positions (Binance UPNL1). */
  otherUnrealizedPnl?: Decimal;
  mmrOverride?: Decimal;
  maintenanceAmountOverride?: Decimal;
  /** Replaces the venue's liquidation-fee rate where the formula uses one (OKX). */
  liquidationFeeRateOverride?: Decimal;
  /** Defaults to the entry price. */
  markPrice?: Decimal;
  /**
   * The symbol's tier table as the venue itself publishes it now (Hyperliquid's `marginTables`
   * for the coin, read live), used instead of the dated table in data/venues/. It must be that
   * symbol's own table.
   */
  rules?: SymbolRules;
}

/** A validated position with every derived amount the formulas need. */
export interface ResolvedPosition {
  venue: VenueRules;
  rules: SymbolRules;
  side: Side;
  /** +1 long, −1 short */
  sign: 1 | -1;
  mode: MarginMode;
  entryPrice: Decimal;
  markPrice: Decimal;
  quantity: Decimal;
  /** Q × entry */
  notional: Decimal;
  /** User's leverage (isolated: notional / margin when margin was given). */
  leverage: Decimal;
  initialMargin: Decimal;
  /** Isolated margin, or the cross wallet balance. */
  collateral: Decimal;
  otherMaintenanceMargin: Decimal;
  otherUnrealizedPnl: Decimal;
  entryTier: Tier;
  overridden: boolean;
  assumptions: string[];
}

function checkAmount(name: string, value: Decimal | undefined, options: { allowZero?: boolean; allowNegative?: boolean } = {}): void {
  if (value === undefined) return;
  if (!Decimal.isDecimal(value) || !value.isFinite()) throw new CalculationInputError('not-finite', { field: name });
  if (value.abs().gt(MAX_ABS_INPUT)) throw new CalculationInputError('too-large', { field: name, max: MAX_ABS_INPUT.toString() });
  if (options.allowNegative) return;
  if (value.isNegative() || (!options.allowZero && value.isZero())) throw new CalculationInputError('not-positive', { field: name, value: value.toString() });
}

export function resolvePosition(input: PositionInput): ResolvedPosition & { overrideTier?: Tier } {
  const venue = getVenue(input.venue);
  const rules = input.rules ?? symbolRules(venue, input.symbol ?? 'BTCUSDT');
  const mode: MarginMode = input.mode ?? 'isolated';
  if (input.side !== 'long' && input.side !== 'short') throw new CalculationInputError('not-finite', { field: 'side', value: String(input.side) });
  const sign = input.side === 'long' ? 1 : -1;

  checkAmount('entry', input.entryPrice);
  checkAmount('qty', input.quantity);
  checkAmount('notional', input.notional);
  checkAmount('leverage', input.leverage);
  checkAmount('margin', input.margin);
  checkAmount('wallet', input.walletBalance);
  checkAmount('mark', input.markPrice);
  checkAmount('other-mm', input.otherMaintenanceMargin, { allowZero: true });
  checkAmount('other-upnl', input.otherUnrealizedPnl, { allowNegative: true });
  checkAmount('mmr', input.mmrOverride);
  checkAmount('cum', input.maintenanceAmountOverride, { allowZero: true, allowNegative: true });
  if (input.entryPrice === undefined) throw new CalculationInputError('not-positive', { field: 'entry', value: '' });

  if (input.quantity !== undefined && input.notional !== undefined) throw new CalculationInputError('size-both');
  if (input.quantity === undefined && input.notional === undefined) throw new CalculationInputError('size-missing');
  const entryPrice = input.entryPrice;
  const quantity = input.quantity ?? input.notional!.div(entryPrice);
  const notional = quantity.times(entryPrice);
  if (notional.gt(MAX_ABS_INPUT)) throw new CalculationInputError('too-large', { field: 'notional', max: MAX_ABS_INPUT.toString() });

  if (input.mmrOverride !== undefined && input.mmrOverride.gte(1)) {
    throw new CalculationInputError('mmr-out-of-range', { value: input.mmrOverride.toString() });
  }

  const assumptions: string[] = [];
  const entryTier = tierFor(rules, notional);
  if (!entryTier) {
    const last = rules.tiers[rules.tiers.length - 1];
    throw new CalculationInputError('notional-above-table', { notional: notional.toFixed(2), max: last.cap?.toString() ?? '' });
  }

  let leverage: Decimal;
  let initialMargin: Decimal;
  let collateral: Decimal;
  if (mode === 'isolated') {
    if (input.leverage !== undefined && input.margin !== undefined) throw new CalculationInputError('margin-conflict');
    if (input.leverage === undefined && input.margin === undefined) throw new CalculationInputError('margin-missing');
    if (input.leverage !== undefined) {
      if (input.leverage.lt(1)) throw new CalculationInputError('leverage-below-one', { leverage: input.leverage.toString() });
      leverage = input.leverage;
      initialMargin = notional.div(leverage);
    } else {
      initialMargin = input.margin!;
      leverage = notional.div(initialMargin);
    }
    collateral = initialMargin;
  } else {
    if (input.walletBalance === undefined) throw new CalculationInputError('wallet-missing');
    collateral = input.walletBalance;
    if (input.leverage !== undefined) {
      if (input.leverage.lt(1)) throw new CalculationInputError('leverage-below-one', { leverage: input.leverage.toString() });
      leverage = input.leverage;
    } else {
      leverage = Decimal.max(notional.div(collateral), 1);
    }
    initialMargin = notional.div(leverage);
    assumptions.push('cross-others-fixed');
  }
  if (leverage.gt(entryTier.maxLeverage)) {
    throw new CalculationInputError('leverage-above-max', {
      leverage: leverage.toDecimalPlaces(2).toString(),
      max: entryTier.maxLeverage.toString(),
      tier: entryTier.index,
      notional: notional.toFixed(0),
    });
  }

  const overridden = input.mmrOverride !== undefined || input.maintenanceAmountOverride !== undefined;
  let overrideTier: Tier | undefined;
  if (overridden) {
    overrideTier = {
      ...entryTier,
      mmr: input.mmrOverride ?? entryTier.mmr,
      maintenanceAmount: input.maintenanceAmountOverride ?? (input.mmrOverride !== undefined ? new Decimal(0) : entryTier.maintenanceAmount),
    };
    assumptions.push('overrides-used');
  }
  if (rules.usedDefault) assumptions.push('symbol-default-table');

  return {
    venue,
    rules,
    side: input.side,
    sign,
    mode,
    entryPrice,
    markPrice: input.markPrice ?? entryPrice,
    quantity,
    notional,
    leverage,
    initialMargin,
    collateral,
    otherMaintenanceMargin: mode === 'cross' ? input.otherMaintenanceMargin ?? new Decimal(0) : new Decimal(0),
    otherUnrealizedPnl: mode === 'cross' ? input.otherUnrealizedPnl ?? new Decimal(0) : new Decimal(0),
    entryTier,
    overridden,
    overrideTier,
    assumptions,
  };
}

/** Unrealised PnL of the position at `price`: side × Q × (price − entry). */
export function unrealizedPnl(position: Pick<ResolvedPosition, 'sign' | 'quantity' | 'entryPrice'>, price: Decimal): Decimal {
  return position.quantity.times(price.minus(position.entryPrice)).times(position.sign);
}
