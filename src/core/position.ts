import { Decimal } from 'decimal.js';
import { MAX_ABS_INPUT } from './numbers.ts';
import { CalculationInputError } from './errors.ts';
import { tableLimit, tierMeasure, userTierTable, type ContractSpec, type Tier, type TierTable } from './tier-table.ts';
import { getVenue, normaliseSymbol, shippedTable, tierFor, type VenueRules } from './venues.ts';

export type Side = 'long' | 'short';
export type MarginMode = 'isolated' | 'cross';

/**
 * A linear (USDT/USDC-margined) position in one-way mode, as a trader describes it.
 * Give exactly one of quantity (coins), contracts (venues that size in contracts) or notional (USDT at
 * entry); in isolated mode give leverage or margin, in cross mode the wallet balance.
 */
export interface PositionInput {
  /** A venue id such as 'binance' (any case); getVenue refuses an unknown one. */
  venue: string;
  symbol?: string;
  side: Side;
  entryPrice: Decimal;
  quantity?: Decimal;
  /** Size in contracts (OKX, BitMEX): × the contract's coin size gives the quantity. */
  contracts?: Decimal;
  notional?: Decimal;
  leverage?: Decimal;
  margin?: Decimal;
  walletBalance?: Decimal;
  mode?: MarginMode;
  /** Cross only: maintenance margin of the account's other positions (Binance TMM1). */
  otherMaintenanceMargin?: Decimal;
  /** Cross only: unrealised PnL of the account's other positions (Binance UPNL1). */
  otherUnrealizedPnl?: Decimal;
  /**
   * The symbol's tier table (from src/market's lookup). Absent: the dated table shipped for that
   * symbol, else CalculationInputError('table-missing'). Ignored when `mmrOverride` is given.
   */
  table?: TierTable;
  /** The contract size, where the venue sizes in contracts (default: the shipped one for the symbol). */
  contract?: ContractSpec;
  /** The user's maintenance rate from the venue's screen: replaces the table with a one-tier `user` table. */
  mmrOverride?: Decimal;
  /** The user's maintenance amount (deduction) to go with `mmrOverride` (default 0). */
  maintenanceAmountOverride?: Decimal;
  /** Replaces the venue's liquidation-fee rate where the formula uses one (OKX). */
  liquidationFeeRateOverride?: Decimal;
  /** Defaults to the entry price. */
  markPrice?: Decimal;
  /**
   * A position the venue already holds (read from the account, as /watch does), not one being opened:
   * the opening limit (leverage above the tier's maximum) does not refuse it. In cross, profit already
   * taken out of the wallet can leave the wallet below the initial margin of the leverage setting.
   */
  held?: boolean;
}

/** A validated position with every derived amount the formulas need. */
export interface ResolvedPosition {
  venue: VenueRules;
  table: TierTable;
  contract?: ContractSpec;
  symbol: string;
  side: Side;
  /** +1 long, −1 short */
  sign: 1 | -1;
  mode: MarginMode;
  entryPrice: Decimal;
  markPrice: Decimal;
  quantity: Decimal;
  /** Contracts, where the venue sizes in contracts and the contract size is known. */
  contracts?: Decimal;
  /** Q × entry */
  notional: Decimal;
  /** The leverage the answer uses: isolated as typed (or notional / margin); cross the setting, or notional / wallet when the wallet is smaller. */
  leverage: Decimal;
  /** What the user typed, when a leverage was typed. */
  leverageRequested?: Decimal;
  initialMargin: Decimal;
  /** Isolated margin, or the cross wallet balance. */
  collateral: Decimal;
  otherMaintenanceMargin: Decimal;
  otherUnrealizedPnl: Decimal;
  entryTier: Tier;
  /** The table is the user's own rate (`mmr=`). */
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

/** The table a position is computed with: the user's rate, the one handed in, or the symbol's shipped table. */
function tableFor(input: PositionInput, venue: VenueRules, symbol: string): TierTable {
  if (input.mmrOverride !== undefined) {
    if (input.mmrOverride.gte(1)) throw new CalculationInputError('mmr-out-of-range', { value: input.mmrOverride.toString() });
    return userTierTable(venue.id, symbol, input.mmrOverride, input.maintenanceAmountOverride ?? new Decimal(0));
  }
  if (input.maintenanceAmountOverride !== undefined) throw new CalculationInputError('cum-without-mmr');
  const table = input.table ?? shippedTable(venue, symbol);
  if (!table) throw new CalculationInputError('table-missing', { venue: venue.id, symbol });
  if (table.venue !== venue.id || table.symbol !== symbol) {
    // Never compute one symbol (or venue) with another's table.
    throw new CalculationInputError('table-missing', { venue: venue.id, symbol });
  }
  return table;
}

/** Quantity in coins from qty, contracts or notional (exactly one). */
function quantityOf(input: PositionInput, venue: VenueRules, contract: ContractSpec | undefined): { quantity: Decimal; contracts?: Decimal } {
  const given = [input.quantity, input.contracts, input.notional].filter((v) => v !== undefined).length;
  if (given > 1) throw new CalculationInputError('size-both');
  if (given === 0) throw new CalculationInputError('size-missing');
  if (input.contracts !== undefined) {
    if (venue.sizing !== 'contract') throw new CalculationInputError('contracts-not-used', { venue: venue.id });
    if (!contract) throw new CalculationInputError('contract-size-unknown', { venue: venue.id });
    if (contract.lotSize && !input.contracts.mod(contract.lotSize).isZero()) {
      throw new CalculationInputError('contracts-lot', { contracts: input.contracts.toString(), lot: contract.lotSize.toString(), instrument: contract.instrument });
    }
    return { quantity: input.contracts.times(contract.size), contracts: input.contracts };
  }
  const quantity = input.quantity ?? input.notional!.div(input.entryPrice);
  return { quantity, contracts: venue.sizing === 'contract' && contract ? quantity.div(contract.size) : undefined };
}

export function resolvePosition(input: PositionInput): ResolvedPosition {
  const venue = getVenue(input.venue);
  const symbol = normaliseSymbol(input.symbol ?? 'BTCUSDT');
  const mode: MarginMode = input.mode ?? 'isolated';
  if (input.side !== 'long' && input.side !== 'short') throw new CalculationInputError('not-finite', { field: 'side', value: String(input.side) });
  const sign = input.side === 'long' ? 1 : -1;

  checkAmount('entry', input.entryPrice);
  checkAmount('qty', input.quantity);
  checkAmount('contracts', input.contracts);
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

  const table = tableFor(input, venue, symbol);
  const contract = input.contract ?? (venue.sizing === 'contract' ? venue.contracts[symbol] : undefined);
  const entryPrice = input.entryPrice;
  const { quantity, contracts } = quantityOf(input, venue, contract);
  const notional = quantity.times(entryPrice);
  if (notional.gt(MAX_ABS_INPUT)) throw new CalculationInputError('too-large', { field: 'notional', max: MAX_ABS_INPUT.toString() });

  const assumptions: string[] = [];
  const entryTier = tierFor(table, tierMeasure(table, quantity, entryPrice));
  if (!entryTier) {
    const limit = tableLimit(table);
    const max = table.basis === 'quantity' ? limit!.times(entryPrice) : limit!;
    throw new CalculationInputError('notional-above-table', { notional: notional.toFixed(2), max: max.toFixed(0) });
  }

  let leverage: Decimal;
  let leverageRequested: Decimal | undefined;
  let initialMargin: Decimal;
  let collateral: Decimal;
  if (input.leverage !== undefined && input.leverage.lt(1)) throw new CalculationInputError('leverage-below-one', { leverage: input.leverage.toString() });
  if (mode === 'isolated') {
    if (input.leverage !== undefined && input.margin !== undefined) throw new CalculationInputError('margin-conflict');
    if (input.leverage === undefined && input.margin === undefined) throw new CalculationInputError('margin-missing');
    if (input.leverage !== undefined) {
      leverage = input.leverage;
      leverageRequested = input.leverage;
      initialMargin = notional.div(leverage);
    } else {
      initialMargin = input.margin!;
      leverage = notional.div(initialMargin);
    }
    collateral = initialMargin;
  } else {
    if (input.walletBalance === undefined) throw new CalculationInputError('wallet-missing');
    collateral = input.walletBalance;
    leverageRequested = input.leverage;
    // In cross the wallet, not the leverage setting, backs the position: a wallet smaller than the
    // initial margin the setting implies gives a higher effective leverage, and that is what we use.
    const walletLeverage = Decimal.max(notional.div(collateral), 1);
    leverage = input.leverage !== undefined && input.leverage.gte(walletLeverage) ? input.leverage : walletLeverage;
    initialMargin = notional.div(leverage);
    assumptions.push('cross-others-fixed');
  }
  if (entryTier.maxLeverage !== null && leverage.gt(entryTier.maxLeverage) && !input.held) {
    const walletDecides = mode === 'cross' && (leverageRequested === undefined || leverage.gt(leverageRequested));
    throw new CalculationInputError(walletDecides ? 'wallet-too-small' : 'leverage-above-max', {
      leverage: leverage.toDecimalPlaces(2).toString(),
      max: entryTier.maxLeverage.toString(),
      tier: entryTier.index,
      notional: notional.toFixed(0),
      wallet: collateral.toFixed(2),
      minWallet: notional.div(entryTier.maxLeverage).toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(2),
    });
  }

  const overridden = table.source === 'user';
  if (overridden) assumptions.push('overrides-used');

  return {
    venue,
    table,
    contract,
    symbol,
    side: input.side,
    sign,
    mode,
    entryPrice,
    markPrice: input.markPrice ?? entryPrice,
    quantity,
    contracts,
    notional,
    leverage,
    leverageRequested,
    initialMargin,
    collateral,
    otherMaintenanceMargin: mode === 'cross' ? input.otherMaintenanceMargin ?? new Decimal(0) : new Decimal(0),
    otherUnrealizedPnl: mode === 'cross' ? input.otherUnrealizedPnl ?? new Decimal(0) : new Decimal(0),
    entryTier,
    overridden,
    assumptions,
  };
}

/** Unrealised PnL of the position at `price`: side × Q × (price − entry). */
export function unrealizedPnl(position: Pick<ResolvedPosition, 'sign' | 'quantity' | 'entryPrice'>, price: Decimal): Decimal {
  return position.quantity.times(price.minus(position.entryPrice)).times(position.sign);
}
