import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';
import { getVenue } from '../../core/venues.ts';
import { EXAMPLE_POSITION, exampleLiquidation, requirePrice } from './example-position.ts';

/** Illustrative slippage for the "fund pays" case: a fill this far below the bankruptcy price. */
export const BAD_FILL_GAP = new Decimal('0.02');

/**
 * The insurance-fund walkthrough: what the fund keeps or pays when the example long
 * (liquidation and bankruptcy price from the `/liq` calculator) fills at two prices, before fees.
 */
export const live: LiveValues = (lang) => {
  const result = exampleLiquidation();
  const liquidation = requirePrice(result.liquidationPrice, 'liquidation price');
  const bankruptcy = requirePrice(result.bankruptcyPrice, 'bankruptcy price');
  const badFill = bankruptcy.times(new Decimal(1).minus(BAD_FILL_GAP));
  return {
    example_leverage: formatLeverage(EXAMPLE_POSITION.leverage, lang),
    example_qty: formatNumber(EXAMPLE_POSITION.quantity, lang),
    example_entry: formatUsd(EXAMPLE_POSITION.entryPrice, lang, { decimals: 0 }),
    example_venue: getVenue(EXAMPLE_POSITION.venue).displayName,
    liquidation_price: formatUsd(liquidation, lang),
    bankruptcy_price: formatUsd(bankruptcy, lang),
    fund_gain: formatUsd(liquidation.minus(bankruptcy).times(result.quantity), lang),
    bad_fill_price: formatUsd(badFill, lang),
    bad_fill_gap: formatPercent(BAD_FILL_GAP, lang),
    fund_loss: formatUsd(bankruptcy.minus(badFill).times(result.quantity), lang),
  };
};
