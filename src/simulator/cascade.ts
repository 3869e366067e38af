import type { SimulationParams } from './params.ts';
import type { Population } from './population.ts';
import type { SeededRandom } from './random.ts';

/**
 * The price path with the liquidation cascade, computed once and shared by every ADL policy
 * (ADL happens off the book, so the policies do not move the price here).
 *
 * Each step: outside selling (drift + noise) moves the price to p'; every position whose
 * liquidation price p' crossed is liquidated; their market orders hit a book holding
 * `depth` USD per 1% of price, and depth thins as realised volatility rises
 * (depth0 / (1 + k·excess volatility), never below depthFloor × depth0). The net liquidation flow moves the price further
 * (impact = flow / (depth·100), as a log-return), the orders fill on average half-way,
 * and positions the impact pushed past their liquidation price go in the next step: the cascade.
 * Only `permanentImpactShare` of the impact stays in the price; the rest is a wick the book refills
 * (a share `1 − bookResilience` per step), so fills can land far below the bankruptcy price while
 * the price recovers part of the way, as on 10 Oct 2025 when venue lows differed by thousands of dollars.
 * The wick and the fills stay within `maxWick` of the index (below it when selling, above when buying).
 */
export interface Cascade {
  steps: number;
  /** markPrice[0] = start price; markPrice[t + 1] = mark (index) price after step t, permanent impact included. */
  markPrice: Float64Array;
  fillPrice: Float64Array;
  /** Local book price after step t's impact (index + the wick), bookPrice[0] = start price. */
  bookPrice: Float64Array;
  depth: Float64Array;
  liquidatedLongNotional: Float64Array;
  liquidatedShortNotional: Float64Array;
  /** Positions liquidated in step t are order[stepStart[t] … stepStart[t + 1]). */
  order: Int32Array;
  stepStart: Int32Array;
  /** Step at which each position was liquidated, or `steps` if never. */
  liquidationStep: Int32Array;
  liquidatedLongCount: number;
  liquidatedShortCount: number;
}

const MAX_IMPACT_PER_STEP = 0.3;
const VOLATILITY_MEMORY = 0.9;

export function runCascade(params: SimulationParams, population: Population, random: SeededRandom): Cascade {
  const steps = params.steps;
  const { quantity, liquidationPrice, longOrder, shortOrder } = population;
  const markPrice = new Float64Array(steps + 1);
  const fillPrice = new Float64Array(steps);
  const bookPriceAfter = new Float64Array(steps + 1);
  const depth = new Float64Array(steps);
  const liquidatedLongNotional = new Float64Array(steps);
  const liquidatedShortNotional = new Float64Array(steps);
  const order = new Int32Array(longOrder.length + shortOrder.length);
  const stepStart = new Int32Array(steps + 1);
  const liquidationStep = new Int32Array(population.count).fill(steps);

  const crashSteps = Math.max(1, Math.round(steps * params.crashShare));
  const crashDrift = Math.log(1 - params.drop) / crashSteps;
  const recoverySteps = steps - crashSteps;
  const recoveryDrift = recoverySteps > 0 ? (-Math.log(1 - params.drop) * params.recovery) / recoverySteps : 0;
  // Mean |return| of a calm step: E|N(0, σ)| = σ·√(2/π), plus the steady drift.
  const calmVolatility = params.noisePerStep * Math.sqrt(2 / Math.PI) + Math.abs(crashDrift);

  // Price = fundamental (outside flow + the permanent part of impact) + a transient wick that the
  // book refills: each step keeps `bookResilience` of it.
  let logFundamental = Math.log(params.startPrice);
  let transient = 0;
  let logPrice = logFundamental;
  // The depth collapse: for `collapseMinutes` around the peak, the book holds only `collapseDepth` of normal.
  const collapseStart = Math.round(steps * params.collapseAt);
  const collapseEnd = collapseStart + Math.round((params.collapseMinutes / params.minutes) * steps);
  let volatility = calmVolatility;
  const wickLimit = -Math.log(1 - params.maxWick);
  const wickFloor = 1 - params.maxWick;
  const wickCeiling = 1 / (1 - params.maxWick);
  let nextLong = 0;
  let nextShort = 0;
  let written = 0;
  let longCount = 0;
  let shortCount = 0;
  markPrice[0] = params.startPrice;
  bookPriceAfter[0] = params.startPrice;

  for (let t = 0; t < steps; t++) {
    stepStart[t] = written;
    // Outside selling accelerates towards the peak (weights 2(t + ½)/n², summing to 1 over the crash phase).
    const drift = t < crashSteps ? Math.log(1 - params.drop) * ((2 * (t + 0.5)) / (crashSteps * crashSteps)) : recoveryDrift;
    const outsideReturn = drift + params.noisePerStep * random.normal();
    logFundamental += outsideReturn;
    transient *= params.bookResilience;
    // Liquidations trigger on the mark price (index-based, so it ignores the local wick, as Binance's
    // "mark-price logic discounts abnormal spot ticks"); orders fill on the local book, wick included.
    const touched = Math.exp(logFundamental);
    const bookPrice = Math.exp(logFundamental + transient);

    let longQuantity = 0;
    while (nextLong < longOrder.length && liquidationPrice[longOrder[nextLong]] >= touched) {
      const i = longOrder[nextLong++];
      longQuantity += quantity[i];
      liquidationStep[i] = t;
      order[written++] = i;
      longCount++;
    }
    let shortQuantity = 0;
    while (nextShort < shortOrder.length && liquidationPrice[shortOrder[nextShort]] <= touched) {
      const i = shortOrder[nextShort++];
      shortQuantity += quantity[i];
      liquidationStep[i] = t;
      order[written++] = i;
      shortCount++;
    }

    const excess = Math.max(0, volatility / calmVolatility - 1);
    // The market's depth thins with volatility; the local book can also empty out (the collapse).
    const marketDepth = params.depthUsdPerPct * Math.max(params.depthFloor, 1 / (1 + params.depthVolatilitySensitivity * excess));
    const collapsing = t >= collapseStart && t < collapseEnd;
    const stepDepth = collapsing ? Math.min(marketDepth, params.depthUsdPerPct * params.collapseDepth) : marketDepth;
    const netSold = (longQuantity - shortQuantity) * touched;
    const direction = netSold > 0 ? -1 : 1;
    // Local walk down the book (fills, the wick) versus the lasting move of the index.
    const impact = Math.min(Math.abs(netSold) / (stepDepth * 100), MAX_IMPACT_PER_STEP);
    // The index is set across venues: its lasting move is measured against normal depth.
    const lastingImpact = Math.min((params.permanentImpactShare * Math.abs(netSold)) / (params.depthUsdPerPct * 100), MAX_IMPACT_PER_STEP);
    // The local book (the wick, and the fills) never strays more than maxWick from the index.
    const fill = Math.min(touched * wickCeiling, Math.max(touched * wickFloor, bookPrice * Math.exp((direction * impact) / 2)));
    logFundamental += direction * lastingImpact;
    transient = Math.min(wickLimit, Math.max(-wickLimit, transient + direction * Math.max(0, impact - lastingImpact)));
    const after = logFundamental;

    depth[t] = stepDepth;
    fillPrice[t] = fill;
    liquidatedLongNotional[t] = longQuantity * fill;
    liquidatedShortNotional[t] = shortQuantity * fill;
    // Volatility as the local book sees it: the index move plus the walk down the book.
    volatility = VOLATILITY_MEMORY * volatility + (1 - VOLATILITY_MEMORY) * (Math.abs(after - logPrice) + impact);
    logPrice = after;
    markPrice[t + 1] = Math.exp(logPrice);
    bookPriceAfter[t + 1] = Math.exp(logFundamental + transient);
  }
  stepStart[steps] = written;

  return {
    steps,
    markPrice,
    fillPrice,
    bookPrice: bookPriceAfter,
    depth,
    liquidatedLongNotional,
    liquidatedShortNotional,
    order: order.subarray(0, written),
    stepStart,
    liquidationStep,
    liquidatedLongCount: longCount,
    liquidatedShortCount: shortCount,
  };
}
