import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { formatPercent } from '../../core/numbers.ts';

/**
 * Ratios derived from the cited figures of the 10 Oct 2025 crash, so the walkthrough never
 * carries a hand-computed number. Sources (also in the topic's "Learn more" step):
 * - BTC high $122,574 → $104,782: CoinShares,
 *   https://coinshares.com/insights/knowledge/billions-in-liquidations-what-happened/
 * - The Amberdata timeline ($6.93B in 40 minutes, $3.21B in the peak minute):
 *   https://blog.amberdata.io/how-3.21b-vanished-in-60-seconds-october-2025-crypto-crash-explained-through-7-charts
 * - CoinGlass 24 h total $19.13B: quoted at https://tokensbuzz.com/largest-crypto-crash-markets-plunged-19b-liquidated
 */
export const CRASH_FACTS = {
  btcHighUsd: new Decimal(122_574),
  btcLowUsd: new Decimal(104_782),
  liquidatedIn24hUsd: new Decimal('19.13e9'),
  liquidatedIn40MinutesUsd: new Decimal('6.93e9'),
  liquidatedInPeakMinuteUsd: new Decimal('3.21e9'),
} as const;

export const live: LiveValues = (lang) => {
  const facts = CRASH_FACTS;
  const btcDrop = facts.btcHighUsd.minus(facts.btcLowUsd).div(facts.btcHighUsd);
  return {
    btcDrop: formatPercent(btcDrop, lang, { decimals: 1 }),
    fortyMinuteShare: formatPercent(facts.liquidatedIn40MinutesUsd.div(facts.liquidatedIn24hUsd), lang, { decimals: 0 }),
    peakMinuteShareOfForty: formatPercent(facts.liquidatedInPeakMinuteUsd.div(facts.liquidatedIn40MinutesUsd), lang, { decimals: 0 }),
  };
};
