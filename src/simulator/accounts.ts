import { MaintenanceTable } from './margin.ts';
import type { SimulationParams } from './params.ts';
import { BLOCK, type MarketPaths } from './paths.ts';
import type { Population } from './population.ts';

/** Where an account is in the waterfall. */
export const IDLE = 0;
export const ACTIVE = 1;
export const CLOSED = 2;

/** Per account flags for the measures. */
export const ELIGIBLE = 1;
export const HIT = 2;
export const WENT_NEGATIVE = 4;
export const LIQUIDATED = 8;

/**
 * The accounts during one pass: their open quantities and cash (scratch arrays reused by every pass),
 * valued at `price`, each market's mark at the current step. Equity, maintenance and notional of an
 * account, and the first step at which the paths alone would put it below maintenance.
 */
export class AccountBook {
  readonly price: Float64Array;
  readonly maintenance: MaintenanceTable;

  constructor(
    params: SimulationParams,
    readonly population: Population,
    readonly paths: MarketPaths,
    readonly quantity: Float64Array,
    readonly cash: Float64Array,
  ) {
    this.maintenance = new MaintenanceTable(params.markets.map((m) => m.tiers));
    this.price = Float64Array.from(params.markets, (m) => m.startPrice);
  }

  /** Set by `measure`: the account's equity, maintenance margin and open notional at the current prices. */
  equity = 0;
  maintenanceMargin = 0;
  notional = 0;

  /** Equity, maintenance and open notional of account a in one pass over its positions (into the fields above). */
  measure(a: number): void {
    const { firstPosition, market, side, entry } = this.population;
    const quantity = this.quantity;
    const price = this.price;
    let equity = this.cash[a];
    let maintenance = 0;
    let notional = 0;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const q = quantity[p];
      if (q <= 0) continue;
      const m = market[p];
      const value = q * price[m];
      equity += side[p] * q * (price[m] - entry[p]);
      maintenance += this.maintenance.of(m, value);
      notional += value;
    }
    this.equity = equity;
    this.maintenanceMargin = maintenance;
    this.notional = notional;
  }

  /** Each market's mark after step t. */
  moveTo(t: number): void {
    for (let m = 0; m < this.price.length; m++) this.price[m] = this.paths.prices[m][t];
  }

  equityOf(a: number): number {
    const { firstPosition, market, side, entry } = this.population;
    const quantity = this.quantity;
    let e = this.cash[a];
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) e += side[p] * quantity[p] * (this.price[market[p]] - entry[p]);
    return e;
  }

  maintenanceOf(a: number): number {
    const { firstPosition, market } = this.population;
    const quantity = this.quantity;
    let mm = 0;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      if (quantity[p] > 0) mm += this.maintenance.of(market[p], quantity[p] * this.price[market[p]]);
    }
    return mm;
  }

  notionalOf(a: number): number {
    const { firstPosition, market } = this.population;
    let total = 0;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) total += this.quantity[p] * this.price[market[p]];
    return total;
  }

  /** Account a's equity minus maintenance with every market m at table[m][k] (its open positions only). */
  marginAt(a: number, table: Float64Array[], k: number): number {
    const { firstPosition, market, side, entry } = this.population;
    const quantity = this.quantity;
    let margin = this.cash[a];
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const q = quantity[p];
      if (q <= 0) continue;
      const m = market[p];
      const price = table[m][k];
      margin += side[p] * q * (price - entry[p]) - this.maintenance.of(m, q * price);
    }
    return margin;
  }

  /**
   * The first step from `from` at which account a's equity falls below maintenance, from the paths
   * alone. Equity − maintenance is monotone in every price for a one-sided account, so longs are
   * checked at the lows (shorts at the highs) of everything ahead, then of each block, and only a
   * block whose bound fails is walked step by step.
   */
  firstTrigger(a: number, from: number): number {
    if (this.population.single[a] === 1) return this.firstCrossing(a, from);
    const long = this.population.accountSide[a] > 0;
    const { blockLow, blockHigh, aheadLow, aheadHigh, prices } = this.paths;
    const firstBlock = Math.floor(from / BLOCK);
    if (firstBlock >= blockLow[0].length || this.marginAt(a, long ? aheadLow : aheadHigh, firstBlock) >= 0) return this.paths.steps + 1;
    for (let b = firstBlock; b < blockLow[0].length; b++) {
      if (this.marginAt(a, long ? blockLow : blockHigh, b) >= 0) continue;
      for (let t = Math.max(from, b * BLOCK); t < Math.min(this.paths.steps + 1, (b + 1) * BLOCK); t++) {
        if (this.marginAt(a, prices, t) < 0) return t;
      }
    }
    return this.paths.steps + 1;
  }

  /** One position: the first step its market's price crosses the position's liquidation price. */
  firstCrossing(a: number, from: number): number {
    const p = this.population.firstPosition[a];
    const q = this.quantity[p];
    const never = this.paths.steps + 1;
    if (q <= 0) return never;
    const m = this.population.market[p];
    const long = this.population.side[p] > 0;
    const liquidation = this.maintenance.liquidationPrice(m, this.population.side[p], q, this.cash[a], this.population.entry[p]);
    if (Number.isNaN(liquidation)) return never;
    // A long is liquidated below its price, a short above: compare side × price.
    const sign = long ? -1 : 1;
    const level = sign * liquidation;
    const { blockLow, blockHigh, aheadLow, aheadHigh, prices } = this.paths;
    const firstBlock = Math.floor(from / BLOCK);
    const blocks = blockLow[m].length;
    if (firstBlock >= blocks || !(sign * (long ? aheadLow[m][firstBlock] : aheadHigh[m][firstBlock]) > level)) return never;
    const path = prices[m];
    for (let b = firstBlock; b < blocks; b++) {
      if (!(sign * (long ? blockLow[m][b] : blockHigh[m][b]) > level)) continue;
      const end = Math.min(never, (b + 1) * BLOCK);
      for (let t = Math.max(from, b * BLOCK); t < end; t++) if (sign * path[t] > level) return t;
    }
    return never;
  }
}
