import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { fundingBasis, fundingBasisMarkPrice, medianPrice } from '../../core/mark-price.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';
import { EXAMPLE_POSITION, exampleLiquidation, requirePrice } from './example-position.ts';

/**
 * The mark-price walkthrough's numbers.
 * - Binance's documented example of the older method (B5): funding 0.03%, 4 h of an 8-h interval
 *   to go, index 10,000 (https://www.binance.com/en/support/faq/360033525071, historical text).
 * - A wick, illustrative (not market data): the contract's own price prints far below the
 *   liquidation price of the shared example position while the other two inputs of Binance's
 *   median stay near the index. The liquidation price comes from the `/liq` calculator.
 */
export const MARK_PRICE_EXAMPLE = {
  b5: { index: new Decimal(10_000), fundingRate: new Decimal('0.0003'), hoursToFunding: new Decimal(4), intervalHours: new Decimal(8) },
  wick: { contractPrice: new Decimal(88_000), otherInputs: [new Decimal(99_800), new Decimal(99_820)] as const },
} as const;

export function wickOutcome() {
  const { contractPrice, otherInputs } = MARK_PRICE_EXAMPLE.wick;
  const liquidationPrice = requirePrice(exampleLiquidation().liquidationPrice, 'liquidation price');
  const mark = medianPrice([...otherInputs, contractPrice]);
  const pnlAt = (price: Decimal) => price.minus(EXAMPLE_POSITION.entryPrice).times(EXAMPLE_POSITION.quantity);
  if (!contractPrice.lt(liquidationPrice) || !mark.gt(liquidationPrice)) {
    throw new Error('the mark-price walkthrough expects the wick below the liquidation price and the mark above it');
  }
  return { liquidationPrice, mark, upnlAtMark: pnlAt(mark), upnlAtLast: pnlAt(contractPrice), markToLiquidation: mark.minus(liquidationPrice).div(mark) };
}

export const live: LiveValues = (lang) => {
  const { b5, wick } = MARK_PRICE_EXAMPLE;
  const usd = (value: Decimal, decimals?: number) => formatUsd(value, lang, { decimals });
  const outcome = wickOutcome();
  return {
    b5_rate: formatPercent(b5.fundingRate, lang),
    b5_hours_to_funding: formatNumber(b5.hoursToFunding, lang),
    b5_interval: formatNumber(b5.intervalHours, lang),
    b5_index: formatNumber(b5.index, lang),
    b5_basis: formatPercent(fundingBasis(b5), lang, { decimals: 3 }),
    b5_mark: formatNumber(fundingBasisMarkPrice(b5), lang, { decimals: 1 }),
    example_leverage: formatLeverage(EXAMPLE_POSITION.leverage, lang),
    example_qty: formatNumber(EXAMPLE_POSITION.quantity, lang),
    example_entry: usd(EXAMPLE_POSITION.entryPrice, 0),
    liquidation_price: usd(outcome.liquidationPrice),
    wick_price: usd(wick.contractPrice, 0),
    other_input_1: usd(wick.otherInputs[0], 0),
    other_input_2: usd(wick.otherInputs[1], 0),
    wick_mark: usd(outcome.mark, 0),
    mark_to_liquidation: formatPercent(outcome.markToLiquidation, lang),
    upnl_at_mark: usd(outcome.upnlAtMark, 0),
    upnl_at_last: usd(outcome.upnlAtLast, 0),
  };
};
