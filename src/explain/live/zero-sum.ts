import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { formatLeverage, formatNumber, formatUsd } from '../../core/numbers.ts';

/**
 * A two-trader ledger for the `zero-sum` walkthrough: one long, one short, the same size,
 * the same entry. A perpetual holds no coins, so the only money in the market is the two
 * margins (the pool); a price move shifts money from one side to the other and the PnL
 * always sums to zero. When the price gaps past the long's bankruptcy price, the long's
 * loss is larger than its margin and the pool cannot pay the short in full: the gap is the
 * deficit that the insurance fund or ADL must cover.
 *
 * Linear (USDT-margined) PnL: long = size × (price − entry), short = size × (entry − price).
 * Bankruptcy price of an isolated long without fees = entry − margin / size, the "0% margin
 * price level" (Bybit: https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract).
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

export interface LedgerOutcome {
  pool: Decimal;
  longLeverage: Decimal;
  shortLeverage: Decimal;
  calm: { longPnl: Decimal; shortPnl: Decimal; pnlSum: Decimal; longEquity: Decimal; shortEquity: Decimal };
  gap: { longPnl: Decimal; shortPnl: Decimal; pnlSum: Decimal; longEquity: Decimal; shortEquity: Decimal; owedToShort: Decimal };
  longBankruptcyPrice: Decimal;
  /** What the pool is missing after the gap: the long's negative equity. */
  deficit: Decimal;
  /** The short closed by ADL at the long's bankruptcy price. */
  adl: { shortPnl: Decimal; shortEquity: Decimal; haircut: Decimal };
}

export function settleLedger(ledger: TwoTraderLedger): LedgerOutcome {
  const { entry, size, longMargin, shortMargin, calmPrice, gapPrice } = ledger;
  const notional = entry.times(size);
  const pool = longMargin.plus(shortMargin);
  const pnlAt = (price: Decimal) => {
    const longPnl = price.minus(entry).times(size);
    const shortPnl = entry.minus(price).times(size);
    return { longPnl, shortPnl, pnlSum: longPnl.plus(shortPnl), longEquity: longMargin.plus(longPnl), shortEquity: shortMargin.plus(shortPnl) };
  };
  const calm = pnlAt(calmPrice);
  const gapMove = pnlAt(gapPrice);
  const longBankruptcyPrice = entry.minus(longMargin.div(size));
  const deficit = Decimal.max(gapMove.longEquity.negated(), 0);
  const adlShortPnl = entry.minus(longBankruptcyPrice).times(size);
  const adlShortEquity = shortMargin.plus(adlShortPnl);
  return {
    pool,
    longLeverage: notional.div(longMargin),
    shortLeverage: notional.div(shortMargin),
    calm,
    gap: { ...gapMove, owedToShort: gapMove.shortEquity },
    longBankruptcyPrice,
    deficit,
    adl: { shortPnl: adlShortPnl, shortEquity: adlShortEquity, haircut: gapMove.shortPnl.minus(adlShortPnl) },
  };
}

export const live: LiveValues = (lang) => {
  const ledger = EXAMPLE_LEDGER;
  const outcome = settleLedger(ledger);
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
    longBankruptcyPrice: usd(outcome.longBankruptcyPrice),
    gapPrice: usd(ledger.gapPrice),
    gapLongPnl: signedUsd(outcome.gap.longPnl),
    gapLongEquity: usd(outcome.gap.longEquity),
    gapShortPnl: signedUsd(outcome.gap.shortPnl),
    gapShortEquity: usd(outcome.gap.shortEquity),
    deficit: usd(outcome.deficit),
    adlShortPnl: signedUsd(outcome.adl.shortPnl),
    adlShortEquity: usd(outcome.adl.shortEquity),
    adlHaircut: usd(outcome.adl.haircut),
  };
};
