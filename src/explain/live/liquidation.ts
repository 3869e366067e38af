import type { LiveValues } from '../live-values.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';
import { getVenue, symbolRules } from '../../core/venues.ts';
import { EXAMPLE_POSITION, exampleLiquidation, requirePrice } from './example-position.ts';

/** The liquidation walkthrough: Binance BTCUSDT tiers (data/venues/binance.json) and the example position. */
export const live: LiveValues = (lang) => {
  const venue = getVenue(EXAMPLE_POSITION.venue);
  const [tier1, tier2] = symbolRules(venue, EXAMPLE_POSITION.symbol).tiers;
  const usd = (value: Parameters<typeof formatUsd>[0]) => formatUsd(value, lang);
  const result = exampleLiquidation();
  const low = exampleLiquidation({ leverage: EXAMPLE_POSITION.lowerLeverage });
  const high = exampleLiquidation({ leverage: EXAMPLE_POSITION.higherLeverage });
  const short = exampleLiquidation({ side: 'short' });
  return {
    tier1_cap: formatUsd(requirePrice(tier1.cap, 'tier 1 cap'), lang, { decimals: 0 }),
    tier1_mmr: formatPercent(tier1.mmr, lang),
    tier1_max_leverage: formatLeverage(tier1.maxLeverage!, lang),
    tier2_cap: formatUsd(requirePrice(tier2.cap, 'tier 2 cap'), lang, { decimals: 0 }),
    tier2_mmr: formatPercent(tier2.mmr, lang),
    example_leverage: formatLeverage(EXAMPLE_POSITION.leverage, lang),
    example_qty: formatNumber(EXAMPLE_POSITION.quantity, lang),
    example_entry: formatUsd(EXAMPLE_POSITION.entryPrice, lang, { decimals: 0 }),
    example_venue: venue.displayName,
    notional: usd(result.notional),
    initial_margin: usd(result.initialMargin),
    tier: String(result.tier.index),
    mmr: formatPercent(result.mmr, lang),
    maintenance_amount: usd(result.maintenanceAmount),
    liquidation_price: usd(requirePrice(result.liquidationPrice, 'liquidation price')),
    liquidation_distance: formatPercent(requirePrice(result.distanceFromMarkPct, 'distance'), lang),
    bankruptcy_price: usd(requirePrice(result.bankruptcyPrice, 'bankruptcy price')),
    leverage_low: formatLeverage(EXAMPLE_POSITION.lowerLeverage, lang),
    liquidation_price_low: usd(requirePrice(low.liquidationPrice, 'liquidation price')),
    leverage_high: formatLeverage(EXAMPLE_POSITION.higherLeverage, lang),
    liquidation_price_high: usd(requirePrice(high.liquidationPrice, 'liquidation price')),
    short_liquidation_price: usd(requirePrice(short.liquidationPrice, 'liquidation price')),
  };
};
