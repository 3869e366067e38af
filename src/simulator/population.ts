import { maintenanceMargin } from './margin.ts';
import type { PopulationSpec, SimulationParams } from './params.ts';
import { SeededRandom } from './random.ts';
import { Recycler } from './recycler.ts';

/**
 * Cross-margin accounts, each holding one or more positions in different markets, as parallel typed
 * arrays (no per-position objects). An account's equity is its cash plus the PnL of all its positions;
 * it is liquidated as a whole. Accounts are on one side (all long or all short): the crowded longs and
 * the shorts who win and get auto-deleveraged.
 *
 * Size: the modelled accounts stand for the venue's `referenceAccounts`; open interest (and every fund)
 * is divided by `scale` = referenceAccounts ÷ modelled accounts, so each account is as large as an
 * average account of the venue and a run of 50,000 tells the story of a run of 1,000,000.
 */
export interface Population {
  accountCount: number;
  positionCount: number;
  marketCount: number;
  /** referenceAccounts ÷ accountCount: multiply a modelled USD or account count by it to compare with the venue. */
  scale: number;
  accountSide: Int8Array;
  /** Positions of account a are [firstPosition[a], firstPosition[a + 1]). */
  firstPosition: Int32Array;
  /** 1 when the account holds a single position (its equity is its cash plus that position's PnL). */
  single: Uint8Array;
  /** Cash of each account at the start: its equity at the start prices minus the PnL of its positions. */
  cash: Float64Array;
  account: Int32Array;
  market: Uint8Array;
  side: Int8Array;
  quantity: Float64Array;
  entry: Float64Array;
  /** Per market and side (index 2m for longs, 2m + 1 for shorts): its positions, in index order. */
  positionsOf: Int32Array[];
  /** Per market: net coins held by the rest of the market (outside the sample), so every market is zero-sum. */
  outsideQuantity: Float64Array;
}

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
 * Bucket shares are shares of open interest (notional), as the published figures are: an account
 * falls in bucket k with probability ∝ share_k / mean leverage_k.
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

function drawLeverage(table: BucketTable, random: SeededRandom): number {
  const pick = random.uniform() * table.total;
  let k = 0;
  while (k < table.last && table.cumulative[k] <= pick) k++;
  // Log-uniform within the bucket.
  return Math.exp(table.logMin[k] + table.logSpan[k] * random.uniform());
}

/** Draw one account's markets (distinct, ∝ open-interest share) into `chosen`; returns how many. */
function drawMarkets(count: number, cumulativeShare: Float64Array, random: SeededRandom, chosen: Int32Array): number {
  const markets = cumulativeShare.length;
  const wanted = Math.min(count, markets);
  let taken = 0;
  while (taken < wanted) {
    const pick = random.uniform() * cumulativeShare[markets - 1];
    let m = 0;
    while (m < markets - 1 && cumulativeShare[m] <= pick) m++;
    let seen = false;
    for (let k = 0; k < taken; k++) if (chosen[k] === m) seen = true;
    if (!seen) chosen[taken++] = m;
  }
  return wanted;
}

/** The arrays dropped once the accounts are grouped go to `recycler` (the settlement's scratch takes them). */
export function generatePopulation(params: SimulationParams, random = new SeededRandom(params.seed), recycler = new Recycler()): Population {
  const positionCount = params.positions;
  const markets = params.markets;
  const marketCount = markets.length;
  const cumulativeShare = new Float64Array(marketCount);
  let shareTotal = 0;
  markets.forEach((market, m) => {
    shareTotal += market.openInterestShare;
    cumulativeShare[m] = shareTotal;
  });
  const perAccount = new Float64Array(params.positionsPerAccount.length);
  let perAccountTotal = 0;
  params.positionsPerAccount.forEach((p, k) => {
    perAccountTotal += p;
    perAccount[k] = perAccountTotal;
  });
  const longTable = bucketTable(params.longPopulation);
  const shortTable = bucketTable(params.shortPopulation);

  // Upper bound on the account count: every account holds at least one position.
  const accountSide = new Int8Array(positionCount);
  const firstPosition = new Int32Array(positionCount + 1);
  const equity = new Float64Array(positionCount);
  const market = new Uint8Array(positionCount);
  const side = new Int8Array(positionCount);
  const quantity = new Float64Array(positionCount);
  const entry = new Float64Array(positionCount);
  const notionalBySide = new Float64Array(2 * marketCount);
  const chosen = new Int32Array(marketCount);

  let a = 0;
  let i = 0;
  while (i < positionCount) {
    const s = random.uniform() < params.longShare ? 1 : -1;
    const table = s > 0 ? longTable : shortTable;
    const pickCount = random.uniform() * perAccountTotal;
    let count = 1;
    while (count < perAccount.length && perAccount[count - 1] <= pickCount) count++;
    count = drawMarkets(Math.min(count, positionCount - i), cumulativeShare, random, chosen);
    const accountEquity = Math.exp(table.mu + table.sigma * random.normal());
    let leverage = drawLeverage(table, random);
    // Cross margin: the account's leverage stays within the strictest of its markets.
    for (let k = 0; k < count; k++) leverage = Math.min(leverage, markets[chosen[k]].maxLeverage);
    accountSide[a] = s;
    equity[a] = accountEquity;
    firstPosition[a] = i;
    let weightSum = 0;
    for (let k = 0; k < count; k++) {
      const w = 0.2 + 0.8 * random.uniform();
      quantity[i + k] = w;
      weightSum += w;
    }
    for (let k = 0; k < count; k++) {
      const m = chosen[k];
      const spec = markets[m];
      const notional = (accountEquity * leverage * quantity[i + k]) / weightSum;
      market[i + k] = m;
      side[i + k] = s;
      entry[i + k] = spec.startPrice * Math.exp(spec.entrySpread * (2 * random.uniform() - 1));
      quantity[i + k] = notional / spec.startPrice;
      notionalBySide[2 * m + (s > 0 ? 0 : 1)] += notional;
    }
    i += count;
    a++;
  }
  const accountCount = a;
  firstPosition[accountCount] = positionCount;
  const scale = params.referenceAccounts / accountCount;

  // Every market and side holds exactly its share of the (scaled) open interest; margins follow the
  // positions, so each account keeps its drawn leverage.
  const targetOi = params.openInterestUsd / scale;
  const factor = new Float64Array(2 * marketCount);
  for (let m = 0; m < marketCount; m++) {
    for (let k = 0; k < 2; k++) {
      const drawn = notionalBySide[2 * m + k];
      factor[2 * m + k] = drawn > 0 ? (targetOi * markets[m].openInterestShare) / shareTotal / drawn : 0;
    }
  }
  const cash = new Float64Array(accountCount);
  const outsideQuantity = new Float64Array(marketCount);
  const counts = new Int32Array(2 * marketCount);
  for (let acc = 0; acc < accountCount; acc++) {
    const from = firstPosition[acc];
    const to = firstPosition[acc + 1];
    let notional = 0;
    let scaled = 0;
    for (let p = from; p < to; p++) {
      const m = market[p];
      const before = quantity[p] * markets[m].startPrice;
      notional += before;
      quantity[p] *= factor[2 * m + (side[p] > 0 ? 0 : 1)];
      scaled += quantity[p] * markets[m].startPrice;
    }
    const accountEquity = notional > 0 ? equity[acc] * (scaled / notional) : equity[acc];
    // Keep every account clear of maintenance at the start (an entry far from the price could
    // already have liquidated it: it opened at the start price instead), with room to spare: the
    // accounts at the edge went earlier in the cascade (`startMaintenanceShare`).
    for (let p = from; p < to; p++) {
      const spec = markets[market[p]];
      const pnl = side[p] * quantity[p] * (spec.startPrice - entry[p]);
      if (accountEquity - pnl <= 0 || pnl < -0.5 * accountEquity) entry[p] = spec.startPrice;
    }
    for (let attempt = 0; attempt < 40 && startMaintenance(params, market, quantity, from, to) > params.startMaintenanceShare * accountEquity; attempt++) {
      for (let p = from; p < to; p++) quantity[p] *= 0.9;
    }
    let pnl = 0;
    for (let p = from; p < to; p++) {
      const spec = markets[market[p]];
      pnl += side[p] * quantity[p] * (spec.startPrice - entry[p]);
      outsideQuantity[market[p]] -= side[p] * quantity[p];
      counts[2 * market[p] + (side[p] > 0 ? 0 : 1)]++;
    }
    cash[acc] = accountEquity - pnl;
  }
  // Accounts grouped by side and first market: the scans of one market's winners then read memory
  // mostly in order (every one-position account of that market and side is in one run).
  const ordered = groupAccounts(accountCount, firstPosition, market, side, accountSide, cash, quantity, entry, marketCount, recycler);
  recycler.release(quantity, entry, cash, market, side, equity, firstPosition, accountSide);
  const positionsOf = listPositions(ordered.market, ordered.side, counts, recycler);

  const single = recycler.uint8(accountCount);
  for (let acc = 0; acc < accountCount; acc++) single[acc] = ordered.firstPosition[acc + 1] - ordered.firstPosition[acc] === 1 ? 1 : 0;
  return {
    accountCount,
    positionCount,
    single,
    marketCount,
    scale,
    accountSide: ordered.accountSide,
    firstPosition: ordered.firstPosition,
    cash: ordered.cash,
    account: ordered.account,
    market: ordered.market,
    side: ordered.side,
    quantity: ordered.quantity,
    entry: ordered.entry,
    positionsOf,
    outsideQuantity,
  };
}

/** Per market and side (index 2m for longs, 2m + 1 for shorts), its positions in index order. */
function listPositions(market: Uint8Array, side: Int8Array, counts: Int32Array, recycler: Recycler): Int32Array[] {
  const lists: Int32Array[] = [];
  for (let k = 0; k < counts.length; k++) lists.push(recycler.int32(counts[k]));
  const filled = new Int32Array(counts.length);
  for (let p = 0; p < market.length; p++) {
    const k = 2 * market[p] + (side[p] > 0 ? 0 : 1);
    lists[k][filled[k]++] = p;
  }
  return lists;
}

/** The same accounts and positions, accounts in order of (first market, side) (a stable counting sort). */
function groupAccounts(
  accountCount: number,
  firstPosition: Int32Array,
  market: Uint8Array,
  side: Int8Array,
  accountSide: Int8Array,
  cash: Float64Array,
  quantity: Float64Array,
  entry: Float64Array,
  marketCount: number,
  recycler: Recycler,
) {
  const positionCount = firstPosition[accountCount];
  const groups = 2 * marketCount;
  const key = new Int32Array(accountCount);
  const start = new Int32Array(groups + 1);
  for (let a = 0; a < accountCount; a++) {
    const k = 2 * market[firstPosition[a]] + (accountSide[a] > 0 ? 0 : 1);
    key[a] = k;
    start[k + 1]++;
  }
  for (let k = 0; k < groups; k++) start[k + 1] += start[k];
  const order = new Int32Array(accountCount);
  for (let a = 0; a < accountCount; a++) order[start[key[a]]++] = a;
  const newSide = new Int8Array(accountCount);
  const newFirst = new Int32Array(accountCount + 1);
  const newCash = new Float64Array(accountCount);
  const newAccount = new Int32Array(positionCount);
  const newMarket = new Uint8Array(positionCount);
  const newPositionSide = new Int8Array(positionCount);
  const newQuantity = new Float64Array(positionCount);
  const newEntry = new Float64Array(positionCount);
  let p = 0;
  for (let a = 0; a < accountCount; a++) {
    const from = order[a];
    newSide[a] = accountSide[from];
    newCash[a] = cash[from];
    newFirst[a] = p;
    const last = firstPosition[from + 1];
    for (let q = firstPosition[from]; q < last; q++) {
      newAccount[p] = a;
      newMarket[p] = market[q];
      newPositionSide[p] = side[q];
      newQuantity[p] = quantity[q];
      newEntry[p] = entry[q];
      p++;
    }
  }
  newFirst[accountCount] = p;
  recycler.release(key, order);
  return {
    accountSide: newSide,
    firstPosition: newFirst,
    cash: newCash,
    account: newAccount,
    market: newMarket,
    side: newPositionSide,
    quantity: newQuantity,
    entry: newEntry,
  };
}

function startMaintenance(params: SimulationParams, market: Uint8Array, quantity: Float64Array, from: number, to: number): number {
  let total = 0;
  for (let p = from; p < to; p++) {
    const spec = params.markets[market[p]];
    total += maintenanceMargin(spec.tiers, quantity[p] * spec.startPrice);
  }
  return total;
}
