import { Decimal } from 'decimal.js';

/**
 * Mark price: the fair price venues use for liquidation and unrealised PnL instead of the
 * contract's last trade (Binance PnL FAQ: unrealised PnL at the mark price, realised at the last
 * price).
 *
 * Binance's older documented method adds to the index the part of the coming funding payment still
 * to accrue: basis = funding rate × (time to funding ÷ interval), mark = index × (1 + basis)
 * (worked example B5: 0.03%, 4 h of 8 to go, index 10,000 → basis 0.015%, mark 10,001.5;
 * https://www.binance.com/en/support/faq/360033525071, historical FAQ text).
 * Since 18 Sep 2025 Binance takes the median of three prices, one of them the contract's own price
 * and one the index plus a 30-second moving-average basis (third-party report of the announcement:
 * https://cryptozen.asia/ph/binance-nag-aadjust-ng-formula-sa-pagkalkula-ng-funding-rate-at-mark-price).
 */
export class MarkPriceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkPriceInputError';
  }
}

export interface FundingBasisInput {
  index: Decimal.Value;
  fundingRate: Decimal.Value;
  hoursToFunding: Decimal.Value;
  intervalHours: Decimal.Value;
}

/** The share of the next funding payment still ahead: rate × hours to go ÷ interval. */
export function fundingBasis({ fundingRate, hoursToFunding, intervalHours }: Omit<FundingBasisInput, 'index'>): Decimal {
  const interval = new Decimal(intervalHours);
  const toGo = new Decimal(hoursToFunding);
  if (!interval.isFinite() || interval.lte(0)) throw new MarkPriceInputError(`interval must be > 0 hours, got ${interval}`);
  if (!toGo.isFinite() || toGo.lt(0) || toGo.gt(interval)) throw new MarkPriceInputError(`hours to funding must lie in [0, ${interval}], got ${toGo}`);
  return new Decimal(fundingRate).times(toGo).div(interval);
}

/** Binance's older mark price: the index plus the funding basis still to accrue. */
export function fundingBasisMarkPrice(input: FundingBasisInput): Decimal {
  const index = new Decimal(input.index);
  if (!index.isFinite() || index.lte(0)) throw new MarkPriceInputError(`index must be > 0, got ${index}`);
  return index.times(fundingBasis(input).plus(1));
}

/** The median of an odd number of prices (Binance's current mark price takes three). */
export function medianPrice(prices: readonly Decimal.Value[]): Decimal {
  if (prices.length === 0 || prices.length % 2 === 0) throw new MarkPriceInputError(`a median of an odd number of prices, got ${prices.length}`);
  const sorted = prices.map((p) => new Decimal(p)).sort((a, b) => a.comparedTo(b));
  return sorted[(sorted.length - 1) / 2];
}
