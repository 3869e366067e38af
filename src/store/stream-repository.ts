import type { Db } from './database.ts';
import type { Venue } from '../market/types.ts';
import type { LiquidatedSide } from '../streams/types.ts';
import { MINUTE_MS } from './market-repository.ts';

/**
 * Liquidation aggregates from the streams: one row per (minute, venue, coin, side) with the
 * count, the USD total and the largest single order; the gaps in each venue's stream; and each
 * stream's last known state. Pruned like the market minutes (48 h by default).
 */
export interface MinuteDelta {
  minute: number;
  venue: Venue;
  symbol: string;
  side: LiquidatedSide;
  count: number;
  usd: number;
  largestUsd: number;
  largestPrice: number;
}

export interface SideTotal {
  count: number;
  usd: number;
}

export interface LargestOrder {
  venue: Venue;
  symbol: string;
  side: LiquidatedSide;
  usd: number;
  price: number;
  /** Epoch ms of the minute it happened in. */
  at: number;
}

export interface StoredGap {
  venue: Venue;
  from: number;
  /** null while the venue is still down. */
  to: number | null;
  reason: string;
}

export interface StoredStreamStatus {
  venue: Venue;
  coverageSince: number;
  connected: boolean;
  lastMessageAt: number | null;
  reconnects: number;
  lastError: string | null;
  updatedAt: number;
}

export class StreamRepository {
  constructor(readonly db: Db) {}

  /** Adds counts and sums to their minutes (a flush of what arrived since the last one). */
  add(deltas: readonly MinuteDelta[]): void {
    if (deltas.length === 0) return;
    const upsert = this.db.prepare(`
      INSERT INTO stream_liquidation_minutes (minute, venue, symbol, side, count, usd, largest_usd, largest_price)
      VALUES (@minute, @venue, @symbol, @side, @count, @usd, @largestUsd, @largestPrice)
      ON CONFLICT (minute, venue, symbol, side) DO UPDATE SET
        count = count + excluded.count,
        usd = usd + excluded.usd,
        largest_price = CASE WHEN excluded.largest_usd > largest_usd THEN excluded.largest_price ELSE largest_price END,
        largest_usd = max(largest_usd, excluded.largest_usd)`);
    this.db.transaction(() => {
      for (const delta of deltas) upsert.run(delta);
    })();
  }

  /** Totals per venue and side over minutes [fromMinute, toMinute], for one coin or all. */
  totals(fromMinute: number, toMinute: number, symbol?: string): Map<Venue, Record<LiquidatedSide, SideTotal>> {
    const rows = this.db
      .prepare(
        `SELECT venue, side, sum(count) AS count, sum(usd) AS usd FROM stream_liquidation_minutes
         WHERE minute BETWEEN ? AND ? ${symbol ? 'AND symbol = ?' : ''} GROUP BY venue, side`,
      )
      .all(...(symbol ? [fromMinute, toMinute, symbol] : [fromMinute, toMinute])) as Array<{ venue: Venue; side: LiquidatedSide; count: number; usd: number }>;
    const totals = new Map<Venue, Record<LiquidatedSide, SideTotal>>();
    for (const row of rows) {
      const entry = totals.get(row.venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 } };
      entry[row.side] = { count: row.count, usd: row.usd };
      totals.set(row.venue, entry);
    }
    return totals;
  }

  /** The largest orders of the span, at most `perVenue` per venue, largest first. */
  largest(fromMinute: number, toMinute: number, symbol: string | undefined, perVenue = 3): LargestOrder[] {
    const rows = this.db
      .prepare(
        `SELECT venue, symbol, side, usd, price, minute FROM (
           SELECT venue, symbol, side, largest_usd AS usd, largest_price AS price, minute,
                  row_number() OVER (PARTITION BY venue ORDER BY largest_usd DESC) AS rank
           FROM stream_liquidation_minutes WHERE minute BETWEEN ? AND ? ${symbol ? 'AND symbol = ?' : ''}
         ) WHERE rank <= ? ORDER BY usd DESC`,
      )
      .all(...(symbol ? [fromMinute, toMinute, symbol, perVenue] : [fromMinute, toMinute, perVenue])) as Array<{
      venue: Venue;
      symbol: string;
      side: LiquidatedSide;
      usd: number;
      price: number;
      minute: number;
    }>;
    return rows.map((r) => ({ venue: r.venue, symbol: r.symbol, side: r.side, usd: r.usd, price: r.price, at: r.minute * MINUTE_MS }));
  }

  /** USD per minute and side (all venues) over the span, for the chart. */
  perMinute(fromMinute: number, toMinute: number, symbol?: string): Array<{ minute: number; long: number; short: number }> {
    const rows = this.db
      .prepare(
        `SELECT minute, side, sum(usd) AS usd FROM stream_liquidation_minutes
         WHERE minute BETWEEN ? AND ? ${symbol ? 'AND symbol = ?' : ''} GROUP BY minute, side ORDER BY minute`,
      )
      .all(...(symbol ? [fromMinute, toMinute, symbol] : [fromMinute, toMinute])) as Array<{ minute: number; side: LiquidatedSide; usd: number }>;
    const byMinute = new Map<number, { minute: number; long: number; short: number }>();
    for (const row of rows) {
      const entry = byMinute.get(row.minute) ?? { minute: row.minute, long: 0, short: 0 };
      entry[row.side] = row.usd;
      byMinute.set(row.minute, entry);
    }
    return [...byMinute.values()];
  }

  /** Long liquidations of one coin (all venues) over the span: the baseline a burst is judged against. */
  longUsd(symbol: string, fromMinute: number, toMinute: number): number {
    const row = this.db
      .prepare(`SELECT sum(usd) AS usd FROM stream_liquidation_minutes WHERE minute BETWEEN ? AND ? AND symbol = ? AND side = 'long'`)
      .get(fromMinute, toMinute, symbol) as { usd: number | null };
    return row.usd ?? 0;
  }

  openGap(venue: Venue, from: number, reason: string): void {
    this.db.prepare('INSERT OR IGNORE INTO stream_gaps (venue, started_at, ended_at, reason) VALUES (?, ?, NULL, ?)').run(venue, from, reason);
  }

  /** Closes the venue's open gap starting at `from` (or records the whole gap when none was open). */
  closeGap(venue: Venue, from: number, to: number, reason: string): void {
    this.db
      .prepare(
        `INSERT INTO stream_gaps (venue, started_at, ended_at, reason) VALUES (?, ?, ?, ?)
         ON CONFLICT (venue, started_at) DO UPDATE SET ended_at = excluded.ended_at`,
      )
      .run(venue, from, to, reason);
  }

  /** Gaps that overlap [from, to] (epoch ms), open ones included. */
  gaps(from: number, to: number): StoredGap[] {
    const rows = this.db
      .prepare('SELECT venue, started_at, ended_at, reason FROM stream_gaps WHERE started_at <= ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at')
      .all(to, from) as Array<{ venue: Venue; started_at: number; ended_at: number | null; reason: string }>;
    return rows.map((r) => ({ venue: r.venue, from: r.started_at, to: r.ended_at, reason: r.reason }));
  }

  saveStatus(status: Omit<StoredStreamStatus, 'coverageSince'> & { coverageSince?: number }): void {
    this.db
      .prepare(
        `INSERT INTO stream_status (venue, coverage_since, connected, last_message_at, reconnects, last_error, updated_at)
         VALUES (@venue, @coverageSince, @connected, @lastMessageAt, @reconnects, @lastError, @updatedAt)
         ON CONFLICT (venue) DO UPDATE SET connected = excluded.connected, last_message_at = coalesce(excluded.last_message_at, last_message_at),
           reconnects = excluded.reconnects, last_error = excluded.last_error, updated_at = excluded.updated_at`,
      )
      .run({ ...status, coverageSince: status.coverageSince ?? status.updatedAt, connected: status.connected ? 1 : 0 });
  }

  statuses(): StoredStreamStatus[] {
    const rows = this.db.prepare('SELECT * FROM stream_status ORDER BY venue').all() as Array<{
      venue: Venue;
      coverage_since: number;
      connected: number;
      last_message_at: number | null;
      reconnects: number;
      last_error: string | null;
      updated_at: number;
    }>;
    return rows.map((r) => ({
      venue: r.venue,
      coverageSince: r.coverage_since,
      connected: r.connected === 1,
      lastMessageAt: r.last_message_at,
      reconnects: r.reconnects,
      lastError: r.last_error,
      updatedAt: r.updated_at,
    }));
  }

  /** Drops minutes and closed gaps older than `before` (epoch ms). */
  prune(before: number): { minutes: number; gaps: number } {
    const minutes = this.db.prepare('DELETE FROM stream_liquidation_minutes WHERE minute < ?').run(Math.floor(before / MINUTE_MS)).changes;
    const gaps = this.db.prepare('DELETE FROM stream_gaps WHERE ended_at IS NOT NULL AND ended_at < ?').run(before).changes;
    return { minutes, gaps };
  }
}
