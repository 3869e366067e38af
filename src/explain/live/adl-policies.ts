import { Decimal } from 'decimal.js';
import type { Lang } from '../../chat/command.ts';
import type { LiveValues } from '../live-values.ts';
import { formatNumber, formatPercent } from '../../core/numbers.ts';

/**
 * Queue vs pro-rata on the toy vector of T. Chitra, "Autodeleveraging: Impossibilities and
 * Optimization", arXiv:2512.01112 (https://arxiv.org/abs/2512.01112), model in
 * github.com/pluriholonomic/autodeleveraging-analysis paper/main_corrected.tex.
 *
 * Notation of the paper: equities e, positive PnL w (what a haircut can take), losers'
 * deficit D = Σ(−e)₊, severity θ, budget B = θ·D. A haircut h_i ∈ [0, 1] takes h_i·w_i from
 * winner i, and Σ h_i·w_i = B.
 * - Queue: walk the winners in score order σ, take whole PnL while the budget lasts, the
 *   marginal one partially, nobody after.
 * - Wealth pro-rata: the same h = B / Σw for every winner.
 */
export interface AdlToyVector {
  equities: readonly Decimal[];
  pnls: readonly Decimal[];
  severity: Decimal;
  /** Queue order, 0-based indices, front of the queue first (the paper's σ). */
  queueOrder: readonly number[];
}

/**
 * The paper's toy: e = (10, 5, 1, −3, −12), w = (8, 4, 0.5, 0, 0), θ = ½, σ = (2, 1, 3)
 * (1-based: its profit-and-leverage score puts winner 2 ahead of winner 1).
 * Documented results: queue h = (0.4375, 1, 0, 0, 0), e′ = (6.5, 1, 1, −3, −12);
 * pro-rata h = 0.6, e′ = (5.2, 2.6, 0.7, −3, −12).
 */
export const PAPER_TOY_VECTOR: AdlToyVector = {
  equities: [10, 5, 1, -3, -12].map((value) => new Decimal(value)),
  pnls: [8, 4, '0.5', 0, 0].map((value) => new Decimal(value)),
  severity: new Decimal('0.5'),
  queueOrder: [1, 0, 2],
};

export interface HaircutResult {
  haircuts: Decimal[];
  taken: Decimal[];
  equitiesAfter: Decimal[];
  /** Largest share of a winner's equity taken (h_i·w_i / e_i), the paper's max-% metric. */
  largestEquityShare: Decimal;
  winnersTouched: number;
}

export interface PolicyComparison {
  deficit: Decimal;
  budget: Decimal;
  pnlTotal: Decimal;
  queue: HaircutResult;
  proRata: HaircutResult & { rate: Decimal };
}

/** D = Σ(−e)₊ over the losers. */
export function deficitOf(equities: readonly Decimal[]): Decimal {
  return equities.reduce((sum, e) => (e.isNegative() ? sum.minus(e) : sum), new Decimal(0));
}

function summarise(vector: AdlToyVector, haircuts: Decimal[]): HaircutResult {
  const taken = haircuts.map((h, i) => h.times(vector.pnls[i]));
  const equitiesAfter = vector.equities.map((e, i) => e.minus(taken[i]));
  const shares = taken.map((amount, i) => (vector.equities[i].gt(0) ? amount.div(vector.equities[i]) : new Decimal(0)));
  return {
    haircuts,
    taken,
    equitiesAfter,
    largestEquityShare: Decimal.max(0, ...shares),
    winnersTouched: taken.filter((amount) => amount.gt(0)).length,
  };
}

/** Greedy queue: whole positions in order until the budget is met, the last one partially. */
export function queueHaircuts(vector: AdlToyVector, budget: Decimal): HaircutResult {
  const haircuts = vector.pnls.map(() => new Decimal(0));
  let remaining = budget;
  for (const index of vector.queueOrder) {
    if (remaining.lte(0)) break;
    const pnl = vector.pnls[index];
    if (pnl.lte(0)) continue;
    const amount = Decimal.min(pnl, remaining);
    haircuts[index] = amount.div(pnl);
    remaining = remaining.minus(amount);
  }
  return summarise(vector, haircuts);
}

/** Wealth pro-rata: h = B / Σw (capped at 1) for every winner with positive PnL. */
export function proRataHaircuts(vector: AdlToyVector, budget: Decimal): HaircutResult & { rate: Decimal } {
  const pnlTotal = vector.pnls.reduce((sum, w) => (w.gt(0) ? sum.plus(w) : sum), new Decimal(0));
  const rate = pnlTotal.isZero() ? new Decimal(0) : Decimal.min(1, budget.div(pnlTotal));
  const haircuts = vector.pnls.map((w) => (w.gt(0) ? rate : new Decimal(0)));
  return { ...summarise(vector, haircuts), rate };
}

export function comparePolicies(vector: AdlToyVector): PolicyComparison {
  const deficit = deficitOf(vector.equities);
  const budget = vector.severity.times(deficit);
  const pnlTotal = vector.pnls.reduce((sum, w) => (w.gt(0) ? sum.plus(w) : sum), new Decimal(0));
  return { deficit, budget, pnlTotal, queue: queueHaircuts(vector, budget), proRata: proRataHaircuts(vector, budget) };
}

/**
 * A vector as people read it: en `(6.5, 1, 1, -3, -12)`; vi `(6,5; 1; 1; -3; -12)` — in
 * Vietnamese the comma is the decimal mark, so items are separated by semicolons.
 */
export function formatVector(values: readonly Decimal[], lang: Lang): string {
  const separator = lang === 'vi' ? '; ' : ', ';
  return `(${values.map((value) => formatNumber(value, lang)).join(separator)})`;
}

/** Cited replay totals (USD), sums over out/policy_per_wave_metrics.csv of the paper's repository. */
export const REPLAY_PRODUCTION_HAIRCUT_USD = new Decimal('60108335.33');
export const REPLAY_NEEDED_HAIRCUT_USD = new Decimal('15079669.61');

export const live: LiveValues = (lang) => {
  const vector = PAPER_TOY_VECTOR;
  const result = comparePolicies(vector);
  const replayRatio = REPLAY_PRODUCTION_HAIRCUT_USD.div(REPLAY_NEEDED_HAIRCUT_USD);
  const arrow = ' → ';
  return {
    equities: formatVector(vector.equities, lang),
    pnls: formatVector(vector.pnls, lang),
    deficit: formatNumber(result.deficit, lang),
    severity: formatNumber(vector.severity, lang),
    budget: formatNumber(result.budget, lang),
    pnlTotal: formatNumber(result.pnlTotal, lang),
    queueOrder: vector.queueOrder.map((index) => String(index + 1)).join(arrow),
    queueHaircuts: formatVector(result.queue.haircuts, lang),
    queueEquitiesAfter: formatVector(result.queue.equitiesAfter, lang),
    queueLargestShare: formatPercent(result.queue.largestEquityShare, lang),
    queueWinnersTouched: String(result.queue.winnersTouched),
    proRataRate: formatPercent(result.proRata.rate, lang),
    proRataHaircuts: formatVector(result.proRata.haircuts, lang),
    proRataEquitiesAfter: formatVector(result.proRata.equitiesAfter, lang),
    proRataLargestShare: formatPercent(result.proRata.largestEquityShare, lang),
    proRataWinnersTouched: String(result.proRata.winnersTouched),
    replayRatio: formatNumber(replayRatio, lang, { decimals: 1 }),
  };
};
