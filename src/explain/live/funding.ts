import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { fundingApr, fundingPayment, HOURS_PER_YEAR, settlementsPerDay } from '../../core/funding.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';

/**
 * The funding walkthrough's numbers. The baseline 0.01% per 8 h is the documented interest
 * component on Binance and Hyperliquid (https://www.binance.com/en/support/faq/360033525031,
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding); Hyperliquid pays it hourly at
 * 1/8. Binance samples the premium index every five seconds and averages the samples over the
 * interval (same FAQ). Everything else is computed here.
 */
export const PREMIUM_SAMPLE_SECONDS = 5;

/**
 * The yearly rate of an hourly payment left to compound (each hour's payment earning the next
 * hour's rate): (1 + r)^8,760 − 1. Hyperliquid quotes the baseline this way ("~11.6% APR"); the
 * venues' own funding screens and ADL Sentinel's /market quote the simple form (r × 8,760).
 */
export function compoundedYearly(ratePerHour: Decimal): Decimal {
  return ratePerHour.plus(1).pow(HOURS_PER_YEAR).minus(1);
}

export const FUNDING_EXAMPLE = {
  baselineRate: new Decimal('0.0001'),
  intervals: [8, 4, 1] as const,
  hyperliquidHourlyShare: new Decimal(8),
  /** Illustrative, not a market observation: a long of this notional pays the baseline rate. */
  notional: new Decimal(100_000),
  /** Illustrative "hot" rate for the crowded-longs step. */
  hotRate: new Decimal('0.001'),
  /** Illustrative leverage, to show the daily cost against margin. */
  leverage: new Decimal(10),
};

export const live: LiveValues = (lang) => {
  const { baselineRate, notional, hotRate, leverage } = FUNDING_EXAMPLE;
  const percent = (value: Decimal) => formatPercent(value, lang, { decimals: value.times(100).abs().lt(0.01) ? 5 : 2 });
  const hourlyHl = baselineRate.div(FUNDING_EXAMPLE.hyperliquidHourlyShare);
  const payment8h = fundingPayment(notional, baselineRate);
  const hotPaymentDay = fundingPayment(notional, hotRate).times(settlementsPerDay(8));
  return {
    base_rate: percent(baselineRate),
    apr_8h: percent(fundingApr(baselineRate, 8)),
    apr_4h: percent(fundingApr(baselineRate, 4)),
    apr_1h: percent(fundingApr(baselineRate, 1)),
    hl_hourly_rate: percent(hourlyHl),
    hl_apr: percent(fundingApr(hourlyHl, 1)),
    example_notional: formatUsd(notional, lang, { decimals: 0 }),
    payment_8h: formatUsd(payment8h, lang),
    payment_day: formatUsd(payment8h.times(settlementsPerDay(8)), lang),
    payment_year: formatUsd(payment8h.times(settlementsPerDay(8)).times(365), lang),
    hot_rate: percent(hotRate),
    hot_apr: percent(fundingApr(hotRate, 8)),
    hot_payment_day: formatUsd(hotPaymentDay, lang),
    hot_day_of_margin: formatPercent(hotPaymentDay.div(notional.div(leverage)), lang),
    example_leverage: formatLeverage(leverage, lang),
    hours_per_year: formatNumber(HOURS_PER_YEAR, lang),
    premium_sample_seconds: formatNumber(PREMIUM_SAMPLE_SECONDS, lang),
    premium_samples: formatNumber(new Decimal(8 * 3600).div(PREMIUM_SAMPLE_SECONDS), lang),
    hl_compounded: formatPercent(compoundedYearly(hourlyHl), lang, { decimals: 1 }),
  };
};
