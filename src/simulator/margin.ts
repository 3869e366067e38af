import type { MarginTiers } from './params.ts';

/** Index of the tier whose notional range holds `notional` (the last tier with floor ≤ notional). */
export function tierIndex(tiers: MarginTiers, notional: number): number {
  const floors = tiers.floors;
  let k = 0;
  while (k + 1 < floors.length && floors[k + 1] <= notional) k++;
  return k;
}

/** Maintenance margin, tax-bracket style: notional × MMR − maintenance amount (Binance `cum`, Bybit/Hyperliquid "deduction"). */
export function maintenanceMargin(tiers: MarginTiers, notional: number): number {
  const k = tierIndex(tiers, notional);
  return notional * tiers.mmrs[k] - tiers.maintenanceAmounts[k];
}

/**
 * Price at which equity(p) = E + side·q·(p − p0) falls to the maintenance margin of notional q·p.
 * Long:  p = (q·p0 − E − cum) / (q·(1 − mmr));  short: p = (E + q·p0 + cum) / (q·(1 + mmr)).
 * The tier is the one holding the notional at the liquidation price itself, as Binance's FAQ says
 * (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93). NaN when a long can never
 * be liquidated (price would have to fall below zero).
 */
export function liquidationPrice(tiers: MarginTiers, side: number, quantity: number, equity: number, startPrice: number): number {
  let k = tierIndex(tiers, quantity * startPrice);
  for (let attempt = 0; attempt <= tiers.floors.length; attempt++) {
    const mmr = tiers.mmrs[k];
    const cum = tiers.maintenanceAmounts[k];
    const price =
      side > 0
        ? (quantity * startPrice - equity - cum) / (quantity * (1 - mmr))
        : (equity + quantity * startPrice + cum) / (quantity * (1 + mmr));
    if (!(price > 0)) return Number.NaN;
    const k2 = tierIndex(tiers, quantity * price);
    if (k2 === k) return price;
    k = k2;
  }
  return Number.NaN;
}
