import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { formatLeverage, formatNumber, formatUsd } from '../../core/numbers.ts';

/**
 * A two-trader ledger for the `zero-sum` walkthrough: one long, one short, the same size,
 * the same entry. A perpetual holds no coins, so the only money in the market is the two
 * margins (the pool); a price move shifts money from one side to the other and the PnL
 * always sums to zero. When the price gaps past the long's bankruptcy price, the long's
 * loss is larger than its margin and the pool cannot pay the short in full: the gap is the
 * deficit that the insurance fund or ADL must cover. The same arithmetic reproduces dYdX's
 * documented deleveraging example (see test/explain/live-zero-sum.test.ts).
 *
 * Linear (USDT-margined) PnL: long = size × (price − entry), short = size × (entry − price).
 * Bankruptcy price without fees: long = entry − margin / size, short = entry + margin / size,
 * the "0% margin price level" (Bybit: https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract).
 * An ADL'd short is closed at the bankrupt long's bankruptcy price (Binance:
 * https://www.binance.com/en/support/faq/360033525471).
 */
export interface TwoTraderLedger {
  entry: Decimal;
  size: Decimal;
  longMargin: Decimal;
  shortMargin: Decimal;
  /** An ordinary move: both traders stay solvent. */
  calmPrice: Decimal;
  /** A gap move past the long's bankruptcy price. */
  gapPrice: Decimal;
}

/** The example shown to readers: a 10x long against a 5x short on 0.1 BTC at $100,000. */
export const EXAMPLE_LEDGER: TwoTraderLedger = {
  entry: new Decimal(100_000),
  size: new Decimal('0.1'),
  longMargin: new Decimal(1_000),
  shortMargin: new Decimal(2_000),
  calmPrice: new Decimal(104_000),
  gapPrice: new Decimal(85_000),
};

export type Side = 'long' | 'short';

export interface LedgerOutcome {
  pool: Decimal;
  longLeverage: Decimal;
  shortLeverage: Decimal;
  calm: PriceOutcome;
  gap: PriceOutcome;
  /** The side whose equity went negative at the gap price (undefined if both stay solvent). */
  bankruptSide?: Side;
  /** Price at which the bankrupt side's equity is exactly zero. */
  bankruptcyPrice?: Decimal;
  /** What the pool is missing after the gap: the bankrupt side's negative equity. */
  deficit: Decimal;
  /** The winner closed by ADL at the bankrupt side's bankruptcy price. */
  adl?: { winnerPnl: Decimal; winnerEquity: Decimal; haircut: Decimal };
}

export interface PriceOutcome {
  longPnl: Decimal;
  shortPnl: Decimal;
  pnlSum: Decimal;
  longEquity: Decimal;
  shortEquity: Decimal;
}

export function settleLedger(ledger: TwoTraderLedger): LedgerOutcome {
  const { entry, size, longMargin, shortMargin, calmPrice, gapPrice } = ledger;
  const notional = entry.times(size);
  const longPnlAt = (price: Decimal) => price.minus(entry).times(size);
  const outcomeAt = (price: Decimal): PriceOutcome => {
    const longPnl = longPnlAt(price);
    const shortPnl = longPnl.negated();
    return { longPnl, shortPnl, pnlSum: longPnl.plus(shortPnl), longEquity: longMargin.plus(longPnl), shortEquity: shortMargin.plus(shortPnl) };
  };
  const calm = outcomeAt(calmPrice);
  const gap = outcomeAt(gapPrice);
  const base = {
    pool: longMargin.plus(shortMargin),
    longLeverage: notional.div(longMargin),
    shortLeverage: notional.div(shortMargin),
    calm,
    gap,
  };
  const bankruptSide: Side | undefined = gap.longEquity.isNegative() ? 'long' : gap.shortEquity.isNegative() ? 'short' : undefined;
  if (bankruptSide === undefined) return { ...base, deficit: new Decimal(0) };

  const bankruptcyPrice = bankruptSide === 'long' ? entry.minus(longMargin.div(size)) : entry.plus(shortMargin.div(size));
  const deficit = (bankruptSide === 'long' ? gap.longEquity : gap.shortEquity).negated();
  const atBankruptcy = outcomeAt(bankruptcyPrice);
  const winnerPnl = bankruptSide === 'long' ? atBankruptcy.shortPnl : atBankruptcy.longPnl;
  const winnerEquity = bankruptSide === 'long' ? atBankruptcy.shortEquity : atBankruptcy.longEquity;
  const winnerPnlAtGap = bankruptSide === 'long' ? gap.shortPnl : gap.longPnl;
  return { ...base, bankruptSide, bankruptcyPrice, deficit, adl: { winnerPnl, winnerEquity, haircut: winnerPnlAtGap.minus(winnerPnl) } };
}

export const live: LiveValues = (lang) => {
  const ledger = EXAMPLE_LEDGER;
  const outcome = settleLedger(ledger);
  if (outcome.bankruptSide !== 'long' || !outcome.bankruptcyPrice || !outcome.adl) {
    throw new Error('the zero-sum walkthrough expects its example long to go bankrupt at the gap price');
  }
  const usd = (value: Decimal) => formatUsd(value, lang, { decimals: 0 });
  const signedUsd = (value: Decimal) => formatUsd(value, lang, { decimals: 0, signed: true });
  return {
    entry: usd(ledger.entry),
    size: formatNumber(ledger.size, lang),
    longMargin: usd(ledger.longMargin),
    shortMargin: usd(ledger.shortMargin),
    longLeverage: formatLeverage(outcome.longLeverage, lang),
    shortLeverage: formatLeverage(outcome.shortLeverage, lang),
    pool: usd(outcome.pool),
    calmPrice: usd(ledger.calmPrice),
    calmLongPnl: signedUsd(outcome.calm.longPnl),
    calmShortPnl: signedUsd(outcome.calm.shortPnl),
    calmPnlSum: usd(outcome.calm.pnlSum),
    calmLongEquity: usd(outcome.calm.longEquity),
    calmShortEquity: usd(outcome.calm.shortEquity),
    longBankruptcyPrice: usd(outcome.bankruptcyPrice),
    gapPrice: usd(ledger.gapPrice),
    gapLongPnl: signedUsd(outcome.gap.longPnl),
    gapLongEquity: usd(outcome.gap.longEquity),
    gapShortPnl: signedUsd(outcome.gap.shortPnl),
    gapShortEquity: usd(outcome.gap.shortEquity),
    deficit: usd(outcome.deficit),
    adlShortPnl: signedUsd(outcome.adl.winnerPnl),
    adlShortEquity: usd(outcome.adl.winnerEquity),
    adlHaircut: usd(outcome.adl.haircut),
  };
};
