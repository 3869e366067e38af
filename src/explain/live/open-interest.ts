import { Decimal } from 'decimal.js';
import type { LiveValues } from '../live-values.ts';
import { formatNumber, formatPercent } from '../../core/numbers.ts';

/**
 * Open interest (OI) from a tiny trade ledger, for the `open-interest` walkthrough.
 * Every trade has a buyer and a seller; each side either opens or closes. OI is the size of
 * all open long positions, which always equals the size of all open short positions
 * (one-sided OI, as Binance and OKX report it). Bybit's `openInterest` field counts both
 * sides (https://bybit-exchange.github.io/docs/v5/market/open-interest), i.e. twice that.
 */
export interface OiTrade {
  buyer: string;
  seller: string;
  size: Decimal;
}

/** Signed positions after each trade, and the one-sided OI after each trade. */
export function openInterestAfterEachTrade(trades: readonly OiTrade[]): Decimal[] {
  const positions = new Map<string, Decimal>();
  const result: Decimal[] = [];
  for (const trade of trades) {
    positions.set(trade.buyer, (positions.get(trade.buyer) ?? new Decimal(0)).plus(trade.size));
    positions.set(trade.seller, (positions.get(trade.seller) ?? new Decimal(0)).minus(trade.size));
    const longs = [...positions.values()].reduce((sum, p) => (p.gt(0) ? sum.plus(p) : sum), new Decimal(0));
    const shorts = [...positions.values()].reduce((sum, p) => (p.lt(0) ? sum.minus(p) : sum), new Decimal(0));
    if (!longs.eq(shorts)) throw new Error('open longs and open shorts must be equal after every trade');
    result.push(longs);
  }
  return result;
}

/**
 * The example: 1) An opens a 2 BTC long, Binh opens a 2 BTC short (both open: OI up);
 * 2) Chi buys 1 BTC from An, who closes half (the position changes hands: OI unchanged);
 * 3) Binh buys 1 BTC back from Chi (both close: OI down).
 */
function dropOf(before: Decimal, after: Decimal): Decimal {
  return before.minus(after).div(before);
}

export const EXAMPLE_TRADES: readonly OiTrade[] = [
  { buyer: 'An', seller: 'Binh', size: new Decimal(2) },
  { buyer: 'Chi', seller: 'An', size: new Decimal(1) },
  { buyer: 'Binh', seller: 'Chi', size: new Decimal(1) },
];

/**
 * Bitcoin futures OI before and after 10 Oct 2025, per Glassnode data reported by CoinDesk
 * (15 Oct 2025, https://www.coindesk.com/markets/2025/10/15/crypto-native-traders-not-tradfi-drove-bitcoin-s-largest-deleveraging-event):
 * about $70B (560,000 BTC) → about $58B (481,000 BTC) in one day.
 */
export const CRASH_BTC_OPEN_INTEREST = {
  beforeUsd: new Decimal('70e9'),
  afterUsd: new Decimal('58e9'),
  beforeBtc: new Decimal(560_000),
  afterBtc: new Decimal(481_000),
} as const;

export const live: LiveValues = (lang) => {
  const [afterOpen, afterHandover, afterClose] = openInterestAfterEachTrade(EXAMPLE_TRADES);
  const btc = (value: Decimal) => `${formatNumber(value, lang)} BTC`;
  return {
    openSize: btc(EXAMPLE_TRADES[0].size),
    handoverSize: btc(EXAMPLE_TRADES[1].size),
    closeSize: btc(EXAMPLE_TRADES[2].size),
    oiAfterOpen: btc(afterOpen),
    oiAfterHandover: btc(afterHandover),
    oiAfterClose: btc(afterClose),
    bothSidedAfterOpen: btc(afterOpen.times(2)),
    crashOiDropUsd: formatPercent(dropOf(CRASH_BTC_OPEN_INTEREST.beforeUsd, CRASH_BTC_OPEN_INTEREST.afterUsd), lang, { decimals: 0 }),
    crashOiDropBtc: formatPercent(dropOf(CRASH_BTC_OPEN_INTEREST.beforeBtc, CRASH_BTC_OPEN_INTEREST.afterBtc), lang, { decimals: 0 }),
  };
};
