import { Decimal } from 'decimal.js';
import { adlScore, type ScoreState } from '../../core/adl.ts';
import { formatLeverage, formatNumber, formatPercent } from '../../core/numbers.ts';
import type { LiveValues } from '../live-values.ts';

/**
 * "Why were barely leveraged positions ADL'd?" Two illustrative shorts on one coin (not market
 * data), scored with the same Hyperliquid ranking the ADL calculator uses (src/core/adl.ts): a
 * low-leverage short far in profit and a high-leverage short barely in profit. Leverage here is the
 * position's value at the mark ÷ account value, the measure behind the "median 0.2x" of the 10 Oct
 * 2025 on-chain analysis (adl-research-notes §6.1).
 */
export interface ShortCase {
  entry: number;
  mark: number;
  quantity: number;
  /** Margin in the account besides the position's PnL. */
  collateral: number;
}

export const HEDGE_EXAMPLE: Readonly<Record<'lowLeverage' | 'highLeverage', ShortCase>> = {
  lowLeverage: { entry: 10, mark: 6, quantity: 100, collateral: 2_600 },
  highLeverage: { entry: 10, mark: 9.9, quantity: 100, collateral: 188 },
};

export function describeShort(position: ShortCase) {
  const pnl = (position.entry - position.mark) * position.quantity;
  const accountValue = position.collateral + pnl;
  const state: ScoreState = {
    sign: -1,
    quantity: position.quantity,
    entryPrice: position.entry,
    markPrice: position.mark,
    collateral: position.collateral,
    maintenanceMargin: 0,
  };
  const score = adlScore('hyperliquid-index', state);
  if (score === null) throw new Error('Hyperliquid ranks positions: a score is expected');
  return {
    leverage: new Decimal(position.quantity * position.mark).div(accountValue),
    profit: new Decimal(pnl).div(position.quantity * position.entry),
    score: new Decimal(score),
  };
}

export const live: LiveValues = (lang) => {
  const low = describeShort(HEDGE_EXAMPLE.lowLeverage);
  const high = describeShort(HEDGE_EXAMPLE.highLeverage);
  if (!low.score.gt(high.score)) throw new Error('the adl-hedges example expects the low-leverage short to rank ahead');
  const score = (value: Decimal) => formatNumber(value, lang, { decimals: 3 });
  return {
    low_leverage: formatLeverage(low.leverage, lang),
    low_profit: formatPercent(low.profit, lang, { decimals: 0 }),
    low_score: score(low.score),
    high_leverage: formatLeverage(high.leverage, lang),
    high_profit: formatPercent(high.profit, lang, { decimals: 0 }),
    high_score: score(high.score),
  };
};
