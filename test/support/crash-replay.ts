import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.ts';
import { SeededRandom } from '../../src/simulator/random.ts';
import type { FakeVenues } from '../e2e/fake-venues.ts';

/**
 * 10 Oct 2025, second by second, for the stream fakes: a seeded generator built from the minute-
 * level facts in test/fixtures/streams/crash-2025-10-10.json (cascade start, the 40 minutes' total,
 * the 21:15 peak minute, the long share, BTC's high, low and recovery, Hyperliquid's share) and
 * the assumptions listed there (price path, ramp, venue shares, order sizes). Same seed, same
 * seconds, on every machine.
 *
 * Each second yields each coin's price per venue and the liquidation orders the venues' streams
 * would carry: Binance only each coin's last order of the second (its documented sampling),
 * Bybit and OKX all of theirs (OKX in contracts), Hyperliquid none (it has no public stream).
 */
const PARAMS = JSON.parse(readFileSync(projectPath('test', 'fixtures', 'streams', 'crash-2025-10-10.json'), 'utf8'));

export const MINUTE = 60_000;
export const CASCADE_START = Date.parse(PARAMS.facts.cascadeStart.value);
export const PEAK_MINUTE = Date.parse(PARAMS.facts.peakMinute.value);
const CASCADE_MINUTES: number = PARAMS.facts.cascadeMinutes.value;
const RECOVERED_BY = CASCADE_START + CASCADE_MINUTES * MINUTE - 10 * MINUTE; // 21:30

export type Coin = 'BTC' | 'ETH' | 'SOL';
export const COINS: readonly Coin[] = ['BTC', 'ETH', 'SOL'];
const STREAMED = ['binance', 'bybit', 'okx'] as const;
type StreamedVenue = (typeof STREAMED)[number];
/** OKX contract values the fake lists (coins per contract). */
export const OKX_CT_VAL: Record<Coin, number> = { BTC: 0.01, ETH: 0.1, SOL: 1 };

export interface Order {
  coin: Coin;
  side: 'long' | 'short';
  usd: number;
  price: number;
  /** Epoch ms within the second. */
  time: number;
}

export interface ReplaySecond {
  time: number;
  /** Each coin's price on Binance (mark) and Hyperliquid (mid). */
  prices: Record<'binance' | 'hyperliquid', Record<Coin, number>>;
  /** What each venue's stream carries this second (Binance already sampled). */
  orders: Record<StreamedVenue, Order[]>;
  /** USD liquidated on the streamed venues this second before Binance's sampling (the truth the streams undercount). */
  trueUsd: number;
  binanceAdlHigh: boolean;
  bybitPnlRatio: number;
}

/** All-market USD liquidated in the minute starting at `minute` (epoch ms), per the ramp/peak/decay assumption. */
export function marketUsdPerMinute(minute: number): number {
  const calm: number = PARAMS.assumptions.calmUsdPerMinute.value;
  const m = Math.round((minute - CASCADE_START) / MINUTE);
  if (m < 0) return calm;
  const peakIndex = Math.round((PEAK_MINUTE - CASCADE_START) / MINUTE); // 25
  const peak: number = PARAMS.facts.peakUsd.value;
  const rest = PARAMS.facts.cascadeUsd.value - peak;
  const ramp = rest * PARAMS.assumptions.rampShare.value;
  if (m < peakIndex) {
    // Linear from first to 3 × first over the pre-peak minutes, summing to `ramp`.
    const first = (2 * ramp) / (peakIndex * 4);
    return first + ((3 * first - first) * m) / (peakIndex - 1);
  }
  if (m === peakIndex) return peak;
  const decayMinutes = CASCADE_MINUTES - peakIndex - 1; // 14
  const q = 0.8;
  const a = ((rest - ramp) * (1 - q)) / (1 - q ** decayMinutes);
  if (m < CASCADE_MINUTES) return a * q ** (m - peakIndex - 1);
  return Math.max(calm, a * q ** (decayMinutes - 1) * 0.6 ** (m - CASCADE_MINUTES + 1));
}

/** A coin's index price at `t`: straight lines between the facts (or the assumed ETH/SOL figures). */
export function indexPrice(coin: Coin, t: number): number {
  const { high, low, recovered } = PARAMS.assumptions.coins[coin] as { high: number; low: number; recovered: number };
  const lerp = (a: number, b: number, f: number) => a + (b - a) * Math.min(1, Math.max(0, f));
  if (t <= CASCADE_START) return high;
  if (t <= PEAK_MINUTE) return lerp(high, low, (t - CASCADE_START) / (PEAK_MINUTE - CASCADE_START));
  return lerp(low, recovered, (t - PEAK_MINUTE) / (RECOVERED_BY - PEAK_MINUTE));
}

export class CrashReplay {
  private readonly random: SeededRandom;
  private readonly coinShare: Record<Coin, number>;
  private readonly venueShare: Record<StreamedVenue, number> = PARAMS.assumptions.venueShares.value;
  /** USD not yet drawn as orders, per venue and coin (budgets carry over between seconds). */
  private readonly owed = new Map<string, number>();

  constructor(seed: number = PARAMS.seed) {
    this.random = new SeededRandom(seed);
    const mix = PARAMS.facts.coinMix;
    this.coinShare = Object.fromEntries(COINS.map((c) => [c, mix.value[c] / mix.total])) as Record<Coin, number>;
  }

  /** The seconds from `from` to `to` (epoch ms, both whole seconds), in order. */
  *seconds(from: number, to: number): Generator<ReplaySecond> {
    for (let t = from; t <= to; t += 1000) yield this.second(t);
  }

  private second(t: number): ReplaySecond {
    const noisy = (price: number) => price * (1 + 0.0002 * (2 * this.random.uniform() - 1));
    const prices = {
      binance: Object.fromEntries(COINS.map((c) => [c, noisy(indexPrice(c, t))])) as Record<Coin, number>,
      hyperliquid: Object.fromEntries(COINS.map((c) => [c, noisy(indexPrice(c, t))])) as Record<Coin, number>,
    };
    const perSecond = marketUsdPerMinute(Math.floor(t / MINUTE) * MINUTE) / 60;
    const orders = { binance: [] as Order[], bybit: [] as Order[], okx: [] as Order[] };
    let trueUsd = 0;
    for (const venue of STREAMED) {
      for (const coin of COINS) {
        const key = `${venue}:${coin}`;
        let owed = (this.owed.get(key) ?? 0) + perSecond * this.coinShare[coin] * this.venueShare[venue];
        const drawn: Order[] = [];
        for (;;) {
          const usd = this.orderSize();
          if (usd > owed) break;
          owed -= usd;
          const side = this.random.uniform() < PARAMS.facts.longShare.value ? 'long' : 'short';
          drawn.push({ coin, side, usd, price: indexPrice(coin, t), time: t + Math.floor(this.random.uniform() * 1000) });
        }
        this.owed.set(key, owed);
        drawn.sort((a, b) => a.time - b.time);
        for (const order of drawn) trueUsd += order.usd;
        // Binance's stream: the second's latest order per symbol only.
        orders[venue].push(...(venue === 'binance' ? drawn.slice(-1) : drawn));
      }
    }
    return { time: t, prices, orders, trueUsd, binanceAdlHigh: t >= CASCADE_START + 15 * MINUTE, bybitPnlRatio: t >= CASCADE_START + 20 * MINUTE ? -0.45 : -0.02 };
  }

  private orderSize(): number {
    const { medianUsd, sigma, maxUsd } = PARAMS.assumptions.orderSize;
    return Math.min(maxUsd, medianUsd * Math.exp(sigma * this.random.normal()));
  }
}

/** Pushes one replayed second through the fakes, in each venue's format; returns the items pushed per venue. */
export function pushSecond(venues: FakeVenues, second: ReplaySecond): Record<'binance' | 'bybit' | 'okx' | 'hyperliquid', number> {
  const t = second.time;
  for (const coin of COINS) venues.binance.markPriceUpdate(`${coin}USDT`, second.prices.binance[coin], t);
  for (const order of second.orders.binance) {
    venues.binance.liquidation({ symbol: `${order.coin}USDT`, side: order.side === 'long' ? 'SELL' : 'BUY', qty: Number((order.usd / order.price).toPrecision(6)), price: order.price, time: order.time });
  }
  for (const coin of COINS) {
    const items = second.orders.bybit.filter((o) => o.coin === coin);
    if (items.length) venues.bybit.liquidations(`${coin}USDT`, items.map((o) => ({ side: o.side === 'long' ? 'Buy' : 'Sell', size: Number((o.usd / o.price).toPrecision(6)), price: o.price, time: o.time })), t + 999);
    const okx = second.orders.okx.filter((o) => o.coin === coin);
    if (okx.length) venues.okx.liquidations(`${coin}-USDT-SWAP`, okx.map((o) => ({ posSide: o.side, contracts: Math.max(1, Math.round(o.usd / o.price / OKX_CT_VAL[coin])), price: o.price, time: o.time })));
  }
  venues.bybit.adl(COINS.map((coin) => ({ symbol: `${coin}USDT`, balance: 250_000_000, pnlRatio: second.bybitPnlRatio })), t);
  venues.hyperliquid.mids(second.prices.hyperliquid);
  const bybitItems = second.orders.bybit.length + COINS.length;
  return { binance: COINS.length + second.orders.binance.length, bybit: bybitItems, okx: second.orders.okx.length, hyperliquid: COINS.length };
}
