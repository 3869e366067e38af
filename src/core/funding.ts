import { Decimal } from 'decimal.js';

/**
 * Funding arithmetic. Venues quote a funding rate per settlement interval (Binance 8 h on most
 * symbols, some 4 h or 1 h; Hyperliquid pays every hour at 1/8 of its 8 h rate), so rates are only
 * comparable once put on the same clock.
 *
 * Simple (non-compounded) annualisation, as the venues and data sites quote it:
 *   APR = rate per interval × (8,760 h a year ÷ interval in hours)
 * (8 h venues: × 3 × 365; hourly: × 8,760; https://docs.zirodelta.com/api-reference/funding-rate-math).
 * Payment per interval (Binance "Funding Amount = Mark Price × position size × Funding Rate",
 * https://www.binance.com/en/support/faq/360033525031): notional × rate; positive rate → longs pay shorts.
 */
export const HOURS_PER_YEAR = 24 * 365;

export class FundingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FundingInputError';
  }
}

export function fundingApr(ratePerInterval: Decimal.Value, intervalHours: Decimal.Value): Decimal {
  const hours = new Decimal(intervalHours);
  if (!hours.isFinite() || hours.lte(0)) throw new FundingInputError(`interval must be > 0 hours, got ${hours}`);
  return new Decimal(ratePerInterval).times(HOURS_PER_YEAR).div(hours);
}

/** The rate per interval that annualises to `apr` (the inverse of fundingApr). */
export function ratePerIntervalFromApr(apr: Decimal.Value, intervalHours: Decimal.Value): Decimal {
  const hours = new Decimal(intervalHours);
  if (!hours.isFinite() || hours.lte(0)) throw new FundingInputError(`interval must be > 0 hours, got ${hours}`);
  return new Decimal(apr).times(hours).div(HOURS_PER_YEAR);
}

/** What one settlement moves for a position of `notional` (USD): positive = the long side pays. */
export function fundingPayment(notional: Decimal.Value, ratePerInterval: Decimal.Value): Decimal {
  return new Decimal(notional).times(ratePerInterval);
}

/** Settlements in a day for an interval (8 h → 3, 1 h → 24). */
export function settlementsPerDay(intervalHours: Decimal.Value): Decimal {
  const hours = new Decimal(intervalHours);
  if (!hours.isFinite() || hours.lte(0)) throw new FundingInputError(`interval must be > 0 hours, got ${hours}`);
  return new Decimal(24).div(hours);
}
