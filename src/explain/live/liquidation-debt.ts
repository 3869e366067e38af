import type { Decimal } from 'decimal.js';
import { formatLeverage, formatUsd } from '../../core/numbers.ts';
import type { LiveValues } from '../live-values.ts';
import { EXAMPLE_LEDGER, settleLedger } from './zero-sum.ts';

/**
 * "Can I owe money after a liquidation?" The zero-sum lesson's long, gapped past its bankruptcy
 * price: its equity goes below zero, but the trader loses the margin and no more; the hole is the
 * insurance fund's or ADL's (Binance: "If an account becomes bankrupt (negative wallet balance),
 * the Insurance Fund will balance the account back to 0", https://www.binance.com/en/support/faq/360033525271).
 */
export const live: LiveValues = (lang) => {
  const ledger = EXAMPLE_LEDGER;
  const outcome = settleLedger(ledger);
  if (outcome.bankruptSide !== 'long') throw new Error('the liquidation-debt example expects the long to go bankrupt');
  const usd = (value: Decimal) => formatUsd(value, lang, { decimals: 0 });
  return {
    long_leverage: formatLeverage(outcome.longLeverage, lang),
    long_margin: usd(ledger.longMargin),
    gap_price: usd(ledger.gapPrice),
    gap_equity: usd(outcome.gap.longEquity),
    loss_at_gap: usd(outcome.gap.longPnl.negated()),
    deficit: usd(outcome.deficit),
  };
};
