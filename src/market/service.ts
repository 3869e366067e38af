import type { Logger } from 'pino';
import type { VenueClient } from './client.ts';
import { VenueBlockedError } from './http.ts';
import type { MarketSnapshot, Venue } from './types.ts';
import { HOUR_MS, MINUTE_MS, type FundingBaseline, type HourlyPoint, type MarketRepository, type RetentionPolicy, DEFAULT_RETENTION } from '../store/market-repository.ts';
import { venueSignals, type SignalThresholds, type VenueSignals } from '../core/signals.ts';

/**
 * Polls every venue once per cycle, stores what came back, and tracks venue health:
 * a venue that fails `failuresBeforePause` cycles in a row (or is banned) is paused and its
 * data is reported stale. Only this cycle's fresh snapshots feed the signals.
 */
export interface MarketServiceOptions {
  clients: readonly VenueClient[];
  repo: MarketRepository;
  logger: Logger;
  now?: () => number;
  staleAfterMs?: number;
  failuresBeforePause?: number;
  pauseMs?: number;
  retention?: RetentionPolicy;
  /** Hours of hourly funding history behind the z-score. */
  baselineHours?: number;
}

export interface VenuePollReport {
  venue: Venue;
  ok: boolean;
  snapshots: number;
  dropped: number;
  skipped: number;
  /**
   * Items the venue still lists but whose own timestamp is older than the stale limit (a
   * delisted or halted contract the venue keeps serving): not stored, never fed to a signal.
   */
  staleItems: number;
  requests: number;
  weight: number;
  error?: string;
  /** Set when the venue is paused (after repeated failures or a ban). */
  pausedUntil?: number;
}

export interface PollResult {
  at: number;
  venues: VenuePollReport[];
  /** This cycle's snapshots, by venue, with their instrument ids: only venues that answered. */
  fresh: Array<{ snapshot: MarketSnapshot; instrumentId: number }>;
}

export interface MarketRow extends MarketSnapshot {
  stale: boolean;
  storedAt: number;
}

export class MarketService {
  readonly repo: MarketRepository;
  private readonly clients: readonly VenueClient[];
  private readonly logger: Logger;
  readonly now: () => number;
  readonly staleAfterMs: number;
  private readonly failuresBeforePause: number;
  private readonly pauseMs: number;
  private readonly retention: RetentionPolicy;
  private readonly baselineHours: number;
  private inFlight: Promise<PollResult> | undefined;
  private lastPollAt = 0;
  private baselines: { hour: number; values: Map<number, FundingBaseline> } | undefined;

  constructor(options: MarketServiceOptions) {
    this.clients = options.clients;
    this.repo = options.repo;
    this.logger = options.logger;
    this.now = options.now ?? (() => Date.now());
    this.staleAfterMs = options.staleAfterMs ?? 3 * MINUTE_MS;
    this.failuresBeforePause = options.failuresBeforePause ?? 3;
    this.pauseMs = options.pauseMs ?? 5 * MINUTE_MS;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.baselineHours = options.baselineHours ?? 30 * 24;
  }

  /** One poll of every venue that is not paused; concurrent callers share the same poll. */
  poll(): Promise<PollResult> {
    this.inFlight ??= this.pollAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Polls unless the last poll is younger than `maxAgeMs` (for on-demand `/market`). */
  async ensureFresh(maxAgeMs = MINUTE_MS): Promise<void> {
    if (this.now() - this.lastPollAt > maxAgeMs) await this.poll();
  }

  private async pollAll(): Promise<PollResult> {
    const at = this.now();
    const results = await Promise.all(this.clients.map((client) => this.pollVenue(client, at)));
    const fresh: PollResult['fresh'] = [];
    const venues: VenuePollReport[] = [];
    for (const { report, snapshots } of results) {
      venues.push(report);
      if (snapshots.length === 0) continue;
      const ids = this.repo.store(snapshots, at);
      snapshots.forEach((snapshot, i) => fresh.push({ snapshot, instrumentId: ids[i] }));
    }
    this.lastPollAt = at;
    return { at, venues, fresh };
  }

  private async pollVenue(client: VenueClient, at: number): Promise<{ report: VenuePollReport; snapshots: MarketSnapshot[] }> {
    const venue = client.venue;
    const status = this.repo.venueStatus(venue);
    const empty = { venue, snapshots: 0, dropped: 0, skipped: 0, staleItems: 0, requests: 0, weight: 0 };
    if (status.pausedUntil > at) {
      return { report: { ...empty, ok: false, error: `paused: ${status.lastError ?? ''}`.trim(), pausedUntil: status.pausedUntil }, snapshots: [] };
    }
    try {
      const fetched = await client.fetchSnapshots();
      const oldest = at - this.staleAfterMs;
      const snapshots = fetched.snapshots.filter((s) => s.time >= oldest);
      const staleItems = fetched.snapshots.length - snapshots.length;
      if (snapshots.length === 0) throw new Error(staleItems > 0 ? `all ${staleItems} items are stale` : 'no valid items');
      this.repo.recordVenueResult(venue, at, { ok: true });
      if (fetched.dropped > 0) this.logger.warn({ venue, dropped: fetched.dropped }, 'market: dropped malformed items');
      if (staleItems > 0) this.logger.info({ venue, staleItems }, 'market: left out items with an old venue timestamp');
      const { snapshots: _all, ...counts } = fetched;
      return { report: { ...counts, staleItems, ok: true, snapshots: snapshots.length }, snapshots };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failures = status.failures + 1;
      let pausedUntil = failures >= this.failuresBeforePause ? at + this.pauseMs : 0;
      if (error instanceof VenueBlockedError) pausedUntil = Math.max(pausedUntil, error.until);
      this.repo.recordVenueResult(venue, at, { ok: false, error: message, failures, pausedUntil });
      this.logger.warn({ venue, failures, pausedUntil: pausedUntil || undefined, err: message }, 'market: venue poll failed');
      return {
        report: { ...empty, requests: client.http.requests, weight: client.http.weight, ok: false, error: message, pausedUntil: pausedUntil || undefined },
        snapshots: [],
      };
    }
  }

  /** Drops old minute rows and hourly aggregates (the scheduler calls it each cycle). */
  prune(): { minutes: number; hours: number } {
    return this.repo.prune(this.now(), this.retention);
  }

  /** The stored rows of every venue for `symbol`, each marked stale when its venue has not answered lately. */
  rowsFor(symbol: string): MarketRow[] {
    const now = this.now();
    return this.repo.latestForSymbol(symbol).map((row) => {
      const lastSuccess = this.repo.venueStatus(row.venue).lastSuccess ?? 0;
      return { ...row, stale: now - Math.min(row.storedAt, lastSuccess) > this.staleAfterMs };
    });
  }

  knownSymbols(): string[] {
    return this.repo.knownSymbols();
  }

  /** Hourly funding APR and OI of every venue for `symbol` over the last `hours`. */
  history(symbol: string, hours = 24): Array<HourlyPoint & { venue: Venue }> {
    const instruments = this.repo.instrumentsForSymbol(symbol);
    const venueOf = new Map(instruments.map((i) => [i.id, i.venue]));
    const fromHour = Math.floor(this.now() / HOUR_MS) - hours;
    return this.repo.hourly(instruments.map((i) => i.id), fromHour).map((p) => ({ ...p, venue: venueOf.get(p.instrumentId)! }));
  }

  /** Signals for every fresh snapshot of a poll, with look-backs from the store. */
  signals(poll: PollResult, thresholds: SignalThresholds): VenueSignals[] {
    const m = Math.floor(poll.at / MINUTE_MS);
    const at = (minutesAgo: number, tolerance: number) => this.repo.valuesBetween(m - minutesAgo - tolerance, m - minutesAgo);
    const ago5 = at(5, 1);
    const ago15 = at(15, 2);
    const ago60 = at(60, 6);
    const ago240 = at(240, 15);
    const ago1440 = at(1440, 15);
    const pricePeaks = this.repo.peaksBetween(m - thresholds.crashWindowMinutes, m);
    const oiPeaks = this.repo.peaksBetween(m - 15, m);
    const baselines = this.fundingBaselines(poll.at);
    return poll.fresh.map(({ snapshot: s, instrumentId: id }) =>
      venueSignals(
        {
          venue: s.venue,
          symbol: s.symbol,
          mark: s.mark,
          fundingApr: s.fundingApr,
          fundingBaseline: baselines.get(id),
          openInterest: s.openInterest,
          volume24hUsd: s.volume24hUsd,
          adlRisk: s.adlRisk,
          past: {
            price5m: ago5.get(id)?.mark,
            price15m: ago15.get(id)?.mark,
            price1h: ago60.get(id)?.mark,
            oi1h: ago60.get(id)?.openInterest,
            oi4h: ago240.get(id)?.openInterest,
            oi24h: ago1440.get(id)?.openInterest,
          },
          peakMark: pricePeaks.get(id)?.maxMark,
          peakOpenInterest: oiPeaks.get(id)?.maxOpenInterest,
        },
        thresholds,
      ),
    );
  }

  /** Baselines exclude the current hour and change once an hour, so they are cached per hour. */
  private fundingBaselines(now: number): Map<number, FundingBaseline> {
    const hour = Math.floor(now / HOUR_MS);
    if (this.baselines?.hour !== hour) {
      this.baselines = { hour, values: this.repo.fundingBaselines(hour - this.baselineHours, hour) };
    }
    return this.baselines.values;
  }
}
