import type { AdlRisk, Venue } from '../market/types.ts';
import type { LiquidatedSide, StreamEvent } from './types.ts';

/**
 * The last minutes of the watched coins, second by second, for crash detection: each venue's
 * price (with the window's high and low) and the liquidations of the last 60 s per venue and side.
 * Fixed rings of one slot per second, so memory does not grow with traffic; judged by arrival
 * time (what the bot knows now), not by the venues' own clocks.
 */
const LIQUIDATION_SECONDS = 60;
/** A price older than this no longer counts as the venue's current price. */
const PRICE_FRESH_MS = 30_000;

class SecondRing {
  readonly values: Float64Array;
  readonly seconds: Float64Array;

  constructor(readonly size: number) {
    this.values = new Float64Array(size);
    this.seconds = new Float64Array(size).fill(-1);
  }

  slot(second: number): number {
    const i = second % this.size;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.values[i] = 0;
    }
    return i;
  }

  /** Slots that belong to the last `size` seconds up to `second`. */
  *recent(second: number): Generator<number> {
    for (let i = 0; i < this.size; i++) {
      const s = this.seconds[i];
      if (s > second - this.size && s <= second) yield i;
    }
  }
}

interface PriceTrack {
  ring: SecondRing;
  last: number;
  lastAt: number;
}

export interface VenuePrice {
  venue: Venue;
  price: number;
  /** Highest price of the window. */
  high: number;
  low: number;
}

export interface PulseView {
  symbol: string;
  prices: VenuePrice[];
  /** USD liquidated in the last 60 s, per venue and side. */
  liquidations: Map<Venue, Record<LiquidatedSide, number>>;
}

export class MarketPulse {
  /** By coin, then venue. */
  private readonly prices = new Map<string, Map<Venue, PriceTrack>>();
  private readonly liquidations = new Map<string, Map<Venue, Record<LiquidatedSide, SecondRing>>>();
  private readonly adl = new Map<string, Map<Venue, { risk: AdlRisk; at: number }>>();

  constructor(
    readonly symbols: ReadonlySet<string>,
    readonly windowSeconds = 300,
  ) {}

  record(event: StreamEvent, now: number): void {
    if (!this.symbols.has(event.symbol)) return;
    const second = Math.floor(now / 1000);
    if (event.kind === 'price') {
      const byVenue = entryOf(this.prices, event.symbol);
      let track = byVenue.get(event.venue);
      if (!track) byVenue.set(event.venue, (track = { ring: new SecondRing(this.windowSeconds), last: event.price, lastAt: now }));
      // One price per second per venue: the second's last, which carries the move.
      track.ring.values[track.ring.slot(second)] = event.price;
      track.last = event.price;
      track.lastAt = now;
    } else if (event.kind === 'liquidation') {
      const byVenue = entryOf(this.liquidations, event.symbol);
      let rings = byVenue.get(event.venue);
      if (!rings) byVenue.set(event.venue, (rings = { long: new SecondRing(LIQUIDATION_SECONDS), short: new SecondRing(LIQUIDATION_SECONDS) }));
      const ring = rings[event.side];
      ring.values[ring.slot(second)] += event.usd;
    } else {
      entryOf(this.adl, event.symbol).set(event.venue, { risk: event.risk, at: now });
    }
  }

  view(symbol: string, now: number): PulseView {
    const second = Math.floor(now / 1000);
    const prices: VenuePrice[] = [];
    for (const [venue, track] of this.prices.get(symbol) ?? []) {
      if (now - track.lastAt > PRICE_FRESH_MS) continue;
      let high = track.last;
      let low = track.last;
      for (const i of track.ring.recent(second)) {
        const value = track.ring.values[i];
        if (value > high) high = value;
        if (value > 0 && value < low) low = value;
      }
      prices.push({ venue, price: track.last, high, low });
    }
    const liquidations = new Map<Venue, Record<LiquidatedSide, number>>();
    for (const [venue, rings] of this.liquidations.get(symbol) ?? []) {
      const sum = (ring: SecondRing) => {
        let usd = 0;
        for (const i of ring.recent(second)) usd += ring.values[i];
        return usd;
      };
      const entry = { long: sum(rings.long), short: sum(rings.short) };
      if (entry.long > 0 || entry.short > 0) liquidations.set(venue, entry);
    }
    return { symbol, prices, liquidations };
  }

  /** The venues' own ADL flags for a coin, as last pushed (within the last 10 minutes). */
  adlFlags(symbol: string, now: number): Array<{ venue: Venue; risk: AdlRisk }> {
    const flags: Array<{ venue: Venue; risk: AdlRisk }> = [];
    for (const [venue, flag] of this.adl.get(symbol) ?? []) {
      if (now - flag.at <= 10 * 60_000) flags.push({ venue, risk: flag.risk });
    }
    return flags;
  }
}

function entryOf<V>(map: Map<string, Map<Venue, V>>, symbol: string): Map<Venue, V> {
  let entry = map.get(symbol);
  if (!entry) map.set(symbol, (entry = new Map<Venue, V>()));
  return entry;
}
