import { Decimal } from 'decimal.js';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';
import type { LiveValues } from '../live-values.ts';
import { EXAMPLE_POSITION, exampleLiquidation, requirePrice } from './example-position.ts';

/**
 * A stop is a trigger, not a price: the shared example long (liquidation price from the `/liq`
 * calculator) with a stop-market below entry, and a gap that opens below the stop. The stop and
 * the gap are illustrative, not market data.
 */
export const STOP_EXAMPLE = {
  trigger: new Decimal(98_000),
  fill: new Decimal(95_000),
} as const;

export function stopOutcome() {
  const { entryPrice, quantity } = EXAMPLE_POSITION;
  const liquidationPrice = requirePrice(exampleLiquidation().liquidationPrice, 'liquidation price');
  const { trigger, fill } = STOP_EXAMPLE;
  if (!fill.lt(trigger) || !fill.gt(liquidationPrice)) throw new Error('the stop example expects a fill below the trigger and above the liquidation price');
  const planned = entryPrice.minus(trigger).times(quantity);
  const actual = entryPrice.minus(fill).times(quantity);
  return { liquidationPrice, planned, actual, slippage: actual.minus(planned), slippageShare: trigger.minus(fill).div(trigger) };
}

export const live: LiveValues = (lang) => {
  const usd = (value: Decimal) => formatUsd(value, lang, { decimals: 0 });
  const outcome = stopOutcome();
  return {
    example_leverage: formatLeverage(EXAMPLE_POSITION.leverage, lang),
    example_qty: formatNumber(EXAMPLE_POSITION.quantity, lang),
    example_entry: usd(EXAMPLE_POSITION.entryPrice),
    stop_trigger: usd(STOP_EXAMPLE.trigger),
    stop_fill: usd(STOP_EXAMPLE.fill),
    planned_loss: usd(outcome.planned),
    actual_loss: usd(outcome.actual),
    slippage: usd(outcome.slippage),
    slippage_share: formatPercent(outcome.slippageShare, lang, { decimals: 1 }),
    liquidation_price: formatUsd(outcome.liquidationPrice, lang),
  };
};
