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
 * Maintenance tiers of every market as flat typed arrays, for the hot loops: tier k of market m is at
 * offset[m] + k. Same rule as `maintenanceMargin`.
 */
export class MaintenanceTable {
  private readonly offset: Int32Array;
  private readonly count: Int32Array;
  private readonly floors: Float64Array;
  private readonly mmrs: Float64Array;
  private readonly amounts: Float64Array;

  constructor(tables: MarginTiers[]) {
    this.offset = new Int32Array(tables.length);
    this.count = new Int32Array(tables.length);
    const total = tables.reduce((sum, t) => sum + t.floors.length, 0);
    this.floors = new Float64Array(total);
    this.mmrs = new Float64Array(total);
    this.amounts = new Float64Array(total);
    let at = 0;
    tables.forEach((tiers, m) => {
      this.offset[m] = at;
      this.count[m] = tiers.floors.length;
      for (let k = 0; k < tiers.floors.length; k++) {
        this.floors[at + k] = tiers.floors[k];
        this.mmrs[at + k] = tiers.mmrs[k];
        this.amounts[at + k] = tiers.maintenanceAmounts[k];
      }
      at += tiers.floors.length;
    });
  }

  /**
   * Price at which a lone position's equity c + side·q·(p − entry) falls to its maintenance margin, the
   * tier taken at the notional at that price (Binance's FAQ: the bracket "based on a level of position
   * post liquidation"). Long: p = (q·entry − c − amt)/(q·(1 − mmr)); short: (q·entry + c + amt)/(q·(1 + mmr)).
   * NaN when a long cannot be liquidated at any positive price.
   */
  liquidationPrice(market: number, side: number, quantity: number, cash: number, entry: number): number {
    const from = this.offset[market];
    const last = from + this.count[market] - 1;
    let k = from;
    while (k < last && this.floors[k + 1] <= quantity * entry) k++;
    for (let attempt = 0; attempt <= this.count[market]; attempt++) {
      const mmr = this.mmrs[k];
      const amount = this.amounts[k];
      const price = side > 0 ? (quantity * entry - cash - amount) / (quantity * (1 - mmr)) : (quantity * entry + cash + amount) / (quantity * (1 + mmr));
      if (!(price > 0)) return Number.NaN;
      let k2 = from;
      while (k2 < last && this.floors[k2 + 1] <= quantity * price) k2++;
      if (k2 === k) return price;
      k = k2;
    }
    return Number.NaN;
  }

  of(market: number, notional: number): number {
    const from = this.offset[market];
    const last = from + this.count[market] - 1;
    let k = from;
    while (k < last && this.floors[k + 1] <= notional) k++;
    return notional * this.mmrs[k] - this.amounts[k];
  }
}
