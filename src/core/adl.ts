import { Decimal } from 'decimal.js';
import { CalculationInputError } from './errors.ts';
import { bankruptcyPriceOf } from './liquidation.ts';
import { resolvePosition, unrealizedPnl, type PositionInput, type Side } from './position.ts';
import { referenceMembers, regimeFor } from './adl-population.ts';
import { tableUsed, type TableUsed } from './liquidation.ts';
import { userTierTable, type TierTable } from './tier-table.ts';
import { getVenue, normaliseSymbol, tierAtPrice, venueAssumptionIds, type AdlFormula, type CloseoutRule, type VenueId, type VenueRules } from './venues.ts';

/**
 * Where a position sits in a venue's auto-deleveraging (ADL) queue.
 *
 * Scores follow each venue's published formula (sources in data/venues/*.json). The
 * queue itself is not public anywhere, so the percentile is an estimate against a seeded
 * reference population (data/adl/reference-population.json). Every result says so.
 */
export interface AdlInput extends Omit<PositionInput, 'table'> {
  markPrice: Decimal;
  /**
   * The symbol's tier table. `null` ranks without one where the venue's score does not use the
   * maintenance margin (all but Binance): the max leverage is then not checked (assumption
   * adl-no-table). The walkthroughs use this; /adl-rank asks for the MMR instead.
   */
  table?: TierTable | null;
}

export type AdlAdvice =
  /** Add margin (isolated) or wallet balance (cross) so leverage falls to targetLeverage. */
  | { kind: 'add-margin'; addMargin: Decimal; targetLeverage: Decimal; lightsAfter: number }
  /** Close reducePct (fraction) of the position, leaving the margin in place. */
  | { kind: 'take-profit'; reducePct: Decimal; closeQuantity: Decimal; lightsAfter: number }
  /** A losing position: behind every profitable one. */
  | { kind: 'back-of-queue' }
  /** Already in the lowest light. */
  | { kind: 'already-lowest' }
  /** No margin or partial close within the searched range drops a light. */
  | { kind: 'no-change-found' }
  /** dYdX: random selection, nothing to rank. */
  | { kind: 'not-ranked' };

export interface AdlRankResult {
  venue: VenueId;
  symbol: string;
  side: Side;
  ranked: boolean;
  formula: AdlFormula;
  score: Decimal | null;
  /** Share of the reference population ranked behind this position (0–1); null when not ranked. */
  percentile: number | null;
  /** 1–5 (5 = front of the queue, first to be deleveraged); null when not ranked. */
  lights: number | null;
  estimate: true;
  closeoutRule: CloseoutRule;
  /** Known only for mark-price rules; for bankruptcy rules it is the liquidated counterparty's price. */
  closeoutPrice: Decimal | null;
  ownBankruptcyPrice: Decimal | null;
  markPrice: Decimal;
  entryPrice: Decimal;
  pnl: Decimal;
  /** uPnL / initial margin (return on margin, ROE). */
  pnlPct: Decimal;
  /**
   * uPnL / position value at mark: the unit the reference population's profit is given in, so the
   * position is placed among the reference members in that unit.
   */
  pnlToValue: Decimal;
  /** Price change since entry in the position's favour (fraction). */
  priceChangePct: Decimal;
  /** Position value at mark / (collateral + uPnL). */
  effectiveLeverage: Decimal | null;
  leverage: Decimal;
  advice: AdlAdvice[];
  assumptions: string[];
  source: string;
  populationSize: number;
  /** The tier table used (for the maintenance margin in Binance's score and the venue's max leverage); null when ranked without one. */
  table: TableUsed | null;
}

/** What every score needs, in plain numbers (the score is a ranking key, never money shown). */
export interface ScoreState {
  sign: 1 | -1;
  quantity: number;
  entryPrice: number;
  markPrice: number;
  /** Isolated margin, or wallet balance (+ other uPnL) in cross. */
  collateral: number;
  /** Maintenance margin at mark (Binance's margin ratio needs it). */
  maintenanceMargin: number;
}

/**
 * Binance LeveragePnL: PnL% = max(0, uPnL)/max(1, WB); margin ratio = MM/(WB + uPnL) (0 when ≤ 0);
 * score = PnL% × margin ratio. https://www.binance.com/en/support/faq/360033525471
 */
export function binanceLeveragePnl(s: ScoreState): number {
  const upnl = s.sign * s.quantity * (s.markPrice - s.entryPrice);
  const pnlPercent = Math.max(0, upnl) / Math.max(1, s.collateral);
  const equity = s.collateral + upnl;
  const marginRatio = equity <= 0 ? 0 : s.maintenanceMargin / equity;
  return pnlPercent * marginRatio;
}

/**
 * BitMEX: PnL% × effective leverage when in profit, PnL% ÷ effective leverage in loss, with
 * PnL% = (markValue − entryValue)/|entryValue| and effective leverage = |markValue|/(markValue − bankruptValue).
 * For a linear position markValue − bankruptValue is the equity (collateral + uPnL).
 * https://www.bitmex.com/app/adl
 */
export function bitmexPnlLeverage(s: ScoreState): number {
  const upnl = s.sign * s.quantity * (s.markPrice - s.entryPrice);
  const equity = s.collateral + upnl;
  const pnlPct = (s.sign * (s.markPrice - s.entryPrice)) / s.entryPrice;
  const effectiveLeverage = equity <= 0 ? Number.POSITIVE_INFINITY : (s.quantity * s.markPrice) / equity;
  return pnlPct > 0 ? pnlPct * effectiveLeverage : pnlPct / effectiveLeverage;
}

/**
 * OKX: "Positions in the ADL queue are ranked based on the leverage PnL% = position's PnL% × effective
 * leverage … positions with the highest positive leverage PnL% will be offsetted first"
 * (https://www.okx.com/help/iv-introduction-to-auto-deleveraging-adl). OKX defines neither term:
 * PnL% and effective leverage take BitMEX's definitions (assumption okx-adl-definitions). Unlike BitMEX
 * there is no separate rule for losses: the product is kept as written.
 */
export function okxLeveragePnl(s: ScoreState): number {
  const upnl = s.sign * s.quantity * (s.markPrice - s.entryPrice);
  const equity = s.collateral + upnl;
  const pnlPct = (s.sign * (s.markPrice - s.entryPrice)) / s.entryPrice;
  const effectiveLeverage = equity <= 0 ? Number.POSITIVE_INFINITY : (s.quantity * s.markPrice) / equity;
  return pnlPct * effectiveLeverage;
}

/**
 * Hyperliquid's documented index, literally: (mark/entry) × (notional/account value).
 * https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging
 */
export function hyperliquidDocumentedIndex(markPrice: number, entryPrice: number, notional: number, accountValue: number): number {
  return (markPrice / entryPrice) * (notional / accountValue);
}

/**
 * The side-symmetric form used for shorts: effective leverage × profit ratio, i.e.
 * (|notional| / account value) × (max(uPnL, 0) / entry notional), both factors floored at 1e-8.
 * Reverse-engineered from hl-node by Ottersec (https://osec.io/blog/2026-06-22-hyperliquid-risk-engine, 3rd-party);
 * the literal documented ratio mark/entry falls as a short's profit grows and would rank
 * profitable shorts last (adl-research-notes §3.1), which the 10 Oct 2025 fills contradict.
 */
export function hyperliquidShortIndex(s: ScoreState): number {
  const upnl = s.sign * s.quantity * (s.markPrice - s.entryPrice);
  const accountValue = s.collateral + upnl;
  if (accountValue <= 0) return Number.POSITIVE_INFINITY;
  const effectiveLeverage = Math.max((s.quantity * s.markPrice) / accountValue, 1e-8);
  const profitRatio = Math.max(Math.max(upnl, 0) / (s.quantity * s.entryPrice), 1e-8);
  return effectiveLeverage * profitRatio;
}

/** Hyperliquid as we rank it: the documented index for longs, the side-symmetric form for shorts. */
export function hyperliquidIndex(s: ScoreState): number {
  if (s.sign === -1) return hyperliquidShortIndex(s);
  const upnl = s.quantity * (s.markPrice - s.entryPrice);
  const accountValue = s.collateral + upnl;
  if (accountValue <= 0) return Number.POSITIVE_INFINITY;
  return hyperliquidDocumentedIndex(s.markPrice, s.entryPrice, s.quantity * s.markPrice, accountValue);
}

export function adlScore(formula: AdlFormula, s: ScoreState): number | null {
  switch (formula) {
    case 'binance-leverage-pnl':
      // https://www.binance.com/en/support/faq/360033525471
      return binanceLeveragePnl(s);
    case 'bitmex-pnl-leverage':
      // BitMEX https://www.bitmex.com/app/adl. Also Bybit's stand-in: Bybit ranks by "leveraged return rate"
      // without publishing the formula (https://www.bybit.com/en/help-center/article/Auto-Deleveraging-ADL,
      // assumption bybit-adl-formula-stand-in).
      return bitmexPnlLeverage(s);
    case 'okx-leverage-pnl':
      // https://www.okx.com/help/iv-introduction-to-auto-deleveraging-adl (assumption okx-adl-definitions)
      return okxLeveragePnl(s);
    case 'hyperliquid-index':
      // https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging (shorts: assumption hyperliquid-short-side-adjusted)
      return hyperliquidIndex(s);
    case 'random':
      return null;
  }
}

/**
 * Formulas whose venue ranks only positions in profit. Hyperliquid: "the affected users in profit" are
 * ranked (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging); its index alone would
 * put a losing long with high leverage ahead of a small winner, so the rule is applied on top of it.
 */
export const PROFIT_ONLY_FORMULAS: ReadonlySet<AdlFormula> = new Set(['hyperliquid-index']);

/** The key below every profitable position's: where unranked (losing) positions sit in a profit-only queue. */
export const BEHIND_EVERY_WINNER = -1;

/**
 * The queue key a venue sorts by (higher = closer to the front), as a pure number: the venue's score,
 * except that where only positions in profit are ranked a position with uPnL ≤ 0 gets
 * BEHIND_EVERY_WINNER, behind every winner, for longs and shorts alike. /adl-rank and /simulate both
 * order positions by this key. Null for venues that do not rank (dYdX).
 */
export function adlQueueKey(formula: AdlFormula, s: ScoreState): number | null {
  const score = adlScore(formula, s);
  if (score === null) return null;
  if (!PROFIT_ONLY_FORMULAS.has(formula)) return score;
  const upnl = s.sign * s.quantity * (s.markPrice - s.entryPrice);
  return upnl > 0 ? score : BEHIND_EVERY_WINNER;
}

/** Orders two positions as the queue does: negative when `a` is deleveraged before `b`. */
export function compareQueueKeys(a: number, b: number): number {
  return b - a;
}

/** Maintenance margin of `quantity` at `price` under the table (Binance's margin ratio needs it). */
function maintenanceAt(table: TierTable, quantity: number, price: number): number {
  const tier = tierAtPrice(table, new Decimal(quantity), new Decimal(price)) ?? table.tiers[table.tiers.length - 1];
  const whole = table.maintenanceModel === 'whole-position';
  return quantity * price * tier.mmr.toNumber() - (whole ? 0 : tier.maintenanceAmount.toNumber());
}

/** A member's mark price from its profit as a share of position value at mark (r = uPnL / (Q × mark)). */
function markFromProfitToValue(sign: 1 | -1, entryPrice: number, profitToValue: number): number {
  // Long: r = 1 − entry/mark → mark = entry/(1 − r) (r < 1). Short: r = entry/mark − 1 → mark = entry/(1 + r).
  return sign === 1 ? entryPrice / (1 - Math.min(profitToValue, 0.95)) : entryPrice / (1 + profitToValue);
}

const sortedScores = new WeakMap<TierTable, Map<string, Float64Array>>();

/**
 * Queue keys of the reference population's positions on one side, under a venue's formula and the
 * symbol's table, sorted ascending (cached per table). Queues are per side: a short only competes with
 * shorts. Winners are placed by their profit as a share of position value (the source's unit); losers
 * by their loss on margin.
 */
export function referenceScores(venue: VenueRules, table: TierTable, sign: 1 | -1): Float64Array {
  let byVenue = sortedScores.get(table);
  if (!byVenue) {
    byVenue = new Map();
    sortedScores.set(table, byVenue);
  }
  const key = `${venue.id}:${sign}`;
  const cached = byVenue.get(key);
  if (cached) return cached;
  const members = referenceMembers(regimeFor(venue.id)).filter((m) => m.sign === sign);
  const maxLeverage = table.tiers[0].maxLeverage?.toNumber() ?? Number.POSITIVE_INFINITY;
  const scores = new Float64Array(members.length);
  members.forEach((m, i) => {
    const leverage = Math.min(m.leverage, maxLeverage);
    const entryPrice = 100;
    const notional = m.equity * leverage;
    const quantity = notional / entryPrice;
    let markPrice: number;
    if (m.profitToValue !== null) {
      markPrice = markFromProfitToValue(m.sign, entryPrice, m.profitToValue);
    } else {
      // A losing member: its loss on margin spread over the leverage, kept short of bankruptcy.
      markPrice = entryPrice * (1 + m.sign * (m.lossOnMargin / leverage));
    }
    scores[i] = adlQueueKey(venue.adl.formula, {
      sign: m.sign,
      quantity,
      entryPrice,
      markPrice,
      collateral: m.equity,
      maintenanceMargin: maintenanceAt(table, quantity, markPrice),
    }) ?? 0;
  });
  scores.sort();
  byVenue.set(key, scores);
  return scores;
}

/** Share of the population strictly behind `score` (ties count as ahead: the cautious reading). */
export function percentileOf(scores: Float64Array, score: number): number {
  let low = 0;
  let high = scores.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (scores[mid] < score) low = mid + 1;
    else high = mid;
  }
  return low / scores.length;
}

/** 20% per light: [0, 0.2) → 1 … [0.8, 1] → 5. */
export function lightsFromPercentile(percentile: number): number {
  return Math.min(5, Math.floor(percentile * 5) + 1);
}

function closeoutFor(rule: CloseoutRule, markPrice: Decimal): Decimal | null {
  return rule === 'counterparty-bankruptcy' ? null : markPrice;
}

/** Smallest x in [0, high] with dropsLight(x), by bisection on a monotone predicate; null if high does not drop it. */
function smallestDrop(high: number, dropsLight: (x: number) => boolean, iterations = 60): number | null {
  if (!dropsLight(high)) return null;
  let low = 0;
  for (let i = 0; i < iterations; i++) {
    const mid = (low + high) / 2;
    if (dropsLight(mid)) high = mid;
    else low = mid;
  }
  return high;
}

export function computeAdlRank(input: AdlInput): AdlRankResult {
  if (input.markPrice === undefined) throw new CalculationInputError('not-positive', { field: 'mark', value: '' });
  const withoutTable = input.table === null;
  if (withoutTable && getVenue(input.venue).adl.formula === 'binance-leverage-pnl') {
    throw new CalculationInputError('table-missing', { venue: 'binance', symbol: normaliseSymbol(input.symbol ?? 'BTCUSDT') });
  }
  const p = resolvePosition(
    withoutTable
      ? // The score ignores the maintenance margin here: an open-ended table with no max leverage only carries the position.
        { ...input, table: { ...userTierTable(String(input.venue), normaliseSymbol(input.symbol ?? 'BTCUSDT'), new Decimal('0.0001')), venue: getVenue(input.venue).id } }
      : { ...input, table: input.table ?? undefined },
  );
  const venue = p.venue;
  const mark = p.markPrice;
  const pnl = unrealizedPnl(p, mark);
  const collateral = p.collateral.plus(p.otherUnrealizedPnl);
  const equity = collateral.plus(pnl);
  const bankruptcy = bankruptcyPriceOf(p);
  if (equity.lte(0)) throw new CalculationInputError('past-bankruptcy', { mark: mark.toString(), bankruptcy: bankruptcy.toDecimalPlaces(2).toString() });
  const assumptions = [
    ...venueAssumptionIds(venue, 'adl', p.table.source),
    ...p.assumptions.filter((id) => id !== 'cross-others-fixed' && !(withoutTable && id === 'overrides-used')),
    ...(withoutTable ? ['adl-no-table'] : []),
    'percentile-estimate',
  ];

  const base = {
    venue: venue.id,
    symbol: p.symbol,
    side: p.side,
    formula: venue.adl.formula,
    estimate: true as const,
    closeoutRule: venue.adl.closeout,
    closeoutPrice: closeoutFor(venue.adl.closeout, mark),
    ownBankruptcyPrice: bankruptcy.gt(0) ? bankruptcy : null,
    markPrice: mark,
    entryPrice: p.entryPrice,
    pnl,
    pnlPct: pnl.div(p.initialMargin),
    pnlToValue: pnl.div(p.quantity.times(mark)),
    priceChangePct: mark.minus(p.entryPrice).div(p.entryPrice).times(p.sign),
    effectiveLeverage: p.quantity.times(mark).div(equity),
    leverage: p.leverage,
    source: venue.adl.source,
    populationSize: referenceMembers(regimeFor(venue.id)).filter((m) => m.sign === p.sign).length,
    table: withoutTable ? null : tableUsed(p.table),
  };

  if (!venue.adl.ranked) {
    return { ...base, ranked: false, score: null, percentile: null, lights: null, advice: [{ kind: 'not-ranked' }], assumptions: [...venueAssumptionIds(venue, 'adl', p.table.source), 'dydx-random'] };
  }

  const state = (quantity: number, collateralValue: number): ScoreState => ({
    sign: p.sign,
    quantity,
    entryPrice: p.entryPrice.toNumber(),
    markPrice: mark.toNumber(),
    collateral: collateralValue,
    maintenanceMargin: maintenanceAt(p.table, quantity, mark.toNumber()),
  });
  const scoreOf = (s: ScoreState) => adlQueueKey(venue.adl.formula, s) ?? 0;
  const population = referenceScores(venue, p.table, p.sign);
  const q = p.quantity.toNumber();
  const c = collateral.toNumber();
  const score = scoreOf(state(q, c));
  const percentile = percentileOf(population, score);
  const lights = lightsFromPercentile(percentile);

  const advice: AdlAdvice[] = [];
  if (pnl.lte(0)) advice.push({ kind: 'back-of-queue' });
  if (lights === 1) {
    advice.push({ kind: 'already-lowest' });
  } else {
    const lightsFor = (s: ScoreState) => lightsFromPercentile(percentileOf(population, scoreOf(s)));
    const notional = p.notional.toNumber();
    const addMargin = smallestDrop(notional * 1000, (extra) => lightsFor(state(q, c + extra)) < lights);
    if (addMargin !== null) {
      // Round up to the cent so that the advice, taken literally, does drop the light.
      const extra = new Decimal(addMargin).toDecimalPlaces(2, Decimal.ROUND_UP);
      advice.push({
        kind: 'add-margin',
        addMargin: extra,
        targetLeverage: p.notional.div(p.collateral.plus(extra)),
        lightsAfter: lightsFor(state(q, c + extra.toNumber())),
      });
    }
    if (pnl.gt(0)) {
      const reduce = smallestDrop(0.99, (fraction) => lightsFor(state(q * (1 - fraction), c)) < lights);
      if (reduce !== null) {
        const fraction = new Decimal(reduce).toDecimalPlaces(4, Decimal.ROUND_UP);
        advice.push({
          kind: 'take-profit',
          reducePct: fraction,
          closeQuantity: p.quantity.times(fraction),
          lightsAfter: lightsFor(state(q * (1 - fraction.toNumber()), c)),
        });
      }
    }
    if (!advice.some((a) => a.kind === 'add-margin' || a.kind === 'take-profit')) advice.push({ kind: 'no-change-found' });
  }

  return {
    ...base,
    ranked: true,
    score: new Decimal(score.toPrecision(12)),
    percentile,
    lights,
    advice,
    assumptions: [...new Set(assumptions)],
  };
}

export interface QueueCandidate<Id> {
  id: Id;
  quantity: Decimal;
  score: number;
}

/**
 * Walks a ranked queue (highest score first) until `quantity` is matched: whole positions
 * are closed in order, the last one partially. Ties keep the given order. This is the fill
 * rule of BitMEX's ADL example (https://www.bitmex.com/app/adl).
 */
export function fillFromQueue<Id>(candidates: ReadonlyArray<QueueCandidate<Id>>, quantity: Decimal): Array<{ id: Id; quantity: Decimal }> {
  const ordered = candidates.map((c, order) => ({ c, order })).sort((a, b) => b.c.score - a.c.score || a.order - b.order);
  const fills: Array<{ id: Id; quantity: Decimal }> = [];
  let remaining = quantity;
  for (const { c } of ordered) {
    if (remaining.lte(0)) break;
    const take = Decimal.min(remaining, c.quantity);
    fills.push({ id: c.id, quantity: take });
    remaining = remaining.minus(take);
  }
  return fills;
}
