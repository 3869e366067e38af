import { runCascade } from './cascade.ts';
import type { AdlPolicy, PopulationRegime, ScenarioName, SimulationParams, VenueId } from './params.ts';
import { generatePopulation, type Population } from './population.ts';
import { SeededRandom } from './random.ts';
import { medianInPlace, sumOfLargest } from './statistics.ts';
import { allocateScratch, settle, type PolicyOutcome, type ProfileSample } from './settlement.ts';

/**
 * The seeded crash simulator: population (population.ts) → price path and liquidation cascade
 * (cascade.ts) → fund / vault / ADL waterfall replayed once per policy (settlement.ts).
 *
 * ADL policies (who pays the deficit the fund could not cover):
 * - queue: the venue's ranking (Binance LeveragePnL, BitMEX-style PnL% × effective leverage for
 *   BitMEX/Bybit/OKX, Hyperliquid's side-adjusted index); whole positions are closed in score order,
 *   the last one partly, at the bankruptcy price of the liquidated orders, until the bankrupt quantity
 *   is matched and the cash covers the deficit. The cash raised is (bankruptcy price − the book price)
 *   × quantity; what a winner loses is valued when the wave ends (a winner closed early in a falling
 *   wave also misses the rest of the fall), and they lose their position.
 * - pro-rata: every profitable opposite-side position gives up the same fraction of its profit
 *   (Chitra's wealth pro-rata, h = D / ΣPnL⁺); takes exactly the deficit.
 * - socialized: the deficit is split by account equity (margin + profit), each share capped at that
 *   winner's profit and the excess re-split. Unlike pro-rata, a well-funded account with little profit
 *   pays more than its profit share: the loss follows wealth, not gains (BitMEX/OKX "socialized loss"
 *   clawbacks were of this family). Also takes exactly the deficit.
 * - vault: a vault (Hyperliquid HLP-like) absorbs the deficit until it has lost (1 − floor) of its
 *   capital, then the queue.
 *
 * Measures: `need` = deficit after fund (and vault); `collected` = cash ADL raised; `taken` = what
 * winners lost, queue closes valued at the end of their wave (Chitra's two-pass H_prod at horizon 0);
 * `takenToNeed` = over-collection (part of a queue's excess refills the fund and lowers later need);
 * `maxHaircutPct` = the largest winner's loss as a share of their
 * equity when hit; `meanWaveMaxHaircutPct` = that maximum per wave (ADL steps with no gap), averaged;
 * `giniHaircut` over every eligible winner (0 = all pay the same share). Same seed → same JSON.
 */
export const MODEL_NOTE = 'reconstruction, not exchange data';

export interface PolicyResult {
  policy: AdlPolicy;
  /** Notional of positions closed by ADL (0 for policies that haircut without closing). */
  adlNotional: number;
  tradersHit: number;
  /** Largest loss of one winner as a share of what they would have held at the end without ADL. */
  maxHaircutPct: number;
  /** Deficit left after the fund (and vault): what ADL had to raise. */
  need: number;
  /** Cash raised at the moment of each wave. */
  collected: number;
  /** Winners' loss per wave, valued at the end of the wave (Chitra's horizon-0 measure). */
  taken: number;
  /** Winners' loss at the end of the whole run versus no ADL (two-pass; a rebound can make it small). */
  lossAtEnd: number;
  /** taken / need (1 = exactly the need). */
  takenToNeed: number;
  meanWaveMaxHaircutPct: number;
  winners: number;
  shareOfWinnersHit: number;
  giniHaircut: number;
  waves: number;
  residualDeficit: number;
  fundEnd: number;
  vaultUsed: number;
}

export interface SimulationResult {
  model: typeof MODEL_NOTE;
  disclaimer: string;
  scenario: ScenarioName;
  seed: number;
  positions: number;
  venue: VenueId;
  regime: PopulationRegime;
  steps: number;
  minutes: number;
  price: { start: number; low: number; end: number; lowPct: number };
  liquidatedNotional: { long: number; short: number };
  liquidatedPositions: { long: number; short: number };
  fund: { start: number; min: number; end: number };
  /** Deficit the fund could not cover, before any ADL. */
  deficit: number;
  population: {
    openInterest: { long: number; short: number };
    top1PctNotionalShare: number;
    medianLeverage: number;
    shareAbove10x: number;
  };
  policies: PolicyResult[];
  /** Who the queue closed first (PnL %, leverage), versus every eligible winner at that moment. */
  queueProfile: { firstAdled: ProfileSample; eligibleWinners: ProfileSample } | null;
  ledger: { verified: boolean; maxResidual: number; tolerance: number };
  series: {
    minute: number[];
    price: number[];
    liquidatedLong: number[];
    liquidatedShort: number[];
    fund: number[];
    adlMinutes: number[];
  };
}

const SERIES_POINTS = 200;

export function runSimulation(params: SimulationParams): SimulationResult {
  const random = new SeededRandom(params.seed);
  const population = generatePopulation(params, random);
  const cascade = runCascade(params, population, random);
  const scratch = allocateScratch(population);
  const baseline = settle(params, population, cascade, 'none', scratch);
  const outcomes = params.policies.map((policy) => settle(params, population, cascade, policy, scratch));

  const steps = cascade.steps;
  let low = params.startPrice;
  for (let t = 1; t <= steps; t++) low = Math.min(low, cascade.markPrice[t]);
  let long = 0;
  let short = 0;
  for (let t = 0; t < steps; t++) {
    long += cascade.liquidatedLongNotional[t];
    short += cascade.liquidatedShortNotional[t];
  }
  const queue = outcomes.find((o) => o.policy === 'queue');
  const chartPolicy = queue ?? outcomes[0] ?? baseline;
  const minutesPerStep = params.minutes / steps;

  return {
    model: MODEL_NOTE,
    disclaimer: params.disclaimer,
    scenario: params.scenario,
    seed: params.seed,
    positions: params.positions,
    venue: params.venue,
    regime: params.regime,
    steps,
    minutes: params.minutes,
    price: {
      start: usd(params.startPrice),
      low: usd(low),
      end: usd(cascade.markPrice[steps]),
      lowPct: ratio(low / params.startPrice - 1),
    },
    liquidatedNotional: { long: usd(long), short: usd(short) },
    liquidatedPositions: { long: cascade.liquidatedLongCount, short: cascade.liquidatedShortCount },
    fund: { start: usd(baseline.fundStart), min: usd(baseline.fundMin), end: usd(baseline.fundEnd) },
    deficit: usd(baseline.need),
    population: describePopulation(population, params.startPrice, scratch.scores, scratch.weights),
    policies: outcomes.map(policyResult),
    queueProfile:
      queue?.firstWave && queue.firstWaveWinners
        ? { firstAdled: roundProfile(queue.firstWave), eligibleWinners: roundProfile(queue.firstWaveWinners) }
        : null,
    ledger: {
      verified: params.verify,
      // Micro-dollars: the residual and the tolerance are both far below a cent.
      maxResidual: round(Math.max(baseline.ledgerMaxResidual, ...outcomes.map((o) => o.ledgerMaxResidual)), 6),
      tolerance: round(baseline.ledgerTolerance, 6),
    },
    series: buildSeries(cascade.markPrice, cascade.liquidatedLongNotional, cascade.liquidatedShortNotional, baseline, chartPolicy, minutesPerStep),
  };
}

function policyResult(outcome: PolicyOutcome): PolicyResult {
  return {
    policy: outcome.policy as AdlPolicy,
    adlNotional: usd(outcome.adlNotional),
    tradersHit: outcome.tradersHit,
    maxHaircutPct: ratio(outcome.maxHaircutPct),
    need: usd(outcome.need),
    collected: usd(outcome.collected),
    taken: usd(outcome.taken),
    lossAtEnd: usd(outcome.lossAtEnd),
    takenToNeed: outcome.need > 0 ? ratio(outcome.taken / outcome.need) : 0,
    meanWaveMaxHaircutPct: ratio(outcome.meanWaveMaxHaircutPct),
    winners: outcome.winners,
    shareOfWinnersHit: outcome.winners > 0 ? ratio(outcome.tradersHit / outcome.winners) : 0,
    giniHaircut: ratio(outcome.giniHaircut),
    waves: outcome.waves,
    residualDeficit: usd(outcome.residualDeficit),
    fundEnd: usd(outcome.fundEnd),
    vaultUsed: usd(outcome.vaultUsed),
  };
}

/** `notional` and `leverage` are N-sized work arrays (the settlement's scratch, free by now). */
function describePopulation(population: Population, startPrice: number, notional: Float64Array, leverage: Float64Array): SimulationResult['population'] {
  const n = population.count;
  let long = 0;
  let short = 0;
  let above10 = 0;
  for (let i = 0; i < n; i++) {
    const value = population.quantity[i] * startPrice;
    notional[i] = value;
    leverage[i] = value / population.equity[i];
    if (leverage[i] > 10) above10++;
    if (population.side[i] > 0) long += value;
    else short += value;
  }
  const topSum = sumOfLargest(notional, Math.max(1, Math.floor(n / 100)));
  const medianLeverage = medianInPlace(leverage);
  return {
    openInterest: { long: usd(long), short: usd(short) },
    top1PctNotionalShare: ratio(topSum / (long + short)),
    medianLeverage: ratio(medianLeverage),
    shareAbove10x: ratio(above10 / n),
  };
}

function buildSeries(
  markPrice: Float64Array,
  liquidatedLong: Float64Array,
  liquidatedShort: Float64Array,
  baseline: PolicyOutcome,
  adlPolicy: PolicyOutcome,
  minutesPerStep: number,
): SimulationResult['series'] {
  const steps = liquidatedLong.length;
  const bucket = Math.max(1, Math.ceil(steps / SERIES_POINTS));
  const series: SimulationResult['series'] = { minute: [], price: [], liquidatedLong: [], liquidatedShort: [], fund: [], adlMinutes: [] };
  for (let start = 0; start < steps; start += bucket) {
    const end = Math.min(steps, start + bucket);
    let long = 0;
    let short = 0;
    for (let t = start; t < end; t++) {
      long += liquidatedLong[t];
      short += liquidatedShort[t];
    }
    series.minute.push(round(end * minutesPerStep, 3));
    series.price.push(usd(markPrice[end]));
    series.liquidatedLong.push(usd(long));
    series.liquidatedShort.push(usd(short));
    series.fund.push(usd(baseline.fundPath[end]));
  }
  let lastBucket = -1;
  for (const step of adlPolicy.adlSteps) {
    const b = Math.floor(step / bucket);
    if (b === lastBucket) continue;
    lastBucket = b;
    series.adlMinutes.push(round(Math.min(steps, (b + 1) * bucket) * minutesPerStep, 3));
  }
  return series;
}

function roundProfile(sample: ProfileSample): ProfileSample {
  return { count: sample.count, medianPnlPct: ratio(sample.medianPnlPct), medianLeverage: ratio(sample.medianLeverage) };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}
/** USD figures to the cent, so the JSON is byte-stable and never shows float noise. */
const usd = (value: number) => round(value, 2);
/** Ratios and shares to 6 decimals (0.0001%). */
const ratio = (value: number) => round(value, 6);
