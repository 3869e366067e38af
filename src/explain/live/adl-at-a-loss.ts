import { Decimal } from 'decimal.js';
import { computeLiquidation } from '../../core/liquidation.ts';
import { formatLeverage, formatPercent, formatUsd } from '../../core/numbers.ts';
import type { LiveValues } from '../live-values.ts';
import { CRASH_FACTS } from './crash-2025-10-10.ts';
import { requirePrice } from './example-position.ts';

/**
 * "Can ADL close me at a loss?" On venues that close the ADL'd trader at the liquidated trader's
 * bankruptcy price (Binance, Bybit, BitMEX, dYdX), that price can lie beyond the ADL'd trader's own
 * entry. Illustrative positions (not market data), 1 BTC each on Binance BTCUSDT, isolated; the
 * bankrupt longs' bankruptcy prices come from the `/liq` calculator. The worst case opens the
 * bankrupt long at the cited 10 Oct 2025 high (CRASH_FACTS).
 */
export const ADL_LOSS_EXAMPLE = {
  bankruptLong: { entry: new Decimal(110_000), leverage: new Decimal(20) },
  readerShort: { entry: new Decimal(104_000), mark: new Decimal(100_000) },
  worst: {
    bankruptLong: { entry: CRASH_FACTS.btcHighUsd, leverage: new Decimal(50) },
    readerShort: { entry: new Decimal(110_000), mark: new Decimal(105_000) },
  },
  quantity: new Decimal(1),
} as const;

export function bankruptLongPrice(entry: Decimal, leverage: Decimal): Decimal {
  const result = computeLiquidation({ venue: 'binance', symbol: 'BTCUSDT', side: 'long', entryPrice: entry, quantity: ADL_LOSS_EXAMPLE.quantity, leverage });
  return requirePrice(result.bankruptcyPrice, 'bankruptcy price');
}

/** A short's PnL at a price. */
function shortPnl(entry: Decimal, price: Decimal): Decimal {
  return entry.minus(price).times(ADL_LOSS_EXAMPLE.quantity);
}

export function closeoutOutcome(bankrupt: { entry: Decimal; leverage: Decimal }, reader: { entry: Decimal; mark: Decimal }) {
  const closeout = bankruptLongPrice(bankrupt.entry, bankrupt.leverage);
  const atMark = shortPnl(reader.entry, reader.mark);
  const atCloseout = shortPnl(reader.entry, closeout);
  if (!atMark.gt(0) || !atCloseout.lt(0)) throw new Error('the adl-at-a-loss example expects a profit at the mark and a loss at the close-out');
  return { closeout, atMark, atCloseout, lossShare: atCloseout.negated().div(reader.entry.times(ADL_LOSS_EXAMPLE.quantity)) };
}

export const live: LiveValues = (lang) => {
  const { bankruptLong, readerShort, worst } = ADL_LOSS_EXAMPLE;
  const usd = (value: Decimal) => formatUsd(value, lang, value.isInteger() ? { decimals: 0 } : {});
  const signed = (value: Decimal) => formatUsd(value, lang, { signed: true, ...(value.isInteger() ? { decimals: 0 } : {}) });
  const example = closeoutOutcome(bankruptLong, readerShort);
  const worstCase = closeoutOutcome(worst.bankruptLong, worst.readerShort);
  return {
    bankrupt_entry: usd(bankruptLong.entry),
    bankrupt_leverage: formatLeverage(bankruptLong.leverage, lang),
    bankrupt_price: usd(example.closeout),
    short_entry: usd(readerShort.entry),
    short_mark: usd(readerShort.mark),
    pnl_at_mark: signed(example.atMark),
    pnl_at_closeout: signed(example.atCloseout),
    worst_bankrupt_entry: usd(worst.bankruptLong.entry),
    worst_bankrupt_leverage: formatLeverage(worst.bankruptLong.leverage, lang),
    worst_closeout: usd(worstCase.closeout),
    worst_short_entry: usd(worst.readerShort.entry),
    worst_short_mark: usd(worst.readerShort.mark),
    worst_pnl_at_mark: signed(worstCase.atMark),
    worst_pnl_at_closeout: signed(worstCase.atCloseout),
    worst_loss_share: formatPercent(worstCase.lossShare, lang, { decimals: 1 }),
  };
};
