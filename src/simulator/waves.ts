import type { Population } from './population.ts';
import { medianInPlace } from './statistics.ts';

export interface ProfileSample {
  count: number;
  medianPnlPct: number;
  medianLeverage: number;
}

interface HaircutArrays {
  haircut: Float64Array;
  equityAtHit: Float64Array;
}

/**
 * ADL waves (ADL steps with no gap longer than one step, as Chitra's replay clusters fills with a
 * 5 s gap) and what the queue took from each winner. A queue close is valued when its wave ends, as
 * Chitra's two-pass H_prod at horizon 0 does: the winner's loss is what keeping the position would have
 * been worth over the close, at the market's last trade price at the wave's end (the replay's
 * realized price path; the fills themselves are measured against the mark), positive part per account.
 * A winner closed early in a falling wave also misses the rest of the fall, and in a crash the last
 * trades sit below the mark: that is why a queue takes more than the need.
 */
export class WaveBook {
  count = 0;
  taken = 0;
  firstWave?: ProfileSample;
  firstWaveWinners?: ProfileSample;
  private lastStep = -10;
  private readonly waveMax: number[] = [];
  private readonly closeAccount: number[] = [];
  private readonly closeMarket: number[] = [];
  private readonly closeCoins: number[] = [];
  private readonly closePrice: number[] = [];
  private readonly equityBefore = new Map<number, number>();
  private readonly firstPnl: number[] = [];
  private readonly firstLeverage: number[] = [];

  constructor(
    private readonly population: Population,
    private readonly arrays: HaircutArrays,
    private readonly tradePrice: Float64Array[],
  ) {}

  /** An ADL at step t: a gap of more than one step since the last ADL ends the wave. */
  atAdl(t: number): void {
    if (t === this.lastStep) return;
    if (t > this.lastStep + 1) {
      if (this.count > 0) this.finishWave();
      this.count++;
      this.waveMax.push(0);
    }
    this.lastStep = t;
  }

  /**
   * A queue close: `signedCoins` = side × coins closed, at price x; `equity` = the account's equity before;
   * `positionCoins` = the position's size before (its leverage is the position's, even when the close is partial).
   */
  recordClose(account: number, market: number, signedCoins: number, x: number, equity: number, positionCoins: number): void {
    this.closeAccount.push(account);
    this.closeMarket.push(market);
    this.closeCoins.push(signedCoins);
    this.closePrice.push(x);
    if (!this.equityBefore.has(account)) this.equityBefore.set(account, equity);
    if (this.count === 1 && this.firstWave === undefined && equity > 0) {
      const entry = this.firstEntryOf(account, market);
      this.firstPnl.push((Math.sign(signedCoins) * (x - entry)) / entry);
      this.firstLeverage.push((positionCoins * x) / equity);
    }
  }

  /** A haircut wave (pro-rata, socialized): its largest haircut as a share of equity. */
  haircutWave(maxPct: number): void {
    if (this.count > 0) this.waveMax[this.count - 1] = Math.max(this.waveMax[this.count - 1], Math.min(1, maxPct));
  }

  wantsProfile(): boolean {
    return this.count === 1 && this.firstWaveWinners === undefined;
  }

  /** Every eligible winner of the first wave's first ranked market: median PnL % and leverage. */
  profileWinners(positions: Int32Array, quantity: Float64Array, winnerSide: number, price: number, equityOf: (account: number) => number): void {
    const pnl: number[] = [];
    const leverage: number[] = [];
    const { account, entry } = this.population;
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k];
      if (quantity[p] <= 0) continue;
      const change = (winnerSide * (price - entry[p])) / entry[p];
      if (change <= 0) continue;
      const equity = equityOf(account[p]);
      if (equity <= 0) continue;
      pnl.push(change);
      leverage.push((quantity[p] * price) / equity);
    }
    this.firstWaveWinners = sample(pnl, leverage);
  }

  /** Close the last wave at the end of the run. */
  finish(_t: number): void {
    if (this.count > 0) this.finishWave();
  }

  meanWaveMax(): number {
    if (this.waveMax.length === 0) return 0;
    return this.waveMax.reduce((a, b) => a + b, 0) / this.waveMax.length;
  }

  private firstEntryOf(account: number, market: number): number {
    const { firstPosition, market: marketOf, entry } = this.population;
    for (let p = firstPosition[account]; p < firstPosition[account + 1]; p++) if (marketOf[p] === market) return entry[p];
    return 1;
  }

  private finishWave(): void {
    const losses = new Map<number, number>();
    const end = this.lastStep;
    for (let k = 0; k < this.closeAccount.length; k++) {
      const pEnd = this.tradePrice[this.closeMarket[k]][end];
      const loss = this.closeCoins[k] * (pEnd - this.closePrice[k]);
      losses.set(this.closeAccount[k], (losses.get(this.closeAccount[k]) ?? 0) + loss);
    }
    let waveMax = 0;
    for (const [account, lossOfWinner] of losses) {
      const loss = Math.max(0, lossOfWinner);
      this.taken += loss;
      this.arrays.haircut[account] += loss;
      const equity = this.equityBefore.get(account) ?? 0;
      if (this.arrays.equityAtHit[account] === 0) this.arrays.equityAtHit[account] = equity;
      if (equity > 0) waveMax = Math.max(waveMax, Math.min(1, loss / equity));
    }
    if (this.count > 0) this.waveMax[this.count - 1] = Math.max(this.waveMax[this.count - 1], waveMax);
    if (this.count === 1 && this.firstWave === undefined && this.firstPnl.length > 0) this.firstWave = sample(this.firstPnl, this.firstLeverage);
    this.closeAccount.length = 0;
    this.closeMarket.length = 0;
    this.closeCoins.length = 0;
    this.closePrice.length = 0;
    this.equityBefore.clear();
  }
}

function sample(pnl: number[], leverage: number[]): ProfileSample {
  return { count: pnl.length, medianPnlPct: medianInPlace(Float64Array.from(pnl)), medianLeverage: medianInPlace(Float64Array.from(leverage)) };
}
