import type { AdlPolicy, PopulationRegime, ScenarioName, SimulationParams, VenueId } from './params.ts';
import { stepSeconds } from './params.ts';
import { marketPaths, type MarketPaths } from './paths.ts';
import { generatePopulation, type Population } from './population.ts';
import { comparePublished, type PublishedComparison, type PublishedFigure } from './published.ts';
import { SeededRandom } from './random.ts';
import { Recycler } from './recycler.ts';
import { medianInPlace, sumOfLargest } from './statistics.ts';
import { allocateScratch, settle, type PassOutcome } from './waterfall.ts';
import type { ProfileSample } from './waves.ts';

/**
 * The seeded crash simulator: cross-margin accounts in several markets (population.ts) → each market's
 * published path (paths.ts) → the venue's liquidation waterfall replayed once per ADL policy
 * (waterfall.ts); the venue's own queue run gives the deficit. On the 2025-10-10 preset with
 * Hyperliquid's rules, the queue run is compared with Hyperliquid's published record (published.ts).
 *
 * Measures: `need` = deficit after the fund (and vault) that ADL had to raise; `collected` = cash it
 * raised; `taken` = what winners lost, queue closes valued at the end of their wave (Chitra's two-pass
 * H_prod at horizon 0); `takenToNeed` = over-collection; `maxHaircutPct` = the largest winner's loss as
 * a share of their equity when hit; `meanWaveMaxHaircutPct` = that maximum per wave, averaged;
 * `giniHaircut` over every eligible winner (0 = all pay the same share). Same seed → same JSON.
 * USD figures are the model's (divide-by-scale) size, except the `published` list, at the venue's size.
 */
export const MODEL_NOTE = 'reconstruction, not exchange data';

export interface PolicyResult {
  policy: AdlPolicy;
  /** Notional of positions closed by ADL (0 for policies that haircut without closing). */
  adlNotional: number;
  adlFills: number;
  tradersHit: number;
  /** Largest loss of one winner as a share of their equity when hit. */
  maxHaircutPct: number;
  /** Deficit left after the fund (and vault): what ADL had to raise. */
  need: number;
  /** Cash raised at the moment of each close or haircut. */
  collected: number;
  /** Winners' loss, queue closes valued at the end of their wave (Chitra's horizon-0 measure). */
  taken: number;
  /** taken / collected (1 = exactly what the fills raised, the need when every deficit was matched). */
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

export interface MarketResult {
  id: string;
  start: number;
  low: number;
  end: number;
  lowPct: number;
}

export interface SimulationResult {
  model: typeof MODEL_NOTE;
  disclaimer: string;
  scenario: ScenarioName;
  seed: number;
  positions: number;
  accounts: number;
  /** Multiply the model's USD and counts by this to read them at the venue's size (published.scaleBasis). */
  scale: number;
  venue: VenueId;
  regime: PopulationRegime;
  steps: number;
  minutes: number;
  clock: { date: string; start: string; windowFrom: string; windowTo: string; stepSeconds: number };
  /** The lead market (BTC). */
  price: { start: number; low: number; end: number; lowPct: number };
  markets: MarketResult[];
  liquidatedNotional: { long: number; short: number };
  liquidatedAccounts: number;
  /** Insurance fund (insurance-fund venues) or the liquidator vault (Hyperliquid): start / lowest / end. */
  fund: { kind: 'insurance-fund' | 'backstop-vault'; start: number; min: number; end: number };
  /** Negative equity met at every bankruptcy in the venue's own (queue) run, before any fund. */
  deficit: number;
  population: {
    openInterest: { long: number; short: number };
    top1PctNotionalShare: number;
    medianLeverage: number;
    shareAbove10x: number;
  };
  policies: PolicyResult[];
  /** Model, published, ratio and source of each figure of Hyperliquid's record (at Hyperliquid's size). */
  published: PublishedFigure[];
  publishedBasis: Omit<PublishedComparison, 'figures'>;
  /** Who the queue closed first (PnL %, leverage), versus every eligible winner at that moment. */
  queueProfile: { firstAdled: ProfileSample; eligibleWinners: ProfileSample } | null;
  ledger: { verified: boolean; maxResidual: number; tolerance: number };
  series: {
    minute: number[];
    /** Each market's price as a fraction of its start. */
    markets: Array<{ id: string; relative: number[] }>;
    liquidatedLong: number[];
    liquidatedShort: number[];
    fund: number[];
    adlMinutes: number[];
  };
}

const SERIES_POINTS = 200;

export function runSimulation(params: SimulationParams): SimulationResult {
  const random = new SeededRandom(params.seed);
  const recycler = new Recycler();
  const population = generatePopulation(params, random, recycler);
  const described = describePopulation(params, population, recycler);
  const paths = marketPaths(params, random);
  const scratch = allocateScratch(population, undefined, recycler);
  const outcomes = params.policies.map((policy) => settle(params, population, paths, policy, scratch));
  const queue = outcomes.find((o) => o.policy === 'queue');
  // The venue's own queue is the production run: the published record and the deficit come from it,
  // computed even when another policy was asked for.
  const production = queue ?? settle(params, population, paths, 'queue', scratch);
  const comparable = params.scenario === '2025-10-10' && params.venue === 'hyperliquid';
  const { figures, ...publishedBasis } = comparePublished(params, population, production, comparable);
  const chartPolicy = production;
  const lead = paths.prices[0];
  const markets = params.markets.map((market, m) => {
    const path = paths.prices[m];
    let low = path[0];
    for (let t = 1; t <= paths.steps; t++) low = Math.min(low, path[t]);
    return { id: market.id, start: price(path[0]), low: price(low), end: price(path[paths.steps]), lowPct: ratio(low / path[0] - 1) };
  });
  const clockText = (second: number) => {
    const s = Math.round(second) % 86_400;
    return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((v) => String(v).padStart(2, '0')).join(':');
  };

  return {
    model: MODEL_NOTE,
    disclaimer: params.disclaimer,
    scenario: params.scenario,
    seed: params.seed,
    positions: params.positions,
    accounts: population.accountCount,
    scale: ratio(population.scale),
    venue: params.venue,
    regime: params.regime,
    steps: paths.steps,
    minutes: params.minutes,
    clock: {
      date: params.clock.date,
      start: clockText(params.clock.startSecond),
      windowFrom: clockText(params.clock.windowFromSecond),
      windowTo: clockText(params.clock.windowToSecond),
      stepSeconds: round(stepSeconds(params), 3),
    },
    price: { start: markets[0].start, low: markets[0].low, end: price(lead[paths.steps]), lowPct: markets[0].lowPct },
    markets,
    liquidatedNotional: { long: usd(chartPolicy.liquidatedNotional.long), short: usd(chartPolicy.liquidatedNotional.short) },
    liquidatedAccounts: chartPolicy.liquidatedAccounts,
    fund:
      params.liquidationRules === 'hyperliquid'
        ? { kind: 'backstop-vault', start: usd(production.backstop.start), min: usd(production.backstop.min), end: usd(production.backstop.end) }
        : { kind: 'insurance-fund', start: usd(production.fundStart), min: usd(minOf(production.fundPath)), end: usd(production.fundEnd) },
    deficit: usd(production.deficit),
    population: described,
    policies: outcomes.map(policyResult),
    published: figures.map((f) => ({ ...f, model: f.model === null ? null : round(f.model, 6), ratio: f.ratio === null ? null : round(f.ratio, 4) })),
    publishedBasis: { ...publishedBasis, scale: ratio(publishedBasis.scale) },
    queueProfile:
      queue?.firstWave && queue.firstWaveWinners
        ? { firstAdled: roundProfile(queue.firstWave), eligibleWinners: roundProfile(queue.firstWaveWinners) }
        : null,
    ledger: {
      verified: params.verify,
      // Micro-dollars: the residual and the tolerance are both far below a cent.
      maxResidual: round(Math.max(production.ledgerMaxResidual, ...outcomes.map((o) => o.ledgerMaxResidual)), 6),
      tolerance: round(production.ledgerTolerance, 6),
    },
    series: buildSeries(params, paths, chartPolicy, params.liquidationRules === 'hyperliquid' ? chartPolicy.backstopPath : chartPolicy.fundPath),
  };
}

function policyResult(outcome: PassOutcome): PolicyResult {
  return {
    policy: outcome.policy as AdlPolicy,
    adlNotional: usd(outcome.adlNotional),
    adlFills: outcome.adlFills,
    tradersHit: outcome.tradersHit,
    maxHaircutPct: ratio(outcome.maxHaircutPct),
    need: usd(outcome.need),
    collected: usd(outcome.collected),
    taken: usd(outcome.taken),
    // Chitra's measure: taken ÷ what the fills raised at the moment (the need, when every deficit was matched).
    takenToNeed: outcome.collected > 0 ? ratio(outcome.taken / outcome.collected) : 0,
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

function describePopulation(params: SimulationParams, population: Population, recycler: Recycler): SimulationResult['population'] {
  const { accountCount, firstPosition, market, side, quantity, cash, entry } = population;
  const notional = recycler.float64(accountCount);
  const leverage = recycler.float64(accountCount);
  let long = 0;
  let short = 0;
  let above10 = 0;
  for (let a = 0; a < accountCount; a++) {
    let total = 0;
    let equity = cash[a];
    for (let p = firstPosition[a]; p < firstPosition[a + 1]; p++) {
      const start = params.markets[market[p]].startPrice;
      total += quantity[p] * start;
      equity += side[p] * quantity[p] * (start - entry[p]);
      if (side[p] > 0) long += quantity[p] * start;
      else short += quantity[p] * start;
    }
    notional[a] = total;
    leverage[a] = total / equity;
    if (leverage[a] > 10) above10++;
  }
  const topSum = sumOfLargest(notional, Math.max(1, Math.floor(accountCount / 100)));
  const medianLeverage = medianInPlace(leverage);
  recycler.release(notional, leverage);
  return {
    openInterest: { long: usd(long), short: usd(short) },
    top1PctNotionalShare: ratio(topSum / (long + short)),
    medianLeverage: ratio(medianLeverage),
    shareAbove10x: ratio(above10 / accountCount),
  };
}

function buildSeries(params: SimulationParams, paths: MarketPaths, outcome: PassOutcome, fundPath: Float64Array): SimulationResult['series'] {
  const steps = paths.steps;
  const minutesPerStep = params.minutes / steps;
  const bucket = Math.max(1, Math.ceil(steps / SERIES_POINTS));
  const series: SimulationResult['series'] = {
    minute: [],
    markets: params.markets.map((market) => ({ id: market.id, relative: [] as number[] })),
    liquidatedLong: [],
    liquidatedShort: [],
    fund: [],
    adlMinutes: [],
  };
  for (let start = 1; start <= steps; start += bucket) {
    const end = Math.min(steps, start + bucket - 1);
    let long = 0;
    let short = 0;
    for (let t = start; t <= end; t++) {
      long += outcome.liquidatedLongPerStep[t];
      short += outcome.liquidatedShortPerStep[t];
    }
    series.minute.push(round(end * minutesPerStep, 3));
    series.markets.forEach((entry, m) => entry.relative.push(ratio(paths.prices[m][end] / paths.prices[m][0])));
    series.liquidatedLong.push(usd(long));
    series.liquidatedShort.push(usd(short));
    series.fund.push(usd(fundPath[end]));
  }
  let lastBucket = -1;
  for (const step of outcome.adlSteps) {
    const b = Math.floor((step - 1) / bucket);
    if (b === lastBucket) continue;
    lastBucket = b;
    series.adlMinutes.push(round(Math.min(steps, (b + 1) * bucket) * minutesPerStep, 3));
  }
  return series;
}

function minOf(values: Float64Array): number {
  let low = Infinity;
  for (const v of values) if (v < low) low = v;
  return low;
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
/** Prices to the cent of a dollar … to 6 significant decimals for small coins. */
const price = (value: number) => (value >= 1 ? round(value, 2) : round(value, 6));
/** Ratios and shares to 6 decimals (0.0001%). */
const ratio = (value: number) => round(value, 6);
