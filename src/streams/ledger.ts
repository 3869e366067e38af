import type { Venue } from '../market/types.ts';
import { MINUTE_MS } from '../store/market-repository.ts';
import type { LargestOrder, MinuteDelta, SideTotal, StreamRepository } from '../store/stream-repository.ts';
import type { LiquidatedSide, LiquidationEvent } from './types.ts';

/**
 * Liquidations into per-minute aggregates. Events add to in-memory deltas, flushed to SQLite every
 * few seconds (additively, so a restart loses at most the last flush interval); queries read the
 * stored minutes plus what is not flushed yet.
 *
 * An event is filed under its own venue time, unless that time is more than `maxSkewMs` away from
 * the bot's clock (a venue's clock or a replayed message), then under the arrival time.
 */
export interface LiquidationTotals {
  byVenue: Map<Venue, Record<LiquidatedSide, SideTotal>>;
  largest: LargestOrder[];
}

const key = (minute: number, venue: string, symbol: string, side: string) => `${minute}|${venue}|${symbol}|${side}`;

export class LiquidationLedger {
  private pending = new Map<string, MinuteDelta>();

  constructor(
    private readonly repo: StreamRepository,
    private readonly now: () => number,
    private readonly maxSkewMs = 2 * MINUTE_MS,
  ) {}

  record(event: LiquidationEvent): void {
    const now = this.now();
    const time = Math.abs(event.time - now) > this.maxSkewMs ? now : event.time;
    const minute = Math.floor(time / MINUTE_MS);
    const k = key(minute, event.venue, event.symbol, event.side);
    const delta = this.pending.get(k);
    if (!delta) {
      this.pending.set(k, { minute, venue: event.venue, symbol: event.symbol, side: event.side, count: 1, usd: event.usd, largestUsd: event.usd, largestPrice: event.price });
      return;
    }
    delta.count++;
    delta.usd += event.usd;
    if (event.usd > delta.largestUsd) {
      delta.largestUsd = event.usd;
      delta.largestPrice = event.price;
    }
  }

  /** Writes what arrived since the last flush. */
  flush(): number {
    const deltas = [...this.pending.values()];
    this.pending = new Map();
    this.repo.add(deltas);
    return deltas.length;
  }

  /** Count and USD per venue and side over [from, to] (epoch ms, whole minutes), with the largest orders. */
  totals(from: number, to: number, symbol?: string, largestPerVenue = 3): LiquidationTotals {
    const fromMinute = Math.floor(from / MINUTE_MS);
    const toMinute = Math.floor(to / MINUTE_MS);
    const byVenue = this.repo.totals(fromMinute, toMinute, symbol);
    const largest = this.repo.largest(fromMinute, toMinute, symbol, largestPerVenue);
    for (const delta of this.pending.values()) {
      if (delta.minute < fromMinute || delta.minute > toMinute || (symbol && delta.symbol !== symbol)) continue;
      const entry = byVenue.get(delta.venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 } };
      entry[delta.side] = { count: entry[delta.side].count + delta.count, usd: entry[delta.side].usd + delta.usd };
      byVenue.set(delta.venue, entry);
      largest.push({ venue: delta.venue, symbol: delta.symbol, side: delta.side, usd: delta.largestUsd, price: delta.largestPrice, at: delta.minute * MINUTE_MS });
    }
    largest.sort((a, b) => b.usd - a.usd);
    const perVenue = new Map<Venue, number>();
    const kept = largest.filter((order) => {
      const n = (perVenue.get(order.venue) ?? 0) + 1;
      perVenue.set(order.venue, n);
      return n <= largestPerVenue;
    });
    return { byVenue, largest: kept };
  }

  /** USD per minute and side (all venues) over [from, to], stored and pending. */
  perMinute(from: number, to: number, symbol?: string): Array<{ minute: number; long: number; short: number }> {
    const fromMinute = Math.floor(from / MINUTE_MS);
    const toMinute = Math.floor(to / MINUTE_MS);
    const rows = new Map(this.repo.perMinute(fromMinute, toMinute, symbol).map((r) => [r.minute, r]));
    for (const delta of this.pending.values()) {
      if (delta.minute < fromMinute || delta.minute > toMinute || (symbol && delta.symbol !== symbol)) continue;
      const row = rows.get(delta.minute) ?? { minute: delta.minute, long: 0, short: 0 };
      row[delta.side] += delta.usd;
      rows.set(delta.minute, row);
    }
    return [...rows.values()].sort((a, b) => a.minute - b.minute);
  }

  /** Long liquidations of a coin over [from, to] (stored and pending). */
  longUsd(symbol: string, from: number, to: number): number {
    const fromMinute = Math.floor(from / MINUTE_MS);
    const toMinute = Math.floor(to / MINUTE_MS);
    let usd = this.repo.longUsd(symbol, fromMinute, toMinute);
    for (const delta of this.pending.values()) {
      if (delta.symbol === symbol && delta.side === 'long' && delta.minute >= fromMinute && delta.minute <= toMinute) usd += delta.usd;
    }
    return usd;
  }
}
