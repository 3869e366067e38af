import { Decimal } from 'decimal.js';
import { CalculationInputError } from './errors.ts';
import { bankruptcyPriceOf } from './liquidation.ts';
import { resolvePosition, unrealizedPnl, type PositionInput, type Side } from './position.ts';
import { populationParameters, referenceMembers, regimeFor } from './adl-population.ts';
import { tierFor, venueAssumptionIds, type AdlFormula, type CloseoutRule, type SymbolRules, type Tier, type VenueId, type VenueRules } from './venues.ts';

/**
 * Where a position sits in a venue's auto-deleveraging (ADL) queue.
 *
 * Scores follow each venue's published formula (sources in data/venues/*.json). The
 * queue itself is not public anywhere, so the percentile is an estimate against a seeded
 * reference population (data/adl/reference-population.json). Every result says so.
 */
export interface AdlInput extends PositionInput {
  markPrice: Decimal;
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
  /** uPnL / initial margin (return on margin). */
  pnlPct: Decimal;
  /** Price change since entry in the position's favour (fraction). */
  priceChangePct: Decimal;
  /** Position value at mark / (collateral + uPnL). */
  effectiveLeverage: Decimal | null;
  leverage: Decimal;
  advice: AdlAdvice[];
  assumptions: string[];
  source: string;
  populationSize: number;
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
 * score = PnL% × margin ratio. https://www.binance.com/hi/amp/support/faq/360033525471
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
 * https://www.bitmex.com/app/adl (text copied at https://support.poloniex.com/hc/en-us/articles/6670657448215)
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
 * (https://www.ouyizh.biz/en-sg/help/iv-introduction-to-auto-deleveraging-adl). OKX defines neither term:
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
      // https://www.binance.com/hi/amp/support/faq/360033525471
      return binanceLeveragePnl(s);
    case 'bitmex-pnl-leverage':
      // BitMEX https://www.bitmex.com/app/adl. Also Bybit's stand-in: Bybit ranks by "leveraged return rate"
      // without publishing the formula (https://bybits.org/zh-TW/help-center/article/Auto-Deleveraging-ADL,
      // assumption bybit-adl-formula-stand-in).
      return bitmexPnlLeverage(s);
    case 'okx-leverage-pnl':
      // https://www.ouyizh.biz/en-sg/help/iv-introduction-to-auto-deleveraging-adl (assumption okx-adl-definitions)
      return okxLeveragePnl(s);
    case 'hyperliquid-index':
      // https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging (shorts: assumption hyperliquid-short-side-adjusted)
      return hyperliquidIndex(s);
    case 'random':
      return null;
  }
}

/** Maintenance margin at a position value, with the venue's tier table and boundary rule (Binance's margin ratio needs it). */
function maintenanceAt(venue: VenueRules, rules: SymbolRules, notional: number, override?: Tier): number {
  const tiers = rules.tiers;
  const tier = override ?? tierFor(rules, new Decimal(notional)) ?? tiers[tiers.length - 1];
  const whole = venue.liquidation.maintenanceModel === 'whole-position' && !override;
  return notional * tier.mmr.toNumber() - (whole ? 0 : tier.maintenanceAmount.toNumber());
}

const sortedScores = new Map<string, Float64Array>();

/**
 * Scores of the reference population's positions on one side, under a venue's formula and
 * table, sorted ascending (cached). Queues are per side: a short only competes with shorts.
 */
export function referenceScores(venue: VenueRules, rules: SymbolRules, sign: 1 | -1): Float64Array {
  const key = `${venue.id}:${rules.table}:${sign}`;
  const cached = sortedScores.get(key);
  if (cached) return cached;
  const members = referenceMembers(regimeFor(venue.id)).filter((m) => m.sign === sign);
  const maxLeverage = rules.tiers[0].maxLeverage.toNumber();
  const scores = new Float64Array(members.length);
  members.forEach((m, i) => {
    const leverage = Math.min(m.leverage, maxLeverage);
    const entryPrice = 100;
    const notional = m.equity * leverage;
    const quantity = notional / entryPrice;
    // A short cannot gain more than the whole price: keep the mark above zero.
    const move = m.sign === -1 ? Math.min(m.roe / leverage, 0.95) : m.roe / leverage;
    const markPrice = entryPrice * (1 + m.sign * move);
    scores[i] = adlScore(venue.adl.formula, {
      sign: m.sign,
      quantity,
      entryPrice,
      markPrice,
      collateral: m.equity,
      maintenanceMargin: maintenanceAt(venue, rules, quantity * markPrice),
    }) ?? 0;
  });
  scores.sort();
  sortedScores.set(key, scores);
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
  const p = resolvePosition(input);
  const venue = p.venue;
  const mark = p.markPrice;
  const pnl = unrealizedPnl(p, mark);
  const collateral = p.collateral.plus(p.otherUnrealizedPnl);
  const equity = collateral.plus(pnl);
  const bankruptcy = bankruptcyPriceOf(p);
  if (equity.lte(0)) throw new CalculationInputError('past-bankruptcy', { mark: mark.toString(), bankruptcy: bankruptcy.toDecimalPlaces(2).toString() });
  const assumptions = [...venueAssumptionIds(venue, 'adl', p.rules), ...p.assumptions.filter((id) => id !== 'cross-others-fixed'), 'percentile-estimate'];

  const base = {
    venue: venue.id,
    symbol: p.rules.symbol,
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
    priceChangePct: mark.minus(p.entryPrice).div(p.entryPrice).times(p.sign),
    effectiveLeverage: p.quantity.times(mark).div(equity),
    leverage: p.leverage,
    source: venue.adl.source,
    populationSize: referenceMembers(regimeFor(venue.id)).filter((m) => m.sign === p.sign).length,
  };

  if (!venue.adl.ranked) {
    return { ...base, ranked: false, score: null, percentile: null, lights: null, advice: [{ kind: 'not-ranked' }], assumptions: [...venueAssumptionIds(venue, 'adl', p.rules), 'dydx-random'] };
  }

  const override = p.overrideTier;
  const state = (quantity: number, collateralValue: number): ScoreState => ({
    sign: p.sign,
    quantity,
    entryPrice: p.entryPrice.toNumber(),
    markPrice: mark.toNumber(),
    collateral: collateralValue,
    maintenanceMargin: maintenanceAt(venue, p.rules, quantity * mark.toNumber(), override),
  });
  const scoreOf = (s: ScoreState) => adlScore(venue.adl.formula, s) ?? 0;
  const population = referenceScores(venue, p.rules, p.sign);
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
