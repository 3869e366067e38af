import type { Cascade } from './cascade.ts';
import type { AdlPolicy, QueueRanking, SimulationParams } from './params.ts';
import type { Population } from './population.ts';
import { medianInPlace } from './statistics.ts';

/**
 * Who pays for each liquidation, replayed over the shared cascade once per policy
 * ('none' = no ADL, the baseline that gives the fund path and the deficit).
 *
 * Waterfall per liquidated position, at the step's fill price f:
 *   equity at fill = cash + side·q·(f − p0). Positive: the rest goes to the insurance fund
 *   (Binance: "the remaining margin goes to the insurance fund"). Negative: the fund pays the
 *   shortfall while it can; then (policy `vault`) the vault down to its floor; what is left is the
 *   deficit, which the ADL policy raises from the other side's profitable positions.
 *
 * Accounting (the zero-sum ledger, checked after every step when `verify` is on):
 *   Σ traders' PnL (sampled positions + the rest of the market, which holds the net coins and the
 *   book's fills) + fund change + vault change − uncovered deficit = 0.
 * Tolerance: 1e-13 × the gross amounts involved (equity + 2 × OI + fund + vault), i.e. under a cent
 * on a $40B gross. The measured float error is ~1e-16 of gross (about $0.00001 at 200,000 positions),
 * so a leak of a cent on one position is caught. (It was 1e-9, about $40: a $1 leak on each
 * liquidation went unnoticed on some presets.)
 */
export interface PolicyOutcome {
  policy: AdlPolicy | 'none';
  /** Deficit left after the fund (and vault): what ADL had to raise. */
  need: number;
  /** Cash raised by ADL at the moment of each wave. */
  collected: number;
  /**
   * What ADL took from winners: for queue closes, each winner's loss versus keeping the position,
   * valued at the book price when the wave ends (finishWave); for a haircut, the haircut.
   */
  taken: number;
  /** Equity without ADL − equity with ADL at the end of the whole run (two-pass, after any rebound). */
  lossAtEnd: number;
  adlNotional: number;
  tradersHit: number;
  /** Opposite-side profitable positions eligible in at least one ADL wave. */
  winners: number;
  maxHaircutPct: number;
  meanWaveMaxHaircutPct: number;
  giniHaircut: number;
  waves: number;
  residualDeficit: number;
  fundStart: number;
  fundMin: number;
  fundEnd: number;
  /** Vault at the start − at the end: negative when the vault earned more from liquidations than it paid. */
  vaultUsed: number;
  adlSteps: Int32Array;
  fundPath: Float64Array;
  ledgerMaxResidual: number;
  ledgerTolerance: number;
  firstWave?: ProfileSample;
  firstWaveWinners?: ProfileSample;
}

export interface ProfileSample {
  count: number;
  medianPnlPct: number;
  medianLeverage: number;
}

export class LedgerError extends Error {
  constructor(policy: string, step: number, residual: number, tolerance: number) {
    super(`zero-sum ledger broken under ${policy} at step ${step}: residual ${residual} > tolerance ${tolerance}`);
    this.name = 'LedgerError';
  }
}

/** Scratch arrays sized N, reused by every policy pass so a run allocates them once. */
export interface SettlementScratch {
  openQuantity: Float64Array;
  cash: Float64Array;
  wallet: Float64Array;
  candidates: Int32Array;
  scores: Float64Array;
  heap: Int32Array;
  flags: Uint8Array;
  haircut: Float64Array;
  equityAtHit: Float64Array;
  taken: Float64Array;
  weights: Float64Array;
  /** Queue closes of the current wave, summed per position until the wave ends. */
  waveLoss: Float64Array;
  /** The best winners of one scoring pass (queueTop); a wave deeper than this ranks everyone. */
  topIndex: Int32Array;
  topScore: Float64Array;
}

/** `queueTop`: winners kept by one scoring pass (tests shrink it to exercise the full ranking). */
export function allocateScratch(population: Population, queueTop = QUEUE_TOP): SettlementScratch {
  const count = population.count;
  return {
    taken: new Float64Array(count),
    weights: new Float64Array(count),
    waveLoss: new Float64Array(count),
    topIndex: new Int32Array(queueTop),
    topScore: new Float64Array(queueTop),
    openQuantity: Float64Array.from(population.quantity),
    cash: Float64Array.from(population.equity),
    wallet: new Float64Array(count),
    candidates: new Int32Array(count),
    scores: new Float64Array(count),
    heap: new Int32Array(count),
    flags: new Uint8Array(count),
    haircut: new Float64Array(count),
    equityAtHit: new Float64Array(count),
  };
}

/** collectWinners ORs its 0/1 winner test straight into the flags: ELIGIBLE must stay 1. */
const ELIGIBLE = 1;
const HIT = 2;

export function settle(
  params: SimulationParams,
  population: Population,
  cascade: Cascade,
  policy: AdlPolicy | 'none',
  scratch: SettlementScratch,
): PolicyOutcome {
  const { side, quantity, equity, entry, count } = population;
  const { openQuantity, cash, wallet, candidates, scores, heap, flags, haircut, equityAtHit } = scratch;
  const waveTaken = scratch.taken;
  // The scratch arrays arrive clean (allocateScratch, or the restore at the end of the previous pass).

  const p0 = params.startPrice;
  const steps = cascade.steps;
  const tiers = params.tiers;
  let fund = params.fundUsd;
  const vaultStart = policy === 'vault' ? params.vaultUsd : 0;
  let vault = vaultStart;
  const vaultFloor = vaultStart * params.vaultFloor;
  let uncovered = 0;
  let need = 0;
  let collected = 0;
  let adlNotional = 0;
  let fundMin = fund;
  // The rest of the market: holds the net coins that balance the sample, and buys every liquidation.
  let outsideQuantity = population.outsideQuantity;
  let outsideCost = population.outsideQuantity * p0;

  const adlSteps: number[] = [];
  const stepTotals = new Float64Array(9);
  const fundPath = new Float64Array(steps + 1);
  fundPath[0] = fund;
  let waves = 0;
  let lastAdlStep = -2;
  const waveMaxPct: number[] = [];
  // Queue closes of the current wave (quantity, equity before), for the first-wave profile.
  const closes: number[] = [];
  const waveLoss = scratch.waveLoss;
  const waveCloseIndex: number[] = [];
  const waveCloseCoins: number[] = [];
  let firstWave: ProfileSample | undefined;
  let firstWaveWinners: ProfileSample | undefined;

  const gross = params.fundUsd + vaultStart + 2 * params.openInterestUsd + sumOf(equity);
  const tolerance = 1e-13 * gross;
  let ledgerMaxResidual = 0;

  const positionEquity = (i: number, price: number) => cash[i] + side[i] * openQuantity[i] * (price - p0);
  const floors = Float64Array.from(tiers.floors);
  const mmrs = Float64Array.from(tiers.mmrs);
  const amounts = Float64Array.from(tiers.maintenanceAmounts);


  /** Collect the eligible winners on `winnerSide` at `price`: open, not yet liquidated, in profit. */
  const gatherCandidates = (winnerSide: number, price: number): number =>
    winnerSide > 0
      ? collectWinners(0, population.longCount, winnerSide, price, p0, openQuantity, cash, entry, candidates, scores, scratch.weights, flags, profitSum)
      : collectWinners(population.longCount, count, winnerSide, price, p0, openQuantity, cash, entry, candidates, scores, scratch.weights, flags, profitSum);
  const profitSum = new Float64Array(1);

  /** Queue: close whole positions in score order (the last one partly) until `targetQuantity` is matched and the cash covers `deficit`. */
  const queueOrder = new QueueOrder();
  const { topIndex, topScore } = scratch;
  const runQueue = (
    winnerSide: number,
    deficit: number,
    targetQuantity: number,
    referencePrice: number,
    price: number,
    market: number,
  ): number => {
    // Usually a wave closes a handful of positions: one pass scores every winner and keeps the best
    // few (queueTop). Only a wave that walks deeper ranks all of them (QueueOrder); the first
    // wave does too, for the profile of every winner then.
    let fullRanking = false;
    let topCount = 0;
    let topPosition = 0;
    const rankEveryone = () => {
      const m = gatherCandidates(winnerSide, price);
      if (waves === 1 && firstWaveWinners === undefined) firstWaveWinners = profile(candidates, m, price);
      scoreCandidates(params.queueRanking, m, candidates, scores, price, p0, openQuantity, cash, winnerSide, entry, floors, mmrs, amounts);
      queueOrder.reset(m, scores, candidates, heap);
      fullRanking = true;
    };
    if (waves === 1 && firstWaveWinners === undefined) rankEveryone();
    else {
      const [from, to] = winnerSide > 0 ? [0, population.longCount] : [population.longCount, count];
      topCount = queueTop(params.queueRanking, from, to, winnerSide, price, p0, openQuantity, cash, entry, floors, mmrs, amounts, flags, topIndex, topScore);
    }
    /** The next position in queue order, or −1. Closed positions drop out of a re-ranking (no open quantity). */
    const nextInQueue = (): number => {
      if (!fullRanking) {
        if (topPosition < topCount) return topIndex[topPosition++];
        if (topCount < topIndex.length) return -1;
        rankEveryone();
      }
      const slot = queueOrder.next();
      return slot < 0 ? -1 : candidates[slot];
    };

    let closedQuantity = 0;
    let cashRaised = 0;
    const waveCloses: number[] = [];
    while (closedQuantity < targetQuantity || cashRaised < deficit) {
      const i = nextInQueue();
      if (i < 0) break;
      const q = openQuantity[i];
      const gainPerCoin = winnerSide * (market - referencePrice);
      let dq: number;
      if (closedQuantity < targetQuantity) dq = Math.min(q, targetQuantity - closedQuantity);
      else if (gainPerCoin > 0) dq = Math.min(q, (deficit - cashRaised) / gainPerCoin);
      else break;
      if (dq <= 0) continue;
      const equityBefore = positionEquity(i, price);
      // Closed at the bankruptcy price of the liquidated orders; the margin share goes back with it.
      const marginShare = (cash[i] * dq) / q;
      wallet[i] += side[i] * dq * (referencePrice - p0) + marginShare;
      cash[i] -= marginShare;
      openQuantity[i] = q - dq;
      // The exchange unwinds the taken-over coins on the book: the rest of the market holds them now.
      outsideQuantity += side[i] * dq;
      outsideCost += side[i] * dq * market;
      cashRaised += gainPerCoin * dq;
      // What the winner loses is valued when the wave ends (finishWave), as in Chitra's replay.
      waveLoss[i] += side[i] * dq * referencePrice;
      waveCloseIndex.push(i);
      waveCloseCoins.push(side[i] * dq);
      closedQuantity += dq;
      adlNotional += dq * referencePrice;
      flags[i] |= HIT;
      closes.push(dq, equityBefore);
      waveCloses.push(i);
    }
    if (waves === 1 && firstWave === undefined) {
      firstWave = profileOf(waveCloses, price);
    }
    return cashRaised;
  };

  const profile = (indices: Int32Array | number[], m: number, price: number): ProfileSample => {
    const pnl = new Float64Array(m);
    const leverage = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const i = indices[k];
      pnl[k] = (side[i] * (price - entry[i])) / entry[i];
      leverage[k] = (openQuantity[i] * price) / positionEquity(i, price);
    }
    return { count: m, medianPnlPct: medianInPlace(pnl), medianLeverage: medianInPlace(leverage) };
  };
  const profileOf = (indices: number[], price: number) => {
    // Profile the positions as they were when picked (before the close changed their size).
    const pnl = new Float64Array(indices.length);
    const leverage = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      pnl[k] = (side[i] * (price - entry[i])) / entry[i];
      const base = closes.length - 2 * indices.length + 2 * k;
      leverage[k] = ((closes[base] + openQuantity[i]) * price) / closes[base + 1];
    }
    return { count: indices.length, medianPnlPct: medianInPlace(pnl), medianLeverage: medianInPlace(leverage) };
  };

  /**
   * End of a wave (ADL steps with no gap): each queue-closed winner's loss versus keeping the
   * position, valued at the mark when the wave ends: Σ side·dq·(p_end − p_close), positive part per
   * winner (Chitra's two-pass H_prod at horizon 0). A winner closed early in a falling wave also
   * misses the rest of the fall, which is why the queue takes more than the deficit.
   */
  const finishWave = (endPrice: number) => {
    const closesInWave = waveCloseIndex.length;
    if (closesInWave === 0) return;
    for (let k = 0; k < closesInWave; k++) waveLoss[waveCloseIndex[k]] -= waveCloseCoins[k] * endPrice;
    // waveLoss[i] now holds −loss: Σ side·dq·p_close − Σ side·dq·p_end.
    let waveMax = 0;
    for (let k = 0; k < closesInWave; k++) {
      const i = waveCloseIndex[k];
      const lossOfWinner = -waveLoss[i];
      if (lossOfWinner === 0 && waveLoss[i] === 0) continue; // already counted (closed twice in the wave)
      waveLoss[i] = 0;
      const loss = Math.max(0, lossOfWinner);
      // Equity this winner would have held at the wave's end without this wave's closes.
      const withoutAdl = wallet[i] + cash[i] + side[i] * openQuantity[i] * (endPrice - p0) + lossOfWinner;
      haircut[i] += loss;
      if (equityAtHit[i] === 0) equityAtHit[i] = withoutAdl;
      if (withoutAdl > 0) waveMax = Math.max(waveMax, Math.min(1, loss / withoutAdl));
    }
    waveMaxPct[waves - 1] = Math.max(waveMaxPct[waves - 1] ?? 0, waveMax);
    waveCloseIndex.length = 0;
    waveCloseCoins.length = 0;
  };

  /** Pro-rata (weight = profit) or socialized (weight = account equity, capped at profit): takes exactly the deficit. */
  const runProportional = (winnerSide: number, deficit: number, price: number, byEquity: boolean): number => {
    const m = gatherCandidates(winnerSide, price);
    // scores[k] = capacity (the profit, from gatherCandidates), waveTaken[k] = haircut.
    const capacity = profitSum[0];
    let raised: number;
    let maxPct: number;
    if (!byEquity || deficit >= capacity) {
      // Pro-rata: the same fraction of every winner's profit, never above it (all of it if the
      // deficit is larger); applied in the same pass.
      [raised, maxPct] = applyHaircuts(m, scores, Math.min(1, deficit / capacity), scratch.weights, candidates, cash, haircut, equityAtHit, flags);
    } else {
      waveTaken.fill(0, 0, m);
      heap.fill(1, 0, m);
      waterFill(m, deficit, scores, waveTaken, heap, scratch.weights);
      [raised, maxPct] = applyHaircuts(m, waveTaken, 1, scratch.weights, candidates, cash, haircut, equityAtHit, flags);
    }
    waveMaxPct[waves - 1] = Math.max(waveMaxPct[waves - 1] ?? 0, Math.min(1, maxPct));
    return raised;
  };

  for (let t = 0; t < steps; t++) {
    const price = cascade.markPrice[t + 1];
    const fill = cascade.fillPrice[t];
    // step[]: fund gain, Δ outside coins, Δ outside cost, then per side (0: bankrupt longs, 1: shorts)
    // shortfall, bankrupt quantity, bankrupt value.
    liquidateStep(cascade.stepStart[t], cascade.stepStart[t + 1], cascade.order, openQuantity, cash, wallet, side, fill, p0, stepTotals);
    // What liquidated positions have left at the fill feeds the backstop: the fund, or under the vault
    // policy the vault (Hyperliquid's HLP takes liquidation profits and losses).
    if (policy === 'vault') vault += stepTotals[0];
    else fund += stepTotals[0];
    outsideQuantity += stepTotals[1];
    outsideCost += stepTotals[2];
    const shortfall = [stepTotals[3], stepTotals[4]];
    const bankruptQuantity = [stepTotals[5], stepTotals[6]];
    const bankruptValue = [stepTotals[7], stepTotals[8]];

    for (let sideIndex = 0; sideIndex < 2; sideIndex++) {
      const gap = shortfall[sideIndex];
      if (gap <= 0) continue;
      const fromFund = Math.min(fund, gap);
      fund -= fromFund;
      let deficit = gap - fromFund;
      if (deficit > 0 && vault > vaultFloor) {
        const fromVault = Math.min(vault - vaultFloor, deficit);
        vault -= fromVault;
        deficit -= fromVault;
      }
      if (deficit <= 0) continue;
      need += deficit;
      if (policy === 'none') {
        uncovered += deficit;
        continue;
      }
      if (lastAdlStep !== t && lastAdlStep !== t - 1) {
        if (waves > 0) finishWave(cascade.bookPrice[lastAdlStep + 1]);
        waves++;
      }
      if (lastAdlStep !== t) adlSteps.push(t);
      lastAdlStep = t;
      const winnerSide = sideIndex === 0 ? -1 : 1;
      const uncoveredQuantity = bankruptQuantity[sideIndex] * (deficit / gap);
      const referencePrice = bankruptValue[sideIndex] / bankruptQuantity[sideIndex];
      const raised =
        policy === 'pro-rata'
          ? runProportional(winnerSide, deficit, price, false)
          : policy === 'socialized'
            ? runProportional(winnerSide, deficit, price, true)
            : runQueue(winnerSide, deficit, uncoveredQuantity, referencePrice, price, cascade.bookPrice[t + 1]);
      collected += raised;
      const covered = Math.min(deficit, raised);
      uncovered += deficit - covered;
      // A queue that closes more than the deficit leaves the surplus with the exchange's fund.
      fund += raised - covered;
    }
    if (fund < fundMin) fundMin = fund;
    fundPath[t + 1] = fund;

    if (params.verify) {
      let traders = 0;
      for (let i = 0; i < count; i++) traders += wallet[i] + cash[i] + side[i] * openQuantity[i] * (price - p0) - equity[i];
      traders += outsideQuantity * price - outsideCost;
      const residual = Math.abs(traders + (fund - params.fundUsd) + (vault - vaultStart) - uncovered);
      if (residual > ledgerMaxResidual) ledgerMaxResidual = residual;
      if (residual > tolerance) throw new LedgerError(policy, t, residual, tolerance);
    }
  }

  if (waves > 0) finishWave(cascade.bookPrice[lastAdlStep + 1]);
  let waveSum = 0;
  for (let w = 0; w < waves; w++) waveSum += waveMaxPct[w] ?? 0;

  // Per winner: share of equity taken (capped at 100%), and the two-pass loss at the end of the run.
  const endPrice = cascade.markPrice[steps];
  const pcts = new Float64Array(hitCount(flags, count));
  const { eligible, zeros, hit, taken, lossAtEnd, maxHaircutPct } = winnerTotals(
    count, flags, haircut, equityAtHit, pcts, cascade.liquidationStep, steps, equity, side, quantity, wallet, cash, openQuantity, endPrice, p0,
  );

  restoreScratch(quantity, equity, openQuantity, cash, wallet, haircut, equityAtHit, flags);

  return {
    policy,
    need,
    collected,
    taken,
    lossAtEnd,
    adlNotional,
    tradersHit: hit,
    winners: eligible,
    maxHaircutPct,
    meanWaveMaxHaircutPct: waves > 0 ? waveSum / waves : 0,
    giniHaircut: gini(pcts, zeros),
    waves,
    residualDeficit: uncovered,
    fundStart: params.fundUsd,
    fundMin,
    fundEnd: fund,
    vaultUsed: vaultStart - vault,
    adlSteps: Int32Array.from(adlSteps),
    fundPath,
    ledgerMaxResidual,
    ledgerTolerance: tolerance,
    firstWave,
    firstWaveWinners,
  };
}

/**
 * Gini coefficient of non-negative values plus `zeros` more zeros (0 = everyone pays the same share,
 * → 1 = one pays all). `values` is sorted in place.
 */
export function gini(values: Float64Array, zeros = 0): number {
  const n = values.length + zeros;
  if (n === 0) return 0;
  values.sort();
  let weighted = 0;
  let total = 0;
  for (let k = 0; k < values.length; k++) {
    weighted += (zeros + k + 1) * values[k];
    total += values[k];
  }
  if (total <= 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/**
 * Settle the positions liquidated in one step at its fill price: equity left goes to the fund, the
 * rest of the market takes the coins. `totals` = [fund gain, Δ outside coins, Δ outside cost,
 * shortfall long, shortfall short, bankrupt quantity long, short, bankrupt value long, short].
 */
function liquidateStep(
  from: number,
  to: number,
  order: Int32Array,
  openQuantity: Float64Array,
  cash: Float64Array,
  wallet: Float64Array,
  side: Int8Array,
  fill: number,
  startPrice: number,
  totals: Float64Array,
): void {
  totals.fill(0);
  for (let k = from; k < to; k++) {
    const i = order[k];
    const q = openQuantity[i];
    if (q <= 0) {
      // Fully closed by ADL before the price reached it: only its margin is left.
      wallet[i] += cash[i];
      cash[i] = 0;
      continue;
    }
    const s = side[i];
    const atFill = cash[i] + s * q * (fill - startPrice);
    totals[1] += s * q;
    totals[2] += s * q * fill;
    const bankruptcyPrice = startPrice - (s * cash[i]) / q;
    openQuantity[i] = 0;
    cash[i] = 0;
    if (atFill >= 0) {
      totals[0] += atFill;
    } else {
      const sideIndex = s > 0 ? 0 : 1;
      totals[3 + sideIndex] -= atFill;
      totals[5 + sideIndex] += q;
      totals[7 + sideIndex] += q * bankruptcyPrice;
    }
  }
}

/** Per eligible winner: the share of equity taken (capped at 100%, into `pcts`) and the two-pass loss at the end. */
function winnerTotals(
  count: number,
  flags: Uint8Array,
  haircut: Float64Array,
  equityAtHit: Float64Array,
  pcts: Float64Array,
  liquidationStep: Int32Array,
  steps: number,
  equity: Float64Array,
  side: Int8Array,
  quantity: Float64Array,
  wallet: Float64Array,
  cash: Float64Array,
  openQuantity: Float64Array,
  endPrice: number,
  startPrice: number,
): { eligible: number; zeros: number; hit: number; taken: number; lossAtEnd: number; maxHaircutPct: number } {
  let zeros = 0;
  let eligible = 0;
  let hit = 0;
  let taken = 0;
  let lossAtEnd = 0;
  let maxHaircutPct = 0;
  for (let i = 0; i < count; i++) {
    if ((flags[i] & ELIGIBLE) === 0) continue;
    eligible++;
    if ((flags[i] & HIT) === 0) {
      zeros++;
      continue;
    }
    taken += haircut[i];
    const pct = equityAtHit[i] > 0 ? Math.min(1, haircut[i] / equityAtHit[i]) : 0;
    if (pct > maxHaircutPct) maxHaircutPct = pct;
    pcts[hit++] = pct;
    const withoutAdl = liquidationStep[i] < steps ? 0 : equity[i] + side[i] * quantity[i] * (endPrice - startPrice);
    const withAdl = wallet[i] + cash[i] + side[i] * openQuantity[i] * (endPrice - startPrice);
    lossAtEnd += Math.max(0, withoutAdl - withAdl);
  }
  return { eligible, zeros, hit, taken, lossAtEnd, maxHaircutPct };
}

/** Leave the scratch clean for the next pass: whole-array copies and fills are memcpy/memset speed. */
function restoreScratch(
  quantity: Float64Array,
  equity: Float64Array,
  openQuantity: Float64Array,
  cash: Float64Array,
  wallet: Float64Array,
  haircut: Float64Array,
  equityAtHit: Float64Array,
  flags: Uint8Array,
): void {
  openQuantity.set(quantity);
  cash.set(equity);
  wallet.fill(0);
  haircut.fill(0);
  equityAtHit.fill(0);
  flags.fill(0);
}

function hitCount(flags: Uint8Array, count: number): number {
  let hits = 0;
  for (let i = 0; i < count; i++) if (flags[i] & HIT) hits++;
  return hits;
}

/** Heap order: higher score first; equal scores by position index, so runs are deterministic. */
function siftDown(heap: Int32Array, start: number, size: number, scores: Float64Array, candidates: Int32Array): void {
  let node = start;
  for (;;) {
    const left = 2 * node + 1;
    if (left >= size) return;
    let best = left;
    const right = left + 1;
    if (right < size) {
      const a = heap[right];
      const b = heap[left];
      if (scores[a] > scores[b] || (scores[a] === scores[b] && candidates[a] < candidates[b])) best = right;
    }
    const x = heap[best];
    const y = heap[node];
    if (!(scores[x] > scores[y] || (scores[x] === scores[y] && candidates[x] < candidates[y]))) return;
    heap[node] = x;
    heap[best] = y;
    node = best;
  }
}

/** ADL ranking score of every candidate at `price` (isolated accounts: account value = position equity). */
function scoreCandidates(
  ranking: QueueRanking,
  m: number,
  candidates: Int32Array,
  scores: Float64Array,
  price: number,
  startPrice: number,
  openQuantity: Float64Array,
  cash: Float64Array,
  winnerSide: number,
  entry: Float64Array,
  floors: Float64Array,
  mmrs: Float64Array,
  amounts: Float64Array,
): void {
  for (let k = 0; k < m; k++) {
    const i = candidates[k];
    scores[k] = queueScore(ranking, openQuantity[i], cash[i], entry[i], winnerSide, price, startPrice, floors, mmrs, amounts);
  }
}

/** One winner's ADL ranking score (higher is closed first). */
function queueScore(
  ranking: QueueRanking,
  q: number,
  cash: number,
  entry: number,
  s: number,
  price: number,
  startPrice: number,
  floors: Float64Array,
  mmrs: Float64Array,
  amounts: Float64Array,
): number {
  const accountValue = cash + s * q * (price - startPrice);
  const notional = q * price;
  const profit = s * q * (price - entry);
  if (ranking === 'binance') {
    // LeveragePnL = max(0, uPnL)/max(1, wallet balance) × maintenance margin/(wallet + uPnL)
    // https://www.binance.com/en/support/faq/360033525471 (formula in the FAQ's last section)
    const walletBalance = accountValue - profit;
    const lastTier = floors.length - 1;
    let tier = 0;
    while (tier < lastTier && floors[tier + 1] <= notional) tier++;
    const maintenanceMargin = notional * mmrs[tier] - amounts[tier];
    return (Math.max(0, profit) / Math.max(1, walletBalance)) * (maintenanceMargin / accountValue);
  }
  if (ranking === 'bitmex') {
    // PnL% × effective leverage; effective leverage = mark value / (mark value − bankrupt value) = notional / equity
    // (BitMEX ADL docs via bradkyle/Qenv logic/bitmex.md; Poloniex https://support.poloniex.com/hc/en-us/articles/6670657448215)
    return ((s * (price - entry)) / entry) * (notional / accountValue);
  }
  // (notional / account value) × max(pnl, 0) / entry notional: side-adjusted form of
  // (mark/entry)·(notional/account value) (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging)
  return (notional / accountValue) * (Math.max(0, profit) / (q * entry));
}

/** Winners kept by one scoring pass (queueTop) unless allocateScratch is told otherwise; deeper waves rank everyone. */
const QUEUE_TOP = 256;

/**
 * One pass over a side's range [from, to): marks the eligible winners (open, solvent, in profit),
 * scores them and keeps the best topIndex.length in `topIndex`, best first (equal scores: lower index
 * first, as QueueOrder). Returns how many were kept.
 */
function queueTop(
  ranking: QueueRanking,
  from: number,
  to: number,
  winnerSide: number,
  price: number,
  startPrice: number,
  openQuantity: Float64Array,
  cash: Float64Array,
  entry: Float64Array,
  floors: Float64Array,
  mmrs: Float64Array,
  amounts: Float64Array,
  flags: Uint8Array,
  topIndex: Int32Array,
  topScore: Float64Array,
): number {
  // Min-heap on rank: the root is the worst kept winner.
  const worse = (a: number, b: number) => topScore[a] < topScore[b] || (topScore[a] === topScore[b] && topIndex[a] > topIndex[b]);
  let kept = 0;
  for (let i = from; i < to; i++) {
    const q = openQuantity[i];
    if (q <= 0) continue;
    const profit = winnerSide * q * (price - entry[i]);
    if (profit <= 0) continue;
    if (cash[i] + winnerSide * q * (price - startPrice) <= 0) continue;
    flags[i] |= ELIGIBLE;
    const score = queueScore(ranking, q, cash[i], entry[i], winnerSide, price, startPrice, floors, mmrs, amounts);
    if (kept < topIndex.length) {
      let node = kept++;
      topIndex[node] = i;
      topScore[node] = score;
      while (node > 0) {
        const parent = (node - 1) >> 1;
        if (!worse(node, parent)) break;
        swapTop(topIndex, topScore, node, parent);
        node = parent;
      }
    } else if (score > topScore[0] || (score === topScore[0] && i < topIndex[0])) {
      topIndex[0] = i;
      topScore[0] = score;
      let node = 0;
      for (;;) {
        const left = 2 * node + 1;
        if (left >= kept) break;
        let child = left;
        if (left + 1 < kept && worse(left + 1, left)) child = left + 1;
        if (!worse(child, node)) break;
        swapTop(topIndex, topScore, node, child);
        node = child;
      }
    }
  }
  // Best first.
  const order = Array.from({ length: kept }, (_, k) => k).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  const index = order.map((k) => topIndex[k]);
  const score = order.map((k) => topScore[k]);
  for (let k = 0; k < kept; k++) {
    topIndex[k] = index[k];
    topScore[k] = score[k];
  }
  return kept;
}

function swapTop(topIndex: Int32Array, topScore: Float64Array, a: number, b: number): void {
  const i = topIndex[a];
  topIndex[a] = topIndex[b];
  topIndex[b] = i;
  const s = topScore[a];
  topScore[a] = topScore[b];
  topScore[b] = s;
}


/**
 * Socialized loss: split `deficit` in proportion to account equity, never taking more than a
 * winner's profit (capacity); what a capped winner cannot pay is re-split among the others.
 * `weights`: each candidate's account equity (from collectWinners).
 */
function waterFill(m: number, deficit: number, capacity: Float64Array, taken: Float64Array, open: Int32Array, weights: Float64Array): void {
  let weightSum = 0;
  for (let k = 0; k < m; k++) weightSum += weights[k];
  let remaining = deficit;
  for (let round = 0; round < 60 && remaining > deficit * 1e-12 && weightSum > 0; round++) {
    let paid = 0;
    let capped = 0;
    let cappedWeight = 0;
    const perWeight = remaining / weightSum;
    for (let k = 0; k < m; k++) {
      if (open[k] === 0) continue;
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

/**
 * The hot loop of every wave, kept free of closures so V8 compiles it tight: the open, solvent,
 * profitable positions among [from, to) (one side's contiguous range). A liquidated position has no
 * open quantity left, so the quantity test also skips it.
 */
function collectWinners(
  from: number,
  to: number,
  winnerSide: number,
  price: number,
  startPrice: number,
  openQuantity: Float64Array,
  cash: Float64Array,
  entry: Float64Array,
  candidates: Int32Array,
  profits: Float64Array,
  equities: Float64Array,
  flags: Uint8Array,
  profitSum: Float64Array,
): number {
  let m = 0;
  let sum = 0;
  // Branch-free: every position is written to slot m, which advances only for a winner (the
  // profitable test is a coin flip per position, so branches would mispredict half the time).
  for (let i = from; i < to; i++) {
    const q = openQuantity[i];
    const profit = winnerSide * q * (price - entry[i]);
    const equity = cash[i] + winnerSide * q * (price - startPrice);
    const winner = (q > 0 ? 1 : 0) & (profit > 0 ? 1 : 0) & (equity > 0 ? 1 : 0);
    profits[m] = profit;
    equities[m] = equity;
    candidates[m] = i;
    sum += winner * profit;
    flags[i] |= winner;
    m += winner;
  }
  profitSum[0] = sum;
  return m;
}

/**
 * Apply one wave's haircuts, `scale × amounts[k]` for candidate k (pro-rata passes the profits and
 * the share every winner gives up; the other policies their own amounts and 1). `equities`: each
 * candidate's equity before. Returns [raised, largest haircut as a share of equity].
 */
function applyHaircuts(
  m: number,
  amounts: Float64Array,
  scale: number,
  equities: Float64Array,
  candidates: Int32Array,
  cash: Float64Array,
  haircut: Float64Array,
  equityAtHit: Float64Array,
  flags: Uint8Array,
): [number, number] {
  let maxPct = 0;
  let raised = 0;
  for (let k = 0; k < m; k++) {
    const h = scale * amounts[k];
    if (h <= 0) continue;
    const i = candidates[k];
    const before = equities[k];
    if (h > maxPct * before) maxPct = h / before;
    haircut[i] += h;
    if (equityAtHit[i] === 0) equityAtHit[i] = before;
    cash[i] -= h;
    raised += h;
    flags[i] |= HIT;
  }
  return [raised, maxPct];
}

/** a ranks before b: higher score first; equal scores by position index, so runs are deterministic. */
function ranksBefore(a: number, b: number, scores: Float64Array, candidates: Int32Array): boolean {
  return scores[a] > scores[b] || (scores[a] === scores[b] && candidates[a] < candidates[b]);
}

/**
 * Candidates in queue order, best first. A wave usually closes a handful of positions, so the best
 * TOP_K are picked in one pass (a bounded heap, most candidates rejected by one comparison); the full
 * heap over every candidate is built only when a wave walks deeper than that.
 */
class QueueOrder {
  private static readonly TOP_K = 256;
  private readonly top = new Int32Array(QueueOrder.TOP_K);
  private sorted: number[] = [];
  private position = 0;
  private count = 0;
  private size = 0;
  private full = false;
  private scores: Float64Array = new Float64Array(0);
  private candidates: Int32Array = new Int32Array(0);
  private heap: Int32Array = new Int32Array(0);

  reset(count: number, scores: Float64Array, candidates: Int32Array, heap: Int32Array): void {
    this.count = count;
    this.scores = scores;
    this.candidates = candidates;
    this.heap = heap;
    this.full = false;
    this.position = 0;
    const top = this.top;
    let kept = 0;
    for (let slot = 0; slot < count; slot++) {
      if (kept < QueueOrder.TOP_K) {
        // Min-heap on rank: the root is the worst of the kept.
        let node = kept++;
        top[node] = slot;
        while (node > 0) {
          const parent = (node - 1) >> 1;
          if (!ranksBefore(top[parent], top[node], scores, candidates)) break;
          const swap = top[parent];
          top[parent] = top[node];
          top[node] = swap;
          node = parent;
        }
      } else if (ranksBefore(slot, top[0], scores, candidates)) {
        top[0] = slot;
        let node = 0;
        for (;;) {
          const left = 2 * node + 1;
          if (left >= kept) break;
          let worst = left;
          if (left + 1 < kept && ranksBefore(top[left], top[left + 1], scores, candidates)) worst = left + 1;
          if (!ranksBefore(top[node], top[worst], scores, candidates)) break;
          const swap = top[node];
          top[node] = top[worst];
          top[worst] = swap;
          node = worst;
        }
      }
    }
    this.sorted = Array.from(top.subarray(0, kept)).sort((a, b) => (ranksBefore(a, b, scores, candidates) ? -1 : 1));
  }

  /** The next slot in queue order, or −1 when every candidate has been taken. */
  next(): number {
    if (!this.full) {
      if (this.position < this.sorted.length) return this.sorted[this.position++];
      if (this.sorted.length === this.count) return -1;
      // Deeper than TOP_K: rank everything not yet taken.
      for (const slot of this.sorted) this.scores[slot] = -Infinity;
      for (let k = 0; k < this.count; k++) this.heap[k] = k;
      for (let k = (this.count >> 1) - 1; k >= 0; k--) siftDown(this.heap, k, this.count, this.scores, this.candidates);
      this.size = this.count;
      this.full = true;
    }
    if (this.size === 0) return -1;
    const slot = this.heap[0];
    if (this.scores[slot] === -Infinity) return -1;
    this.heap[0] = this.heap[--this.size];
    siftDown(this.heap, 0, this.size, this.scores, this.candidates);
    return slot;
  }
}
