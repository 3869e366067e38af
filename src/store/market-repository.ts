import type { Db } from './database.ts';
import type { AdlRisk, MarketSnapshot, Venue } from '../market/types.ts';
import { fundingApr } from '../market/types.ts';

/**
 * Market snapshots in SQLite: one row per (minute, instrument) kept ~48 h, an hourly aggregate
 * per (instrument, hour) kept ~90 days, and the newest row per instrument for `/market`.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export interface RetentionPolicy {
  minuteRetentionHours: number;
  hourlyRetentionDays: number;
}
export const DEFAULT_RETENTION: RetentionPolicy = { minuteRetentionHours: 48, hourlyRetentionDays: 90 };

export interface Instrument {
  id: number;
  venue: Venue;
  symbol: string;
  instrument: string;
}

export interface PointValues {
  mark: number;
  openInterest: number | null;
}

export interface Peaks {
  maxMark: number;
  maxOpenInterest: number | null;
}

export interface FundingBaseline {
  mean: number;
  std: number;
  hours: number;
}

export interface HourlyPoint {
  instrumentId: number;
  hour: number;
  markClose: number;
  fundingApr: number | null;
  openInterestUsd: number | null;
}

const ADL_CODES: Record<AdlRisk, number> = { low: 0, medium: 1, high: 2 };
const ADL_NAMES: AdlRisk[] = ['low', 'medium', 'high'];

interface LatestRow {
  instrument_id: number;
  time: number;
  mark: number;
  index_price: number | null;
  last: number | null;
  funding_rate: number | null;
  funding_interval_h: number;
  open_interest: number | null;
  open_interest_usd: number | null;
  volume_usd: number | null;
  change_24h: number | null;
  adl_risk: number | null;
}

export class MarketRepository {
  private readonly instruments = new Map<string, Instrument>();
  private readonly byId = new Map<number, Instrument>();

  constructor(readonly db: Db) {
    for (const row of db.prepare('SELECT id, venue, symbol, instrument FROM market_instruments').all() as Instrument[]) {
      this.remember(row);
    }
  }

  private remember(row: Instrument): void {
    this.instruments.set(`${row.venue}:${row.instrument}`, row);
    this.byId.set(row.id, row);
  }

  instrument(id: number): Instrument | undefined {
    return this.byId.get(id);
  }

  instrumentId(venue: Venue, instrument: string, symbol: string): number {
    const known = this.instruments.get(`${venue}:${instrument}`);
    if (known) return known.id;
    const id = Number(
      this.db.prepare('INSERT INTO market_instruments (venue, symbol, instrument) VALUES (?, ?, ?)').run(venue, symbol, instrument).lastInsertRowid,
    );
    this.remember({ id, venue, symbol, instrument });
    return id;
  }

  /** Stores one cycle's snapshots at minute `floor(now / 1 min)`; returns the instrument id of each. */
  store(snapshots: readonly MarketSnapshot[], now: number): number[] {
    const minute = Math.floor(now / MINUTE_MS);
    const hour = Math.floor(now / HOUR_MS);
    const insertMinute = this.db.prepare(
      'INSERT OR REPLACE INTO market_minutes (minute, instrument_id, mark, funding_rate, open_interest) VALUES (?, ?, ?, ?, ?)',
    );
    const upsertLatest = this.db.prepare(
      `INSERT OR REPLACE INTO market_latest (instrument_id, minute, time, mark, index_price, last, funding_rate, funding_interval_h,
         open_interest, open_interest_usd, volume_usd, change_24h, adl_risk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const upsertHourly = this.db.prepare(
      `INSERT INTO market_hourly (hour, instrument_id, mark_close, funding_apr_sum, funding_samples, open_interest, open_interest_usd, samples)
       VALUES (@hour, @id, @mark, @apr, @aprSamples, @oi, @oiUsd, 1)
       ON CONFLICT (hour, instrument_id) DO UPDATE SET
         mark_close = excluded.mark_close, funding_apr_sum = funding_apr_sum + excluded.funding_apr_sum,
         funding_samples = funding_samples + excluded.funding_samples,
         open_interest = coalesce(excluded.open_interest, open_interest),
         open_interest_usd = coalesce(excluded.open_interest_usd, open_interest_usd), samples = samples + 1`,
    );
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const s of snapshots) {
        const id = this.instrumentId(s.venue, s.instrument, s.symbol);
        ids.push(id);
        const adl = s.adlRisk === null ? null : ADL_CODES[s.adlRisk];
        const values = [s.mark, s.index, s.last, s.fundingRate, s.fundingIntervalHours, s.openInterest, s.openInterestUsd, s.volume24hUsd, s.change24hPct, adl];
        insertMinute.run(minute, id, s.mark, s.fundingRate, s.openInterest);
        upsertLatest.run(id, minute, s.time, ...values);
        const apr = s.fundingApr ?? fundingApr(s.fundingRate, s.fundingIntervalHours);
        upsertHourly.run({ id, hour, mark: s.mark, apr: apr ?? 0, aprSamples: apr === null ? 0 : 1, oi: s.openInterest, oiUsd: s.openInterestUsd });
      }
    })();
    return ids;
  }

  /** The newest stored snapshot of every venue listing `symbol`, with the time it was stored. */
  latestForSymbol(symbol: string): Array<MarketSnapshot & { storedAt: number }> {
    const rows = this.db
      .prepare(
        `SELECT l.*, i.venue, i.symbol, i.instrument FROM market_latest l JOIN market_instruments i ON i.id = l.instrument_id
         WHERE upper(i.symbol) = ? ORDER BY i.venue`,
      )
      .all(symbol.toUpperCase()) as Array<LatestRow & { minute: number; venue: Venue; symbol: string; instrument: string }>;
    return rows.map((r) => ({
      venue: r.venue,
      symbol: r.symbol,
      instrument: r.instrument,
      mark: r.mark,
      index: r.index_price,
      last: r.last,
      fundingRate: r.funding_rate,
      fundingIntervalHours: r.funding_interval_h,
      fundingApr: fundingApr(r.funding_rate, r.funding_interval_h),
      openInterest: r.open_interest,
      openInterestUsd: r.open_interest_usd,
      volume24hUsd: r.volume_usd,
      change24hPct: r.change_24h,
      adlRisk: r.adl_risk === null ? null : ADL_NAMES[r.adl_risk],
      time: r.time,
      storedAt: r.minute * MINUTE_MS,
    }));
  }

  knownSymbols(): string[] {
    return [...new Set([...this.byId.values()].map((i) => i.symbol))].sort();
  }

  /** Per instrument, the newest (mark, OI) stored in minutes [fromMinute, toMinute]. */
  valuesBetween(fromMinute: number, toMinute: number): Map<number, PointValues> {
    const rows = this.db
      .prepare(
        `SELECT instrument_id AS id, mark, open_interest AS oi FROM market_minutes
         WHERE minute BETWEEN ? AND ? ORDER BY minute`,
      )
      .all(fromMinute, toMinute) as Array<{ id: number; mark: number; oi: number | null }>;
    const out = new Map<number, PointValues>();
    for (const r of rows) out.set(r.id, { mark: r.mark, openInterest: r.oi });
    return out;
  }

  /** Per instrument, the highest mark and OI in minutes [fromMinute, toMinute]. */
  peaksBetween(fromMinute: number, toMinute: number): Map<number, Peaks> {
    const rows = this.db
      .prepare(
        `SELECT instrument_id AS id, max(mark) AS maxMark, max(open_interest) AS maxOi FROM market_minutes
         WHERE minute BETWEEN ? AND ? GROUP BY instrument_id`,
      )
      .all(fromMinute, toMinute) as Array<{ id: number; maxMark: number; maxOi: number | null }>;
    return new Map(rows.map((r) => [r.id, { maxMark: r.maxMark, maxOpenInterest: r.maxOi }]));
  }

  /** The lowest and highest mark of one instrument in minutes [fromMinute, toMinute]; undefined when none is stored. */
  markRange(instrumentId: number, fromMinute: number, toMinute: number): { low: number; high: number } | undefined {
    const row = this.db
      .prepare('SELECT min(mark) AS low, max(mark) AS high FROM market_minutes WHERE minute BETWEEN ? AND ? AND instrument_id = ?')
      .get(fromMinute, toMinute, instrumentId) as { low: number | null; high: number | null };
    return row.low === null || row.high === null ? undefined : { low: row.low, high: row.high };
  }

  /** Mean and standard deviation of each instrument's hourly funding APR in hours [fromHour, toHour). */
  fundingBaselines(fromHour: number, toHour: number): Map<number, FundingBaseline> {
    const rows = this.db
      .prepare(
        `SELECT instrument_id AS id, count(*) AS n, avg(apr) AS mean, avg(apr * apr) AS meanSquare FROM (
           SELECT instrument_id, funding_apr_sum / funding_samples AS apr FROM market_hourly
           WHERE hour >= ? AND hour < ? AND funding_samples > 0)
         GROUP BY instrument_id`,
      )
      .all(fromHour, toHour) as Array<{ id: number; n: number; mean: number; meanSquare: number }>;
    return new Map(
      rows.map((r) => [r.id, { mean: r.mean, std: Math.sqrt(Math.max(0, r.meanSquare - r.mean * r.mean)), hours: r.n }]),
    );
  }

  hourly(instrumentIds: readonly number[], fromHour: number): HourlyPoint[] {
    if (instrumentIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT instrument_id AS instrumentId, hour, mark_close AS markClose,
           CASE WHEN funding_samples > 0 THEN funding_apr_sum / funding_samples END AS fundingApr,
           open_interest_usd AS openInterestUsd
         FROM market_hourly WHERE instrument_id IN (${instrumentIds.map(() => '?').join(',')}) AND hour >= ? ORDER BY hour`,
      )
      .all(...instrumentIds, fromHour) as HourlyPoint[];
    return rows;
  }

  instrumentsForSymbol(symbol: string): Instrument[] {
    return [...this.byId.values()].filter((i) => i.symbol.toUpperCase() === symbol.toUpperCase());
  }

  /** Drops minute rows older than the retention and hourly rows older than theirs. */
  prune(now: number, policy: RetentionPolicy = DEFAULT_RETENTION): { minutes: number; hours: number } {
    const minuteCutoff = Math.floor((now - policy.minuteRetentionHours * HOUR_MS) / MINUTE_MS);
    const hourCutoff = Math.floor((now - policy.hourlyRetentionDays * 24 * HOUR_MS) / HOUR_MS);
    const minutes = this.db.prepare('DELETE FROM market_minutes WHERE minute < ?').run(minuteCutoff).changes;
    const hours = this.db.prepare('DELETE FROM market_hourly WHERE hour < ?').run(hourCutoff).changes;
    return { minutes, hours };
  }

  // Venue health survives restarts, so a paused venue stays paused.
  venueStatus(venue: Venue): { lastSuccess: number | null; failures: number; pausedUntil: number; lastError: string | null } {
    const row = this.db
      .prepare('SELECT last_success, consecutive_failures, paused_until, last_error FROM market_venue_status WHERE venue = ?')
      .get(venue) as { last_success: number | null; consecutive_failures: number; paused_until: number; last_error: string | null } | undefined;
    return {
      lastSuccess: row?.last_success ?? null,
      failures: row?.consecutive_failures ?? 0,
      pausedUntil: row?.paused_until ?? 0,
      lastError: row?.last_error ?? null,
    };
  }

  recordVenueResult(venue: Venue, now: number, outcome: { ok: true } | { ok: false; error: string; pausedUntil: number; failures: number }): void {
    this.db
      .prepare(
        `INSERT INTO market_venue_status (venue, last_success, last_attempt, consecutive_failures, paused_until, last_error)
         VALUES (@venue, @success, @now, @failures, @paused, @error)
         ON CONFLICT (venue) DO UPDATE SET last_success = coalesce(excluded.last_success, last_success),
           last_attempt = excluded.last_attempt, consecutive_failures = excluded.consecutive_failures,
           paused_until = excluded.paused_until, last_error = excluded.last_error`,
      )
      .run(
        outcome.ok
          ? { venue, success: now, now, failures: 0, paused: 0, error: null }
          : { venue, success: null, now, failures: outcome.failures, paused: outcome.pausedUntil, error: outcome.error },
      );
  }
}
