import { Decimal } from 'decimal.js';
import { formatNumber, formatPercent, formatUsdCompact } from '../../core/numbers.ts';
import type { LiveValues } from '../live-values.ts';
import { REPLAY_NEEDED_HAIRCUT_USD, REPLAY_PRODUCTION_HAIRCUT_USD } from './adl-policies.ts';

/**
 * "Why didn't the fund pay?" Binance's insurance-fund FAQ caps the positions the fund may hold at,
 * by default, 100% of its own balance (https://www.binance.com/en/support/faq/360033525371);
 * bankrupt positions beyond the cap go to counterparty liquidation (ADL) while the fund still has
 * money. Fund and position sizes below are illustrative, not market data. The replay totals are
 * Chitra's (see adl-policies.ts).
 */
export const FUND_CAP_EXAMPLE = {
  fundBalance: new Decimal(50_000_000),
  capShareOfBalance: new Decimal(1),
  bankruptPositions: new Decimal(80_000_000),
} as const;

export function fundCapOutcome(example = FUND_CAP_EXAMPLE) {
  const cap = example.fundBalance.times(example.capShareOfBalance);
  const taken = Decimal.min(cap, example.bankruptPositions);
  return { cap, taken, toAdl: example.bankruptPositions.minus(taken) };
}

export const live: LiveValues = (lang) => {
  const usd = (value: Decimal) => formatUsdCompact(value, lang);
  const outcome = fundCapOutcome();
  return {
    fund_balance: usd(FUND_CAP_EXAMPLE.fundBalance),
    fund_cap_share: formatPercent(FUND_CAP_EXAMPLE.capShareOfBalance, lang, { decimals: 0 }),
    bankrupt_positions: usd(FUND_CAP_EXAMPLE.bankruptPositions),
    fund_takes: usd(outcome.taken),
    to_adl: usd(outcome.toAdl),
    replay_ratio: formatNumber(REPLAY_PRODUCTION_HAIRCUT_USD.div(REPLAY_NEEDED_HAIRCUT_USD), lang, { decimals: 1 }),
    replay_overshoot: usd(REPLAY_PRODUCTION_HAIRCUT_USD.minus(REPLAY_NEEDED_HAIRCUT_USD)),
  };
};
