import type { SimulationParams } from './params.ts';
import type { SeededRandom } from './random.ts';

/**
 * Each market's mark price, step by step: the published shape (start → a share of the fall by the
 * steep start → the sourced low → the partial recovery at the end), linear in log price between
 * those anchors, plus mean-reverting noise (calmer before the steep fall) and, in the steep fall,
 * occasional one-step jumps down. The path never goes below the sourced low: no wick that
 * no source supports. The path is the observed one, the cascade already in it, so liquidations do not
 * move it; their orders pay the book's impact instead (waterfall.ts).
 *
 * prices[m][t] is market m's mark after step t (t = 0 … steps; 0 is the start).
 */
export interface MarketPaths {
  steps: number;
  prices: Float64Array[];
  /** Blocks of BLOCK steps: each market's lowest and highest price in the block (for the trigger search). */
  blockLow: Float64Array[];
  blockHigh: Float64Array[];
  /** The lowest and highest price from block b to the end. */
  aheadLow: Float64Array[];
  aheadHigh: Float64Array[];
}

export const BLOCK = 16;
/** Share of the noise left after one step: deviations last a few steps, then fade. */
const NOISE_MEMORY = 0.8;

export function marketPaths(params: SimulationParams, random: SeededRandom): MarketPaths {
  const steps = params.steps;
  const minutesPerStep = params.minutes / steps;
  const prices: Float64Array[] = [];
  const blockLow: Float64Array[] = [];
  const blockHigh: Float64Array[] = [];
  const aheadLow: Float64Array[] = [];
  const aheadHigh: Float64Array[] = [];
  const blocks = Math.ceil((steps + 1) / BLOCK);
  const jumpChance = params.jumpsPerMinute * minutesPerStep;
  const rampOf = (minute: number) => Math.min(1, Math.max(0, (minute - params.steepFromMinute) / params.noiseRampMinutes));
  for (const market of params.markets) {
    const logStart = Math.log(market.startPrice);
    const logLow = logStart + Math.log(market.low);
    const logEnd = logStart + Math.log(market.end);
    const logSteep = logStart + params.preShare * (logLow - logStart);
    const anchors: Array<[number, number]> = [
      [0, logStart],
      [params.steepFromMinute, logSteep],
      [params.lowAtMinute, logLow],
      [params.minutes, logEnd],
    ];
    const path = new Float64Array(steps + 1);
    let noise = 0;
    const spread = market.noisePerStep;
    for (let t = 0; t <= steps; t++) {
      const minute = t * minutesPerStep;
      let k = 0;
      while (k < anchors.length - 2 && anchors[k + 1][0] <= minute) k++;
      const [m0, p0] = anchors[k];
      const [m1, p1] = anchors[k + 1];
      const trend = m1 > m0 ? p0 + (p1 - p0) * Math.min(1, Math.max(0, (minute - m0) / (m1 - m0))) : p1;
      // Before the steep fall the tape is calmer (a share of the crash's noise); in the fall the noise
      // (and the chance of a jump) builds up over `noiseRampMinutes`.
      const scale = params.calmNoiseShare + (1 - params.calmNoiseShare) * rampOf(minute);
      noise = t === 0 ? 0 : NOISE_MEMORY * noise + spread * scale * random.normal();
      // In the steep fall, now and then the oracle jumps down in one step (the bursts of liquidations in
      // one second that Hyperliquid's record shows); the noise's memory fades it like any other move.
      const falling = minute >= params.jumpsFromMinute && minute < params.lowAtMinute;
      if (falling && random.uniform() < jumpChance * rampOf(minute)) noise -= market.jumpSize * (0.5 + random.uniform());
      path[t] = Math.exp(Math.max(logLow, trend + noise));
    }
    const low = new Float64Array(blocks);
    const high = new Float64Array(blocks);
    for (let b = 0; b < blocks; b++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let t = b * BLOCK; t < Math.min(steps + 1, (b + 1) * BLOCK); t++) {
        if (path[t] < lo) lo = path[t];
        if (path[t] > hi) hi = path[t];
      }
      low[b] = lo;
      high[b] = hi;
    }
    const lowAhead = new Float64Array(blocks);
    const highAhead = new Float64Array(blocks);
    for (let b = blocks - 1; b >= 0; b--) {
      lowAhead[b] = b === blocks - 1 ? low[b] : Math.min(low[b], lowAhead[b + 1]);
      highAhead[b] = b === blocks - 1 ? high[b] : Math.max(high[b], highAhead[b + 1]);
    }
    prices.push(path);
    blockLow.push(low);
    blockHigh.push(high);
    aheadLow.push(lowAhead);
    aheadHigh.push(highAhead);
  }
  return { steps, prices, blockLow, blockHigh, aheadLow, aheadHigh };
}
