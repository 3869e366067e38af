import type { AdlPolicy, SimulationParams } from './params.ts';
import { stepSeconds } from './params.ts';
import type { MarketPaths } from './paths.ts';
import type { Population } from './population.ts';
import { QueueCursor } from './queue.ts';
import { AccountBook, ACTIVE, CLOSED, ELIGIBLE, HIT, IDLE, LIQUIDATED, WENT_NEGATIVE } from './accounts.ts';
import { AdlDesk } from './adl.ts';
import { gini } from './statistics.ts';
import { checkLedger, ledgerTolerance, LedgerError } from './ledger.ts';
import { WaveBook, type ProfileSample } from './waves.ts';
import { Recycler } from './recycler.ts';

export { LedgerError };
export type PassPolicy = AdlPolicy | 'none';

/**
 * One replay of the liquidation waterfall over the shared market paths, under one ADL policy
 * ('none' = nobody is auto-deleveraged: the baseline whose deficit stays with the venue).
 *
 * Every step (3 s in the preset), for every account whose equity fell below maintenance:
 * - Hyperliquid rules: below zero → bankrupt: its positions are closed against the other side by the
 *   ADL policy; below `backstopShare` of maintenance → the liquidator vault takes every position and
 *   what is left of the equity; otherwise market orders on the book (positions above
 *   `partialAboveUsd` a `partialShare` at a time, then `cooldownSeconds`). The vault sells its
 *   inventory on the book, a share a step; when its own value is below zero it is bankrupt like any
 *   account.
 * - Insurance-fund rules: the whole account goes to the book; what is left goes to the fund; a
 *   shortfall is paid by the fund, and what it cannot pay goes to the ADL policy.
 * Book orders of a step fill together at the mark less half the impact of the step's net flow on the
 * market's depth. Before ADL, the `vault` policy's vault pays deficits down to its floor.
 *
 * ADL policies (adl.ts): queue (whole positions in queue order at the bankrupt account's bankruptcy
 * price, the last one partly; Hyperliquid's docs say the previous mark price: see docs/simulator.md),
 * pro-rata (the same share of every winner's profit), socialized (by account equity, capped at the
 * profit), vault (the vault first, then the queue). Under the haircut policies a bankrupt account's
 * positions pass to the rest of the market at the mark. ADL is per market: a bankrupt account's
 * deficit is split over its markets by notional.
 *
 * Units: accounts.ts (equity, maintenance, liquidation triggers), adl.ts (who pays), queue.ts (the
 * queue order, scores from src/core), waves.ts (what the queue took, per wave), ledger.ts (zero-sum).
 */
export interface PassOutcome {
  policy: PassPolicy;
  /** Negative equity met at every bankruptcy (accounts and the backstop vault), before any fund. */
  deficit: number;
  /** Accounts (not the vault) that went below zero. */
  negativeEquityAccounts: number;
  /** What ADL had to raise: the deficit left after the fund and the vault policy's vault. */
  need: number;
  /** Cash ADL raised at the moment of each close or haircut. */
  collected: number;
  /** What winners lost: queue closes valued when their wave ends (Chitra's two-pass H_prod at horizon 0), haircuts as taken. */
  taken: number;
  adlNotional: number;
  adlFills: number;
  tradersHit: number;
  winners: number;
  /** Share of ADL closes whose position was in profit. */
  closesInProfitShare: number;
  maxHaircutPct: number;
  meanWaveMaxHaircutPct: number;
  giniHaircut: number;
  waves: number;
  residualDeficit: number;
  fundStart: number;
  fundEnd: number;
  backstop: { start: number; min: number; end: number };
  /** Vault policy: its capital at the start − at the end. */
  vaultUsed: number;
  liquidatedNotional: { long: number; short: number };
  liquidatedAccounts: number;
  /** Within the published window (clock.windowFrom … windowTo). */
  window: {
    liquidatedNotional: number;
    adlNotional: number;
    adlFills: number;
    adlUsers: number;
    deficit: number;
    negativeEquityAccounts: number;
    firstLiquidationStep: number;
    firstAdlStep: number;
  };
  adlSteps: Int32Array;
  backstopPath: Float64Array;
  fundPath: Float64Array;
  liquidatedLongPerStep: Float64Array;
  liquidatedShortPerStep: Float64Array;
  ledgerMaxResidual: number;
  ledgerTolerance: number;
  firstWave?: ProfileSample;
  firstWaveWinners?: ProfileSample;
}

/** A haircut's recipient: the backstop vault rather than an account. */
const VAULT = -1;

/** Arrays sized by the population, reused by every pass so a run allocates them once. */
export interface SettlementScratch {
  quantity: Float64Array;
  cash: Float64Array;
  status: Uint8Array;
  flags: Uint8Array;
  trigger: Int32Array;
  cooldownUntil: Int32Array;
  active: Int32Array;
  haircut: Float64Array;
  equityAtHit: Float64Array;
  cursors: QueueCursor[];
  orderPosition: Int32Array;
  orderQuantity: Float64Array;
  candidates: Int32Array;
  amounts: Float64Array;
  weights: Float64Array;
  taken: Float64Array;
  equities: Float64Array;
  sold: Float64Array;
  /** Each winner's haircut as a share of equity, for the Gini coefficient at the end of a pass. */
  haircutShares: Float64Array;
  /** First liquidation trigger of every account (the same for every pass), computed by the first pass. */
  firstTriggers: FirstTriggers | null;
  /** The accounts' equity at the start, summed and in absolute value (the ledger's reference). */
  startEquity: { total: number; gross: number } | null;
}

/** The arrays every pass writes whole come from `recycler`; those written in part are fresh (untouched pages cost nothing). */
export function allocateScratch(population: Population, queueTop?: number, recycler = new Recycler()): SettlementScratch {
  const { accountCount, positionCount } = population;
  // Haircut scans hold one market and side at a time.
  const largestSide = Math.max(...population.positionsOf.map((list) => list.length));
  return {
    quantity: recycler.float64(positionCount),
    cash: recycler.float64(accountCount),
    status: recycler.uint8(accountCount),
    flags: recycler.uint8(accountCount),
    trigger: recycler.int32(accountCount),
    cooldownUntil: recycler.int32(accountCount),
    active: new Int32Array(accountCount),
    haircut: recycler.float64(accountCount),
    equityAtHit: recycler.float64(accountCount),
    cursors: population.positionsOf.map((list) => new QueueCursor(list.length, queueTop)),
    orderPosition: new Int32Array(4096),
    orderQuantity: new Float64Array(4096),
    candidates: new Int32Array(largestSide),
    amounts: new Float64Array(largestSide),
    weights: new Float64Array(largestSide),
    taken: new Float64Array(largestSide),
    equities: new Float64Array(largestSide),
    sold: new Float64Array(positionCount),
    haircutShares: new Float64Array(accountCount),
    firstTriggers: null,
    startEquity: null,
  };
}

/** Each account's first trigger step, and by step: the accounts of step t are accounts[stepStart[t] … stepStart[t + 1]), in account order. */
interface FirstTriggers {
  byAccount: Int32Array;
  stepStart: Int32Array;
  accounts: Int32Array;
}

/** Groups the accounts by trigger step 1 … steps (a stable counting sort; later triggers never fire). */
function firstTriggersOf(byAccount: Int32Array, steps: number): FirstTriggers {
  const stepStart = new Int32Array(steps + 2);
  for (let a = 0; a < byAccount.length; a++) if (byAccount[a] <= steps) stepStart[byAccount[a] + 1]++;
  for (let t = 0; t <= steps; t++) stepStart[t + 1] += stepStart[t];
  const accounts = new Int32Array(stepStart[steps + 1]);
  const next = stepStart.slice(0, steps + 1);
  for (let a = 0; a < byAccount.length; a++) if (byAccount[a] <= steps) accounts[next[byAccount[a]]++] = a;
  return { byAccount, stepStart, accounts };
}

export function settle(params: SimulationParams, population: Population, paths: MarketPaths, policy: PassPolicy, scratch: SettlementScratch): PassOutcome {
  return new Settlement(params, population, paths, policy, scratch).run();
}

class Settlement {
  private readonly steps: number;
  private readonly markets: number;
  private readonly hyperliquid: boolean;
  private readonly accounts: AccountBook;
  private readonly desk: AdlDesk;
  /** Each market's mark at the current step (the account book's). */
  private readonly price: Float64Array;
  private readonly depth: Float64Array;
  private readonly crashFrom: number;
  private readonly crashTo: number;
  private readonly cooldownSteps: number;
  private readonly windowFrom: number;
  private readonly windowTo: number;
  /** Accounts armed during the pass, by step (the first triggers are in firstTriggers). */
  private readonly calendar: number[][];
  private readonly firstTriggers: FirstTriggers;
  private activeCount = 0;
  private orderCount = 0;
  private readonly flow: Float64Array;
  private readonly fill: Float64Array;
  /** The backstop vault: cash, and per market its inventory (signed coins) and what it paid (signed). */
  private vaultCash: number;
  private readonly vaultQuantity: Float64Array;
  private readonly vaultCost: Float64Array;

  /** The rest of the market: net coins and what it paid for them. */
  private readonly outsideQuantity: Float64Array;
  private readonly outsideCost: Float64Array;
  private fund: number;
  /** What the venue itself put in to cover a deficit nobody raised (the ledger counts it as an injection). */
  private injected = 0;
  private reserve: number;
  private readonly reserveFloor: number;
  private readonly pendingBankrupt: number[] = [];
  private readonly waves: WaveBook;
  /** Each market's last trade price per step: the book's fill when liquidation orders traded, else the mark. */
  private readonly tradePrice: Float64Array[];
  private t = 0;
  // Measures
  private deficit = 0;
  private negativeAccounts = 0;
  private need = 0;
  private residual = 0;
  private liquidatedLong = 0;
  private liquidatedShort = 0;
  private liquidatedAccounts = 0;
  private windowLiquidated = 0;
  private windowDeficit = 0;
  private windowNegativeAccounts = 0;
  private firstLiquidationStep = -1;
  private firstAdlStep = -1;
  private backstopMin: number;
  private readonly adlSteps: number[] = [];
  private readonly backstopPath: Float64Array;
  private readonly fundPath: Float64Array;
  private readonly liquidatedLongPerStep: Float64Array;
  private readonly liquidatedShortPerStep: Float64Array;
  private readonly initialTotal: number;
  private readonly tolerance: number;
  private ledgerMaxResidual = 0;

  constructor(
    private readonly params: SimulationParams,
    private readonly population: Population,
    private readonly paths: MarketPaths,
    private readonly policy: PassPolicy,
    private readonly scratch: SettlementScratch,
  ) {
    const scale = population.scale;
    this.steps = paths.steps;
    this.markets = population.marketCount;
    this.hyperliquid = params.liquidationRules === 'hyperliquid';
    this.accounts = new AccountBook(params, population, paths, scratch.quantity, scratch.cash);
    this.price = this.accounts.price;
    const seconds = stepSeconds(params);
    const stepOf = (minute: number) => Math.round((minute * 60) / seconds);
    this.crashFrom = stepOf(params.crashDepthFromMinute);
    this.crashTo = stepOf(params.crashDepthToMinute);
    this.cooldownSteps = Math.max(1, Math.round(params.cooldownSeconds / seconds));
    this.windowFrom = Math.ceil((params.clock.windowFromSecond - params.clock.startSecond) / seconds);
    this.windowTo = Math.floor((params.clock.windowToSecond - params.clock.startSecond) / seconds);
    this.depth = Float64Array.from(params.markets, (m) => (m.depthShare * params.openInterestUsd * m.openInterestShare) / scale);
    this.calendar = Array.from({ length: this.steps + 2 }, () => []);
    this.flow = new Float64Array(this.markets);
    this.fill = new Float64Array(this.markets);
    this.vaultCash = this.hyperliquid ? params.backstopVaultUsd / scale : 0;
    this.vaultQuantity = new Float64Array(this.markets);
    this.vaultCost = new Float64Array(this.markets);

    this.outsideQuantity = Float64Array.from(population.outsideQuantity);
    this.outsideCost = Float64Array.from(population.outsideQuantity, (q, m) => q * params.markets[m].startPrice);
    this.fund = this.hyperliquid ? 0 : params.fundUsd / scale;
    const reserve = policy === 'vault' ? params.vaultUsd / scale : 0;
    this.reserve = reserve;
    this.reserveFloor = reserve * params.vaultFloor;
    this.backstopMin = this.vaultCash;
    this.tradePrice = params.markets.map(() => new Float64Array(this.steps + 1));
    this.waves = new WaveBook(population, scratch, this.tradePrice);
    this.desk = new AdlDesk(population, this.accounts, scratch, this.waves, policy, params.adlFormula, {
      step: () => this.t,
      inWindow: () => this.inWindow(),
      toOutsideAtMark: (m, signedCoins) => this.toOutsideAtMark(m, signedCoins),
      rearm: (a) => this.arm(a, this.t + 1),
      credit: (recipient, amount, got) => this.credit(recipient, amount, got),
    });
    this.backstopPath = new Float64Array(this.steps + 1);
    this.fundPath = new Float64Array(this.steps + 1);
    this.liquidatedLongPerStep = new Float64Array(this.steps + 1);
    this.liquidatedShortPerStep = new Float64Array(this.steps + 1);

    const { quantity, cash, status, flags, haircut, equityAtHit } = scratch;
    quantity.set(population.quantity);
    cash.set(population.cash);
    status.fill(IDLE);
    flags.fill(0);
    haircut.fill(0);
    equityAtHit.fill(0);
    scratch.cooldownUntil.fill(0);
    if (scratch.startEquity === null) {
      let total = 0;
      let gross = 0;
      for (let a = 0; a < population.accountCount; a++) {
        const e = this.accounts.equityOf(a);
        total += e;
        gross += Math.abs(e);
      }
      scratch.startEquity = { total, gross };
    }
    const { total: equityTotal, gross: grossEquity } = scratch.startEquity;
    this.initialTotal = equityTotal + this.vaultCash + this.fund + this.reserve;
    this.tolerance = ledgerTolerance(grossEquity + this.vaultCash + this.fund + this.reserve + (2 * params.openInterestUsd) / scale);
    // Every pass starts from the same accounts and paths: the first triggers are computed once.
    if (scratch.firstTriggers === null) {
      const byAccount = new Int32Array(population.accountCount);
      for (let a = 0; a < population.accountCount; a++) byAccount[a] = this.accounts.firstTrigger(a, 1);
      scratch.firstTriggers = firstTriggersOf(byAccount, this.steps);
    }
    this.firstTriggers = scratch.firstTriggers;
    scratch.trigger.set(this.firstTriggers.byAccount);
  }

  run(): PassOutcome {
    const { params, steps } = this;
    this.backstopPath[0] = this.vaultCash;
    this.fundPath[0] = this.fund;
    for (let t = 1; t <= steps; t++) {
      this.t = t;
      this.accounts.moveTo(t);
      this.activateTriggered(t);
      this.orderCount = 0;
      this.evaluateActive();
      if (this.hyperliquid) {
        this.checkVault();
        this.unwindVault();
      }
      this.fillOrders();
      this.settlePendingBankruptcies();
      this.desk.applyHaircuts();
      const vaultValue = this.vaultValue();
      if (vaultValue < this.backstopMin) this.backstopMin = vaultValue;
      this.backstopPath[t] = vaultValue;
      this.fundPath[t] = this.fund;
      if (params.verify) this.verifyLedger();
    }
    this.waves.finish(this.t);
    return this.outcome();
  }

  // --- accounts -----------------------------------------------------------------------------------

  private arm(a: number, from: number): void {
    this.schedule(a, this.accounts.firstTrigger(a, from));
  }

  private schedule(a: number, step: number): void {
    this.scratch.trigger[a] = step;
    if (step <= this.steps) this.calendar[step].push(a);
  }

  /** Accounts whose trigger is step t: first those of the first triggers, then those armed since (the order a single calendar would keep). */
  private activateTriggered(t: number): void {
    const { stepStart, accounts } = this.firstTriggers;
    for (let k = stepStart[t]; k < stepStart[t + 1]; k++) this.activate(accounts[k], t);
    for (const a of this.calendar[t]) this.activate(a, t);
  }

  private activate(a: number, t: number): void {
    const { status, active, trigger } = this.scratch;
    if (status[a] !== IDLE || trigger[a] !== t) return;
    status[a] = ACTIVE;
    active[this.activeCount++] = a;
  }

  /** Every account under liquidation: bankrupt, backstopped, sent to the book, or safe again. */
  private evaluateActive(): void {
    const { status, active } = this.scratch;
    let kept = 0;
    for (let k = 0; k < this.activeCount; k++) {
      const a = active[k];
      if (status[a] !== ACTIVE) continue;
      this.accounts.measure(a);
      const { equity, maintenanceMargin: maintenance } = this.accounts;
      if (this.accounts.notional <= 0) {
        this.closeAccount(a, equity);
        continue;
      }
      if (equity >= maintenance) {
        status[a] = IDLE;
        this.arm(a, this.t + 1);
        continue;
      }
      if (!this.hyperliquid) {
        this.sendAllToBook(a);
        this.pendingBankrupt.push(a);
        status[a] = CLOSED;
        continue;
      }
      if (equity < 0) {
        this.bankrupt(a, -equity);
        continue;
      }
      if (equity < this.params.backstopShare * maintenance) {
        this.backstop(a, equity);
        continue;
      }
      this.sendToBook(a);
      active[kept++] = a;
    }
    this.activeCount = kept;
  }

  /** Nothing open any more: the account leaves the waterfall (its cash stays its own). */
  private closeAccount(a: number, equity: number): void {
    this.scratch.status[a] = CLOSED;
    if (equity < 0) this.pendingBankrupt.push(a);
  }

  private countLiquidation(p: number, coins: number): void {
    const a = this.population.account[p];
    if ((this.scratch.flags[a] & LIQUIDATED) === 0) {
      this.scratch.flags[a] |= LIQUIDATED;
      this.liquidatedAccounts++;
    }
    const notional = coins * this.price[this.population.market[p]];
    if (this.population.side[p] > 0) {
      this.liquidatedLong += notional;
      this.liquidatedLongPerStep[this.t] += notional;
    } else {
      this.liquidatedShort += notional;
      this.liquidatedShortPerStep[this.t] += notional;
    }
    if (this.inWindow()) {
      this.windowLiquidated += notional;
      if (this.firstLiquidationStep < 0) this.firstLiquidationStep = this.t;
    }
  }

  private inWindow(): boolean {
    return this.t >= this.windowFrom && this.t <= this.windowTo;
  }

  // --- the book ---------------------------------------------------------------------------------

  private order(position: number, coins: number): void {
    const scratch = this.scratch;
    if (this.orderCount === scratch.orderPosition.length) {
      // A step with more orders than ever before: twice the room.
      const positions = new Int32Array(2 * this.orderCount);
      const quantities = new Float64Array(2 * this.orderCount);
      positions.set(scratch.orderPosition);
      quantities.set(scratch.orderQuantity);
      scratch.orderPosition = positions;
      scratch.orderQuantity = quantities;
    }
    this.scratch.orderPosition[this.orderCount] = position;
    this.scratch.orderQuantity[this.orderCount++] = coins;
  }

  /** Hyperliquid: market orders; positions above the partial threshold a share at a time, then a cooldown. */
  private sendToBook(a: number): void {
    const { firstPosition, market } = this.population;
    const { quantity, cooldownUntil } = this.scratch;
    let partial = false;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const q = quantity[p];
      if (q <= 0) continue;
      if (q * this.price[market[p]] <= this.params.partialAboveUsd) this.order(p, q);
      else if (this.t >= cooldownUntil[a]) {
        this.order(p, q * this.params.partialShare);
        partial = true;
      }
    }
    if (partial) cooldownUntil[a] = this.t + this.cooldownSteps;
  }

  /** The whole account to the book; `sold` remembers each position's coins (its share of a later deficit). */
  private sendAllToBook(a: number): void {
    const { firstPosition } = this.population;
    const { quantity, sold } = this.scratch;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      sold[p] = quantity[p];
      if (quantity[p] > 0) this.order(p, quantity[p]);
    }
  }

  /** The backstop vault sells a share of its inventory each step. */
  private unwindVault(): void {
    for (let m = 0; m < this.markets; m++) {
      const q = this.vaultQuantity[m];
      if (q !== 0) this.order(-1 - m, Math.abs(q) * this.params.vaultUnwindPerStep);
    }
  }

  /**
   * Every order of the step fills at the mark moved by half the impact of the market's net flow:
   * impact = |net sold| / (depth × 100), depth = normal depth, or `crashDepth` of it during the collapse.
   */
  private fillOrders(): void {
    this.netFlow();
    this.fillPrices();
    this.settleOrders();
  }

  /** Each market's net flow of the step's orders (signed, at the mark). */
  private netFlow(): void {
    const { orderPosition, orderQuantity } = this.scratch;
    const { market, side } = this.population;
    this.flow.fill(0);
    for (let k = 0; k < this.orderCount; k++) {
      const p = orderPosition[k];
      const m = p >= 0 ? market[p] : -1 - p;
      const sign = p >= 0 ? side[p] : Math.sign(this.vaultQuantity[m]);
      this.flow[m] += sign * orderQuantity[k] * this.price[m];
    }
  }

  private fillPrices(): void {
    const crash = this.t >= this.crashFrom && this.t < this.crashTo;
    for (let m = 0; m < this.markets; m++) {
      const depth = this.depth[m] * (crash ? this.params.crashDepth : 1);
      const impact = Math.abs(this.flow[m]) / (depth * 100);
      this.fill[m] = this.price[m] * Math.exp((-Math.sign(this.flow[m]) * impact) / 2);
      // The last trade walks the whole impact (the fills average half of it).
      this.tradePrice[m][this.t] = this.flow[m] === 0 ? this.price[m] : this.price[m] * Math.exp(-Math.sign(this.flow[m]) * impact);
    }
  }

  private settleOrders(): void {
    const { orderPosition, orderQuantity, quantity, cash } = this.scratch;
    const { market, side, entry, account } = this.population;
    for (let k = 0; k < this.orderCount; k++) {
      const p = orderPosition[k];
      const coins = orderQuantity[k];
      if (p < 0) {
        const m = -1 - p;
        const sign = Math.sign(this.vaultQuantity[m]);
        const x = this.fill[m];
        this.vaultQuantity[m] -= sign * coins;
        this.vaultCost[m] -= sign * coins * x;
        this.outsideQuantity[m] += sign * coins;
        this.outsideCost[m] += sign * coins * x;
        continue;
      }
      const m = market[p];
      const s = side[p];
      const x = this.fill[m];
      this.countLiquidation(p, coins);
      quantity[p] -= coins;
      if (quantity[p] < 1e-12 * coins) quantity[p] = 0;
      cash[account[p]] += s * coins * (x - entry[p]);
      this.outsideQuantity[m] += s * coins;
      this.outsideCost[m] += s * coins * x;
    }
  }

  // --- backstop vault (Hyperliquid) ----------------------------------------------------------------

  /** The liquidator vault takes every position at the mark and what is left of the equity; the account ends at zero. */
  private backstop(a: number, equity: number): void {
    const { firstPosition, market, side } = this.population;
    const { quantity, cash, status } = this.scratch;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const q = quantity[p];
      if (q <= 0) continue;
      const m = market[p];
      this.countLiquidation(p, q);
      this.vaultQuantity[m] += side[p] * q;
      this.vaultCost[m] += side[p] * q * this.price[m];
      quantity[p] = 0;
    }
    this.vaultCash += equity;
    // Nothing open: the account's equity is its cash, and it ends at zero.
    cash[a] = 0;
    status[a] = CLOSED;
  }

  private vaultValue(): number {
    let value = this.vaultCash;
    for (let m = 0; m < this.markets; m++) value += this.vaultQuantity[m] * this.price[m] - this.vaultCost[m];
    return value;
  }

  /**
   * The backstop vault below zero is bankrupt like any account. Queue: its inventory closes against
   * the winners at its bankruptcy prices. Haircut policies: its inventory goes to the book and the
   * shortfall after the fills is raised (settleVaultAfterFills). No ADL: the venue covers it.
   */
  private checkVault(): void {
    const value = this.vaultValue();
    if (value >= 0) return;
    let notional = 0;
    for (let m = 0; m < this.markets; m++) notional += Math.abs(this.vaultQuantity[m]) * this.price[m];
    if (notional <= 0) return;
    this.countDeficit(-value);
    const toRaise = this.coverFromFunds(-value);
    this.vaultCash += -value - toRaise;
    if (toRaise <= 0) return;
    if (this.policy === 'none') {
      this.coverByVenue(toRaise);
      return;
    }
    this.startAdl();
    if (!this.queueLike()) {
      // Haircut policies: the inventory passes to the rest of the market at the mark; the winners' haircuts pay the shortfall.
      for (let m = 0; m < this.markets; m++) {
        const q = this.vaultQuantity[m];
        if (q === 0) continue;
        this.toOutsideAtMark(m, q);
        this.vaultCost[m] -= q * this.price[m];
        this.vaultQuantity[m] = 0;
        this.desk.requestHaircut(m, -Math.sign(q), (toRaise * Math.abs(q) * this.price[m]) / notional, VAULT);
      }
      return;
    }
    for (let m = 0; m < this.markets; m++) {
      const q = this.vaultQuantity[m];
      if (q === 0) continue;
      const sign = Math.sign(q);
      const coins = Math.abs(q);
      const share = (toRaise * coins * this.price[m]) / notional;
      const x = this.price[m] + (sign * share) / coins;
      const matched = this.desk.matchWinners(m, sign, coins, x, false);
      this.vaultQuantity[m] -= sign * matched;
      this.vaultCost[m] -= sign * matched * x;
      this.coverByVenue(share * (1 - matched / coins));
    }
  }

  /** A haircut request was raised: `got` of `amount` to an account or the vault; the rest stays unraised. */
  private credit(recipient: number, amount: number, got: number): void {
    if (recipient === VAULT) {
      this.vaultCash += got;
      this.coverByVenue(amount - got);
    } else {
      this.scratch.cash[recipient] += got;
      this.residual += amount - got;
    }
  }

  /** The rest of the market takes `signedCoins` (side × coins) at the mark. */
  private toOutsideAtMark(m: number, signedCoins: number): void {
    this.outsideQuantity[m] += signedCoins;
    this.outsideCost[m] += signedCoins * this.price[m];
  }

  // --- bankruptcy and ADL -------------------------------------------------------------------------

  /** The backstop vault's loss nobody raised: the venue covers it (Hyperliquid's HLP), so the vault does not carry it twice. */
  private coverByVenue(amount: number): void {
    if (amount <= 0) return;
    this.residual += amount;
    if (!this.hyperliquid) return;
    this.vaultCash += amount;
    this.injected += amount;
  }

  private countDeficit(amount: number): void {
    this.deficit += amount;
    if (this.inWindow()) this.windowDeficit += amount;
  }

  /** An account below zero, counted once (its deficit each time it is met). */
  private countNegative(a: number, amount: number): void {
    this.countDeficit(amount);
    if ((this.scratch.flags[a] & WENT_NEGATIVE) !== 0) return;
    this.scratch.flags[a] |= WENT_NEGATIVE;
    this.negativeAccounts++;
    if (this.inWindow()) this.windowNegativeAccounts++;
  }

  /** Fund (insurance-fund venues), then the vault policy's vault; returns what is left for ADL. */
  private coverFromFunds(amount: number): number {
    const fromFund = Math.min(this.fund, amount);
    this.fund -= fromFund;
    let left = amount - fromFund;
    if (left > 0 && this.reserve > this.reserveFloor) {
      const fromReserve = Math.min(this.reserve - this.reserveFloor, left);
      this.reserve -= fromReserve;
      left -= fromReserve;
    }
    this.need += this.policy === 'none' ? 0 : left;
    return left;
  }

  private queueLike(): boolean {
    return this.policy === 'queue' || this.policy === 'vault';
  }

  private startAdl(): void {
    if (this.adlSteps[this.adlSteps.length - 1] !== this.t) this.adlSteps.push(this.t);
    if (this.firstAdlStep < 0) this.firstAdlStep = this.t;
    this.waves.atAdl(this.t);
  }

  /** Hyperliquid: an account below zero. Its positions close against the other side (queue), or go to the book and the deficit is raised from winners. */
  private bankrupt(a: number, shortfall: number): void {
    const { firstPosition, market, side, entry } = this.population;
    const { quantity, cash, status } = this.scratch;
    status[a] = CLOSED;
    this.countNegative(a, shortfall);
    const toRaise = this.coverFromFunds(shortfall);
    cash[a] += shortfall - toRaise;
    const notional = this.accounts.notionalOf(a);
    if (this.policy === 'none') {
      // No ADL: the positions go to the book; the account stays below zero.
      this.sendAllToBook(a);
      this.residual += toRaise;
      return;
    }
    this.startAdl();
    if (!this.queueLike()) {
      // Haircut policies: the positions pass to the rest of the market at the mark; the winners' haircuts pay the deficit.
      for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
        const q = quantity[p];
        if (q <= 0) continue;
        const m = market[p];
        this.countLiquidation(p, q);
        cash[a] += side[p] * q * (this.price[m] - entry[p]);
        this.toOutsideAtMark(m, side[p] * q);
        quantity[p] = 0;
        if (toRaise > 0) this.desk.requestHaircut(m, -side[p], (toRaise * q * this.price[m]) / notional, a);
      }
      return;
    }
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const q = quantity[p];
      if (q <= 0) continue;
      const m = market[p];
      const s = side[p];
      const share = (toRaise * q * this.price[m]) / notional;
      const x = this.price[m] + (s * share) / q;
      const matched = this.desk.matchWinners(m, s, q, x, false);
      this.countLiquidation(p, matched);
      cash[a] += s * matched * (x - entry[p]);
      quantity[p] = q - matched;
      if (quantity[p] > 0) {
        // No one left to match on the other side: the rest goes to the book; its share stays unraised.
        this.residual += share * (1 - matched / q);
        this.order(p, quantity[p]);
      }
    }
  }

  /** After the fills: deficits of accounts whose positions went to the book (insurance-fund rules, haircut policies). */
  private settlePendingBankruptcies(): void {
    const { cash } = this.scratch;
    for (const a of this.pendingBankrupt) {
      const equity = this.accounts.equityOf(a);
      if (!this.hyperliquid && equity >= 0) {
        // Insurance-fund venues: what is left after the book goes to the fund.
        this.fund += equity;
        cash[a] -= equity;
        continue;
      }
      if (equity >= 0) continue;
      // Hyperliquid's bankrupt accounts were counted when they went below zero.
      if ((this.scratch.flags[a] & WENT_NEGATIVE) === 0) this.countNegative(a, -equity);
      const toRaise = this.coverFromFunds(-equity);
      cash[a] += -equity - toRaise;
      if (toRaise <= 0) continue;
      if (this.policy === 'none') {
        this.residual += toRaise;
        continue;
      }
      this.startAdl();
      this.raiseOverMarkets(a, toRaise);
    }
    this.pendingBankrupt.length = 0;
  }

  /** Raise `amount` for account a, whose positions were sold: split by the notional it held in each market. */
  private raiseOverMarkets(a: number, amount: number): void {
    const { firstPosition, market, side } = this.population;
    // What each position had when it went to the book (all at once), or its size at the start (sold bit by bit).
    const sold = this.scratch.sold;
    const start = this.population.quantity;
    const coinsOf = (p: number) => (sold[p] > 0 ? sold[p] : start[p]);
    let notional = 0;
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) notional += coinsOf(p) * this.price[market[p]];
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const m = market[p];
      const share = (amount * coinsOf(p) * this.price[m]) / notional;
      if (!this.queueLike()) {
        this.desk.requestHaircut(m, -side[p], share, a);
        continue;
      }
      // The bankrupt coins were sold: the winners close at the bankruptcy price; the book takes their coins.
      const coins = coinsOf(p);
      const x = this.price[m] + (side[p] * share) / coins;
      const matched = this.desk.matchWinners(m, side[p], coins, x, true);
      const got = (share * matched) / coins;
      this.scratch.cash[a] += got;
      this.residual += share - got;
    }
  }

  /** An ADL'd account with positions left: its liquidation trigger moves (smaller positions). */
  private rearm(a: number): void {
    this.arm(a, this.t + 1);
  }

  // --- the ledger and the outcome ------------------------------------------------------------------

  private verifyLedger(): void {
    let accounts = 0;
    for (let a = 0; a < this.population.accountCount; a++) accounts += this.accounts.equityOf(a);
    let outside = 0;
    for (let m = 0; m < this.markets; m++) outside += this.outsideQuantity[m] * this.price[m] - this.outsideCost[m];
    const residual = checkLedger({ accounts, outside, vault: this.vaultValue(), fund: this.fund, reserve: this.reserve, initial: this.initialTotal + this.injected });
    if (residual > this.ledgerMaxResidual) this.ledgerMaxResidual = residual;
    if (residual > this.tolerance) throw new LedgerError(this.policy, this.t, residual, this.tolerance);
  }

  /** Winners eligible and hit, each hit one's haircut over equity (into scratch.haircutShares) and the largest. */
  private haircutShares(): { eligible: number; hit: number; maxPct: number } {
    const { flags, haircut, equityAtHit, haircutShares: pcts } = this.scratch;
    let eligible = 0;
    let hit = 0;
    let maxPct = 0;
    for (let a = 0; a < this.population.accountCount; a++) {
      if ((flags[a] & ELIGIBLE) === 0 && (flags[a] & HIT) === 0) continue;
      eligible++;
      if ((flags[a] & HIT) === 0) continue;
      const pct = equityAtHit[a] > 0 ? Math.min(1, haircut[a] / equityAtHit[a]) : 0;
      pcts[hit++] = pct;
      if (pct > maxPct) maxPct = pct;
    }
    return { eligible, hit, maxPct };
  }

  private outcome(): PassOutcome {
    const { eligible, hit, maxPct } = this.haircutShares();
    const pcts = this.scratch.haircutShares;
    const queueTaken = this.waves.taken;
    return {
      policy: this.policy,
      deficit: this.deficit,
      negativeEquityAccounts: this.negativeAccounts,
      need: this.need,
      collected: this.desk.collected,
      taken: this.desk.haircutTaken + queueTaken,
      adlNotional: this.desk.adlNotional,
      adlFills: this.desk.adlFills,
      tradersHit: hit,
      winners: eligible,
      closesInProfitShare: this.desk.adlFills > 0 ? this.desk.closesInProfit / this.desk.adlFills : 0,
      maxHaircutPct: maxPct,
      meanWaveMaxHaircutPct: this.waves.meanWaveMax(),
      giniHaircut: gini(pcts.subarray(0, hit), eligible - hit),
      waves: this.waves.count,
      residualDeficit: this.residual,
      fundStart: this.hyperliquid ? 0 : this.params.fundUsd / this.population.scale,
      fundEnd: this.fund,
      backstop: { start: this.backstopPath[0], min: this.backstopMin, end: this.backstopPath[this.steps] },
      vaultUsed: this.policy === 'vault' ? this.params.vaultUsd / this.population.scale - this.reserve : 0,
      liquidatedNotional: { long: this.liquidatedLong, short: this.liquidatedShort },
      liquidatedAccounts: this.liquidatedAccounts,
      window: {
        liquidatedNotional: this.windowLiquidated,
        adlNotional: this.desk.windowAdlNotional,
        adlFills: this.desk.windowAdlFills,
        adlUsers: this.desk.windowUsers.size,
        deficit: this.windowDeficit,
        negativeEquityAccounts: this.windowNegativeAccounts,
        firstLiquidationStep: this.firstLiquidationStep,
        firstAdlStep: this.firstAdlStep,
      },
      adlSteps: Int32Array.from(this.adlSteps),
      backstopPath: this.backstopPath,
      fundPath: this.fundPath,
      liquidatedLongPerStep: this.liquidatedLongPerStep,
      liquidatedShortPerStep: this.liquidatedShortPerStep,
      ledgerMaxResidual: this.ledgerMaxResidual,
      ledgerTolerance: this.tolerance,
      firstWave: this.waves.firstWave,
      firstWaveWinners: this.waves.firstWaveWinners,
    };
  }
}
