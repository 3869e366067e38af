import { CLOSED, ELIGIBLE, HIT, IDLE, type AccountBook } from './accounts.ts';
import type { AdlPolicy } from './params.ts';
import type { Population } from './population.ts';
import { QueueCursor, QueueScorer, type RankKey } from './queue.ts';
import type { SettlementScratch } from './waterfall.ts';
import type { WaveBook } from './waves.ts';

/** What the ADL desk needs from the pass it serves. */
export interface AdlContext {
  step(): number;
  inWindow(): boolean;
  /** The rest of the market takes `signedCoins` (side × coins) at the mark. */
  toOutsideAtMark(market: number, signedCoins: number): void;
  /** An account whose positions changed: find its next liquidation trigger. */
  rearm(account: number): void;
  /** A haircut request was raised: `got` of the `amount` asked goes to the recipient (an account or the vault). */
  credit(recipient: number, amount: number, got: number): void;
}

/**
 * Who pays a deficit once it reaches ADL, per market:
 * - queue: the winners in queue order (queue.ts) close whole positions, the last one partly, at the
 *   bankrupt position's price; the cash raised is each close's distance from the mark;
 * - pro-rata / socialized: haircuts on the winners' profit, requested during a step and raised in one
 *   pass per market and side (`applyHaircuts`): pro-rata in proportion to profit, socialized to account
 *   equity capped at the profit (waterFill).
 * It keeps what ADL did: cash raised, notional closed, fills, closes in profit, and the same within
 * the published window.
 */
export class AdlDesk {
  collected = 0;
  haircutTaken = 0;
  adlNotional = 0;
  adlFills = 0;
  closesInProfit = 0;
  windowAdlNotional = 0;
  windowAdlFills = 0;
  readonly windowUsers = new Set<number>();
  private readonly scorer: QueueScorer;
  private readonly key: RankKey = { tier: 0, score: 0 };
  /** The step each (market, side) cursor was ranked at. */
  private readonly cursorStep: Int32Array;
  /** Haircuts requested this step: per market and side the total due, and (slot, amount, recipient) triples. */
  private readonly haircutDue: Float64Array;
  private readonly requests: number[] = [];

  constructor(
    private readonly population: Population,
    private readonly accounts: AccountBook,
    private readonly scratch: SettlementScratch,
    private readonly waves: WaveBook,
    private readonly policy: AdlPolicy | 'none',
    formula: ConstructorParameters<typeof QueueScorer>[0],
    private readonly context: AdlContext,
  ) {
    this.scorer = new QueueScorer(formula);
    this.cursorStep = new Int32Array(2 * population.marketCount).fill(-1);
    this.haircutDue = new Float64Array(2 * population.marketCount);
  }

  /** Haircut policies: what a bankrupt account (or the vault) needs from one market's winners this step; raised together in `applyHaircuts`. */
  requestHaircut(m: number, winnerSide: number, amount: number, recipient: number): void {
    const slot = 2 * m + (winnerSide > 0 ? 0 : 1);
    this.haircutDue[slot] += amount;
    this.requests.push(slot, amount, recipient);
  }

  /** One haircut pass per market and side for everything requested this step; each recipient gets its share of what was raised. */
  applyHaircuts(): void {
    if (this.requests.length === 0) return;
    const raisedShare = new Float64Array(this.haircutDue.length);
    for (let slot = 0; slot < this.haircutDue.length; slot++) {
      const due = this.haircutDue[slot];
      if (due <= 0) continue;
      const raised = this.haircutWinners(slot >> 1, slot % 2 === 0 ? 1 : -1, due);
      raisedShare[slot] = raised / due;
    }
    for (let k = 0; k < this.requests.length; k += 3) {
      const [slot, amount, recipient] = [this.requests[k], this.requests[k + 1], this.requests[k + 2]];
      this.context.credit(recipient, amount, amount * raisedShare[slot]);
    }
    this.requests.length = 0;
    this.haircutDue.fill(0);
  }

  /**
   * Queue ADL in market m against positions on the side opposite `loserSide`: whole positions in queue
   * order, the last one partly, at price x, until `coins` are matched. `toOutside`: the bankrupt
   * coins were already sold, so the book takes the winners' coins at the mark. Returns the coins matched.
   */
  matchWinners(m: number, loserSide: number, coins: number, x: number, toOutside: boolean): number {
    const winnerSide = -loserSide;
    const cursor = this.cursorFor(m, winnerSide);
    const { quantity, cash, status } = this.scratch;
    const { account, entry } = this.population;
    let left = coins;
    while (left > 1e-12 * coins) {
      const p = cursor.next();
      if (p < 0) break;
      const q = quantity[p];
      const a = account[p];
      if (q <= 0 || status[a] === CLOSED) continue;
      const dq = Math.min(q, left);
      const inProfit = winnerSide * (this.accounts.price[m] - entry[p]) > 0;
      this.scratch.flags[a] |= HIT | ELIGIBLE;
      this.waves.recordClose(a, m, winnerSide * dq, x, this.accounts.equityOf(a), q);
      quantity[p] = q - dq;
      cash[a] += winnerSide * dq * (x - entry[p]);
      this.collected += winnerSide * dq * (this.accounts.price[m] - x);
      if (toOutside) this.context.toOutsideAtMark(m, winnerSide * dq);
      left -= dq;
      this.adlNotional += dq * this.accounts.price[m];
      this.adlFills++;
      if (inProfit) this.closesInProfit++;
      if (this.context.inWindow()) {
        this.windowAdlNotional += dq * this.accounts.price[m];
        this.windowAdlFills++;
        this.windowUsers.add(a);
      }
      if (quantity[p] > 0 && status[a] === IDLE) this.context.rearm(a);
    }
    return coins - left;
  }

  /** The ranked queue of (market, side) at this step, scored once per step. */
  private cursorFor(m: number, winnerSide: number): QueueCursor {
    const slot = 2 * m + (winnerSide > 0 ? 0 : 1);
    const cursor = this.scratch.cursors[slot];
    const t = this.context.step();
    if (this.cursorStep[slot] === t) return cursor;
    this.cursorStep[slot] = t;
    cursor.reset();
    this.rankSide(m, winnerSide, cursor);
    if (this.waves.wantsProfile()) {
      const price = this.accounts.price[m];
      this.waves.profileWinners(this.population.positionsOf[slot], this.scratch.quantity, winnerSide, price, (a) => this.accounts.equityOf(a));
    }
    return cursor;
  }

  /** Every open position of market m on `winnerSide` into the cursor, with its queue key (its own function: see haircutWinners). */
  private rankSide(m: number, winnerSide: number, cursor: QueueCursor): void {
    const positions = this.population.positionsOf[2 * m + (winnerSide > 0 ? 0 : 1)];
    const { quantity, status, flags, cash } = this.scratch;
    const { account, entry, single } = this.population;
    const state = this.scorer.state;
    const price = this.accounts.price[m];
    const sign = winnerSide > 0 ? 1 : -1;
    const key = this.key;
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k];
      const q = quantity[p];
      if (q <= 0) continue;
      const a = account[p];
      if (status[a] === CLOSED) continue;
      const pnl = winnerSide * q * (price - entry[p]);
      const equity = single[a] === 1 ? cash[a] + pnl : this.accounts.equityOf(a);
      if (equity <= 0) continue;
      if (pnl > 0) flags[a] |= ELIGIBLE;
      state.sign = sign;
      state.quantity = q;
      state.entryPrice = entry[p];
      state.markPrice = price;
      // Cross margin: the position's collateral is the account's cash plus the PnL of its other positions.
      state.collateral = equity - pnl;
      state.maintenanceMargin = this.accounts.maintenance.of(m, q * price);
      this.scorer.key(key);
      cursor.add(p, key.tier, key.score);
    }
  }

  /**
   * Pro-rata (the same share of every winner's profit) or socialized (by account equity, capped at the
   * profit) in market m among positions on `winnerSide`. Returns what was raised.
   *
   * Each loop is a function of its own: a long loop compiled on the fly (on-stack replacement) knows
   * nothing of the code after it, and in one function that code fell back to the interpreter on every
   * call, taking the next loop with it.
   */
  private haircutWinners(m: number, winnerSide: number, amount: number): number {
    const count = this.collectWinners(m, winnerSide);
    if (count === 0 || amount <= 0) return 0;
    const { amounts, taken, weights } = this.scratch;
    const raise = Math.min(amount, this.winnersProfit);
    taken.fill(0, 0, count);
    if (this.policy === 'socialized') waterFill(count, raise, amounts, taken, weights);
    else proRata(count, raise, amounts, taken, this.winnersProfit);
    const raised = this.takeHaircuts(count);
    this.collected += raised;
    this.haircutTaken += raised;
    this.waves.haircutWave(this.waveMaxHaircut);
    return raised;
  }

  /** Sum of the winners' profit (capped at equity) found by the last collectWinners. */
  private winnersProfit = 0;
  /** The largest haircut over equity of the last takeHaircuts. */
  private waveMaxHaircut = 0;

  /** The eligible winners of market m on `winnerSide` into the scratch candidates (with profit, equity, weight); returns how many. */
  private collectWinners(m: number, winnerSide: number): number {
    const positions = this.population.positionsOf[2 * m + (winnerSide > 0 ? 0 : 1)];
    const { quantity, status, cash, flags, candidates, amounts, weights, equities } = this.scratch;
    const socialized = this.policy === 'socialized';
    const { account, entry, single: singleAccount } = this.population;
    const price = this.accounts.price[m];
    let count = 0;
    let profitSum = 0;
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k];
      const q = quantity[p];
      if (q <= 0) continue;
      const a = account[p];
      if (status[a] === CLOSED) continue;
      const profit = winnerSide * q * (price - entry[p]);
      if (profit <= 0) continue;
      const single = singleAccount[a] === 1;
      const equity = single ? cash[a] + profit : this.accounts.equityOf(a);
      if (equity <= 0) continue;
      flags[a] |= ELIGIBLE;
      candidates[count] = p;
      amounts[count] = Math.min(profit, equity);
      equities[count] = equity;
      // Socialized: the account's equity, shared over its positions by notional.
      weights[count] = !socialized || single ? equity : (equity * q * price) / this.accounts.notionalOf(a);
      profitSum += amounts[count];
      count++;
    }
    this.winnersProfit = profitSum;
    return count;
  }

  /** Takes each candidate's share (scratch `taken`) from its account; returns the total. */
  private takeHaircuts(count: number): number {
    const { cash, flags, haircut, equityAtHit, candidates, equities, taken } = this.scratch;
    const { account } = this.population;
    let raised = 0;
    let waveMax = 0;
    for (let k = 0; k < count; k++) {
      const h = taken[k];
      if (h <= 0) continue;
      const a = account[candidates[k]];
      const before = equities[k];
      if (equityAtHit[a] === 0) equityAtHit[a] = before;
      if (before > 0) waveMax = Math.max(waveMax, h / before);
      haircut[a] += h;
      cash[a] -= h;
      flags[a] |= HIT;
      raised += h;
    }
    this.waveMaxHaircut = waveMax;
    return raised;
  }
}

/** Pro-rata: `amount` split in proportion to each winner's `profit`, which sum to `profitSum`. */
function proRata(count: number, amount: number, profit: Float64Array, taken: Float64Array, profitSum: number): void {
  for (let k = 0; k < count; k++) taken[k] = (amount * profit[k]) / profitSum;
}

/**
 * Socialized loss: split `amount` in proportion to `weights`, never taking more than `capacity`;
 * what a capped winner cannot pay is re-split among the others.
 */
export function waterFill(count: number, amount: number, capacity: Float64Array, taken: Float64Array, weights: Float64Array): void {
  const open = new Uint8Array(count).fill(1);
  let weightSum = 0;
  for (let k = 0; k < count; k++) weightSum += weights[k];
  let remaining = amount;
  for (let round = 0; round < 60 && remaining > amount * 1e-12 && weightSum > 0; round++) {
    let paid = 0;
    let capped = 0;
    let cappedWeight = 0;
    const perWeight = remaining / weightSum;
    for (let k = 0; k < count; k++) {
      if (!open[k]) continue;
      let share = perWeight * weights[k];
      const room = capacity[k] - taken[k];
      if (share >= room) {
        share = room;
        open[k] = 0;
        capped++;
        cappedWeight += weights[k];
      }
      taken[k] += share;
      paid += share;
    }
    remaining -= paid;
    weightSum -= cappedWeight;
    if (capped === 0) return;
  }
}
