import type { MarginTiers, PopulationSpec, SimulationParams } from './params.ts';
import { liquidationPrice, maintenanceMargin, tierIndex } from './margin.ts';
import { SeededRandom } from './random.ts';

/**
 * N positions as parallel typed arrays (no per-position objects). Every position is an isolated
 * account: `equity` is its value at the start price p0 (margin plus unrealised PnL), `quantity` its
 * size in coins, `entry` its average entry price (only ADL ranking and PnL% use it).
 */
export interface Population {
  count: number;
  /** Positions [0, longCount) are longs, [longCount, count) shorts. */
  longCount: number;
  side: Int8Array;
  quantity: Float64Array;
  equity: Float64Array;
  entry: Float64Array;
  liquidationPrice: Float64Array;
  /** Longs that can be liquidated, highest liquidation price first (the order a falling price reaches them). */
  longOrder: Int32Array;
  /** Shorts that can be liquidated, lowest liquidation price first. */
  shortOrder: Int32Array;
  /**
   * Net coins held by the rest of the market (outside the sample) so that longs and shorts balance:
   * perpetuals are zero-sum only when open interest is matched.
   */
  outsideQuantity: number;
}

/** Liquidation prices are ordered to 1e-7 of the start price. */
const KEY_SCALE = 1e7;

interface BucketTable {
  mu: number;
  sigma: number;
  cumulative: Float64Array;
  logMin: Float64Array;
  logSpan: Float64Array;
  total: number;
  last: number;
}

/**
 * Bucket shares are shares of open interest (notional), as the CEX figures are (contract- or
 * volume-weighted): an account falls in bucket k with probability ∝ share_k / mean leverage_k.
 */
function bucketTable(spec: PopulationSpec): BucketTable {
  const buckets = spec.leverageBuckets;
  const cumulative = new Float64Array(buckets.length);
  const logMin = new Float64Array(buckets.length);
  const logSpan = new Float64Array(buckets.length);
  let total = 0;
  buckets.forEach((bucket, k) => {
    const meanLeverage = bucket.max > bucket.min ? (bucket.max - bucket.min) / Math.log(bucket.max / bucket.min) : bucket.min;
    total += bucket.share / meanLeverage;
    cumulative[k] = total;
    logMin[k] = Math.log(bucket.min);
    logSpan[k] = Math.log(bucket.max / bucket.min);
  });
  return { mu: spec.equityLogMean, sigma: spec.equityLogSd, cumulative, logMin, logSpan, total, last: buckets.length - 1 };
}

/**
 * Draw the margin posted (USD), the leverage at entry and the entry price over the run-up.
 * Notional at the start price = margin × leverage × p0/entry; scaled later to the scenario's OI.
 * Longs fill slots from the front, shorts from the back: each side is one contiguous range
 * [0, longCount) and [longCount, n), so the per-wave scans over the winning side read memory in order.
 * `quantity` holds the leverage at entry for now. Returns [long notional, short notional, longCount].
 */
function drawPositions(
  n: number,
  random: SeededRandom,
  longShare: number,
  runUp: number,
  p0: number,
  maxLeverage: number,
  longTable: BucketTable,
  shortTable: BucketTable,
  side: Int8Array,
  quantity: Float64Array,
  equity: Float64Array,
  entry: Float64Array,
): [number, number, number] {
  let notionalLong = 0;
  let notionalShort = 0;
  let nextLongSlot = 0;
  let nextShortSlot = n - 1;
  for (let draw = 0; draw < n; draw++) {
    const s = random.uniform() < longShare ? 1 : -1;
    const i = s > 0 ? nextLongSlot++ : nextShortSlot--;
    side[i] = s;
    const table = s > 0 ? longTable : shortTable;
    const margin = Math.exp(table.mu + table.sigma * random.normal());
    const pick = random.uniform() * table.total;
    const cumulative = table.cumulative;
    let k = 0;
    while (k < table.last && cumulative[k] <= pick) k++;
    // Log-uniform within the bucket.
    const leverage = Math.min(maxLeverage, Math.exp(table.logMin[k] + table.logSpan[k] * random.uniform()));
    const opened = p0 * Math.exp(-runUp * random.uniform());
    equity[i] = margin;
    quantity[i] = leverage;
    entry[i] = opened;
    const notional = margin * leverage * (p0 / opened);
    if (s > 0) notionalLong += notional;
    else notionalShort += notional;
  }
  return [notionalLong, notionalShort, nextLongSlot];
}

/**
 * Scale the drawn margins to the scenario's open interest and turn leverage into coins, within the
 * venue's tiers; set each liquidation price (NaN when out of reach). Returns
 * [net coins of the sample, liquidatable longs, liquidatable shorts].
 */
function sizePositions(
  n: number,
  p0: number,
  tiers: MarginTiers,
  scaleLong: number,
  scaleShort: number,
  side: Int8Array,
  quantity: Float64Array,
  equity: Float64Array,
  entry: Float64Array,
  liq: Float64Array,
): [number, number, number] {
  let netQuantity = 0;
  let liquidatableLongs = 0;
  let liquidatableShorts = 0;
  for (let i = 0; i < n; i++) {
    const s = side[i];
    const margin = equity[i] * (s > 0 ? scaleLong : scaleShort);
    let leverage = quantity[i];
    // A position may not open above its tier's maximum leverage (large notionals sit in stricter tiers).
    const tierMax = tiers.maxLeverage[tierIndex(tiers, margin * leverage)];
    if (leverage > tierMax) leverage = tierMax;
    let opened = entry[i];
    let q = (margin * leverage) / opened;
    let e = margin + s * q * (p0 - opened);
    if (e <= maintenanceMargin(tiers, q * p0)) {
      // The run-up would already have liquidated it: keep the trader, opened at the top instead.
      opened = p0;
      entry[i] = p0;
      q = (margin * leverage) / p0;
      e = margin;
    }
    // Keep every position above maintenance at the start.
    while (maintenanceMargin(tiers, q * p0) > 0.9 * e) q *= 0.9;
    equity[i] = e;
    quantity[i] = q;
    netQuantity += s * q;
    const price = liquidationPrice(tiers, s, q, e, p0);
    liq[i] = price;
    if (price > p0 * 0.01 && price < p0 * 100) {
      if (s > 0) liquidatableLongs++;
      else liquidatableShorts++;
    } else liq[i] = Number.NaN;
  }
  return [netQuantity, liquidatableLongs, liquidatableShorts];
}

export function generatePopulation(params: SimulationParams, random = new SeededRandom(params.seed)): Population {
  const n = params.positions;
  const p0 = params.startPrice;
  const { tiers } = params;
  const side = new Int8Array(n);
  const quantity = new Float64Array(n);
  const equity = new Float64Array(n);
  const entry = new Float64Array(n);
  const liq = new Float64Array(n);

  const longTable = bucketTable(params.longPopulation);
  const shortTable = bucketTable(params.shortPopulation);
  const maxLeverage = tiers.maxLeverage[0];

  const [notionalLong, notionalShort, nextLongSlot] = drawPositions(n, random, params.longShare, params.runUp, p0, maxLeverage, longTable, shortTable, side, quantity, equity, entry);

  const scaleLong = notionalLong > 0 ? params.openInterestUsd / notionalLong : 0;
  const scaleShort = notionalShort > 0 ? params.openInterestUsd / notionalShort : 0;
  const [netQuantity, liquidatableLongs, liquidatableShorts] = sizePositions(n, p0, tiers, scaleLong, scaleShort, side, quantity, equity, entry, liq);

  // Order by liquidation price: key = round(price / p0 × 1e7) (< 1e9, fits 32 bits), sorted by a
  // stable radix sort, so equal keys keep index order (same order as a sort on key, index).
  const longKeys = new Uint32Array(liquidatableLongs);
  const shortKeys = new Uint32Array(liquidatableShorts);
  const longIndex = new Int32Array(liquidatableLongs);
  const shortIndex = new Int32Array(liquidatableShorts);
  let l = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const price = liq[i];
    if (Number.isNaN(price)) continue;
    const key = Math.round((price / p0) * KEY_SCALE);
    if (side[i] > 0) {
      longKeys[l] = key;
      longIndex[l++] = i;
    } else {
      shortKeys[s] = key;
      shortIndex[s++] = i;
    }
  }
  // Longs: highest liquidation price first (equal prices: higher index first); shorts: lowest first.
  const longOrder = radixOrder(longKeys, longIndex).reverse();
  const shortOrder = radixOrder(shortKeys, shortIndex);

  return { count: n, longCount: nextLongSlot, side, quantity, equity, entry, liquidationPrice: liq, longOrder, shortOrder, outsideQuantity: -netQuantity };
}

/** `indices` ordered by `keys` ascending, stable (LSD radix sort, three 11-bit passes: small count tables stay in cache). */
export function radixOrder(keys: Uint32Array, indices: Int32Array): Int32Array {
  const n = keys.length;
  const counts = new Int32Array(2048);
  const keys2 = new Uint32Array(n);
  const indices2 = new Int32Array(n);
  radixPass(keys, indices, keys2, indices2, 0, counts);
  radixPass(keys2, indices2, keys, indices, 11, counts);
  radixPass(keys, indices, keys2, indices2, 22, counts);
  return indices2;
}

function radixPass(fromKeys: Uint32Array, fromIndex: Int32Array, toKeys: Uint32Array, toIndex: Int32Array, shift: number, counts: Int32Array): void {
  const n = fromKeys.length;
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[(fromKeys[k] >>> shift) & 0x7ff]++;
  let total = 0;
  for (let d = 0; d < 2048; d++) {
    const c = counts[d];
    counts[d] = total;
    total += c;
  }
  for (let k = 0; k < n; k++) {
    const key = fromKeys[k];
    const slot = counts[(key >>> shift) & 0x7ff]++;
    toKeys[slot] = key;
    toIndex[slot] = fromIndex[k];
  }
}
