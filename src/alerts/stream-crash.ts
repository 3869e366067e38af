import type { Logger } from 'pino';
import { serviceKey } from '../chat/services.ts';
import { maxSeverity, severityRank } from '../core/signals.ts';
import { streamCrash, type StreamCrash, type StreamCrashThresholds } from '../core/stream-signals.ts';
import type { Venue } from '../market/types.ts';
import type { CrashEpisode, DigestRepository } from '../store/digest-repository.ts';
import type { LiquidationLedger } from '../streams/ledger.ts';
import type { MarketPulse } from '../streams/pulse.ts';
import type { StreamHealth } from '../streams/types.ts';

/**
 * Crash detection on the live streams, every second: each watched coin's pulse (prices, the
 * last minute's liquidations) is judged by src/core/stream-signals.ts. The first coin to meet the
 * condition opens a crash episode; others join it; it ends when no coin has met it for
 * `calmMinutes`. The episode is stored, so a restart continues it (and its digests).
 *
 * Other parts ask `isCrashRunning(symbol?)` (is ADL plausible right now?) or listen with
 * `onCrash` (start, update, end) — the `CrashState` interface.
 */
export interface CrashState {
  /** A crash episode is running (for this coin, when given). */
  isCrashRunning(symbol?: string): boolean;
  /** Called when an episode starts, changes (a coin joins, the severity rises) or ends. */
  onCrash(listener: (change: CrashChange) => void): () => void;
}

/** The crash state as a service (src/app.ts provides the monitor): `ctx.services.get(CRASH_STATE)`. */
export const CRASH_STATE = serviceKey<CrashState>('crash-state');

export interface CrashChange {
  type: 'start' | 'update' | 'end';
  episode: CrashEpisode;
}

/** What the monitor reads from the streams (src/streams/manager.ts provides it). */
export interface StreamReadings {
  readonly symbols: readonly string[];
  readonly pulse: Pick<MarketPulse, 'view'>;
  readonly ledger: Pick<LiquidationLedger, 'longUsd'>;
  health(): StreamHealth[];
}

export interface CrashMonitorOptions {
  streams: StreamReadings;
  repo: DigestRepository;
  thresholds: StreamCrashThresholds;
  logger: Logger;
  now: () => number;
}

const MINUTE = 60_000;

export class CrashMonitor implements CrashState {
  private current: CrashEpisode | undefined;
  private readonly listeners = new Set<(change: CrashChange) => void>();
  private baselines = new Map<string, { minute: number; perMinute: number }>();
  /** The last evaluation's crashes, for `/liquidations` and the CLI. */
  private latest = new Map<string, StreamCrash>();
  private lastPrune = 0;

  constructor(private readonly options: CrashMonitorOptions) {
    this.current = options.repo.openEpisode();
  }

  isCrashRunning(symbol?: string): boolean {
    const episode = this.current;
    // An episode stored by a process that stopped long ago is not running, even before a tick ends it.
    if (!episode || this.options.now() - episode.lastActiveAt >= this.options.thresholds.calmMinutes * MINUTE) return false;
    return symbol === undefined || symbol in episode.coins;
  }

  onCrash(listener: (change: CrashChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The running episode, if any. */
  episode(): CrashEpisode | undefined {
    return this.current;
  }

  /** Whether the streams can judge this coin now (watched, a price and a liquidation stream up). */
  covers(symbol: string): boolean {
    const { streams, now } = this.options;
    if (!streams.symbols.includes(symbol)) return false;
    const liquidationsUp = streams.health().some((h) => h.connected && h.liquidations);
    return liquidationsUp && streams.pulse.view(symbol, now()).prices.length > 0;
  }

  /** The crashes the last evaluation found (by coin). */
  crashes(): ReadonlyMap<string, StreamCrash> {
    return this.latest;
  }

  /** One evaluation of every watched coin; returns what changed. */
  tick(): CrashChange | undefined {
    const { streams, thresholds, repo } = this.options;
    const now = this.options.now();
    if (now - this.lastPrune >= 60 * MINUTE) {
      // Ended episodes and their digests are kept a week; only the open one matters to a restart.
      this.lastPrune = now;
      repo.prune(now - 7 * 24 * 60 * MINUTE);
    }
    const liquidationVenues = streams.health().filter((h) => h.connected && h.liquidations).length;
    const found = new Map<string, { crash: StreamCrash; high: number; last: number; low: number }>();
    for (const symbol of streams.symbols) {
      const view = streams.pulse.view(symbol, now);
      if (view.prices.length === 0) continue;
      const crash = streamCrash(
        {
          symbol,
          prices: view.prices,
          longUsdByVenue: new Map([...view.liquidations].map(([venue, sides]) => [venue, sides.long])),
          liquidationVenues,
          baselinePerMinute: this.baseline(symbol, now),
        },
        thresholds,
      );
      if (!crash) continue;
      const high = Math.max(...view.prices.map((p) => p.high));
      const last = view.prices.reduce((sum, p) => sum + p.price, 0) / view.prices.length;
      const low = Math.min(...view.prices.map((p) => p.low));
      found.set(symbol, { crash, high, last, low });
    }
    this.latest = new Map([...found].map(([symbol, f]) => [symbol, f.crash]));

    let change: CrashChange['type'] | undefined;
    let episode = this.current;
    if (!episode && found.size > 0) {
      episode = repo.startEpisode(now, {});
      change = 'start';
    }
    if (!episode) return undefined;
    for (const [symbol, f] of found) {
      const coin = episode.coins[symbol];
      if (!coin) {
        episode.coins[symbol] = { since: now, lastTriggeredAt: now, severity: f.crash.severity, high: f.high, low: f.low, last: f.last, venues: venuesOf(f.crash) };
        change ??= 'update';
        continue;
      }
      if (severityRank(f.crash.severity) > severityRank(coin.severity)) change ??= 'update';
      coin.severity = maxSeverity(coin.severity, f.crash.severity);
      coin.lastTriggeredAt = now;
      coin.venues = [...new Set([...(coin.venues ?? []), ...venuesOf(f.crash)])];
    }
    // Every coin of the episode: its price now and the low so far (also while it no longer triggers).
    for (const [symbol, coin] of Object.entries(episode.coins)) {
      const view = streams.pulse.view(symbol, now);
      if (view.prices.length === 0) continue;
      coin.last = view.prices.reduce((sum, p) => sum + p.price, 0) / view.prices.length;
      coin.low = Math.min(coin.low, ...view.prices.map((p) => p.low));
    }
    if (found.size > 0) episode.lastActiveAt = now;
    if (now - episode.lastActiveAt >= thresholds.calmMinutes * MINUTE) {
      episode.endedAt = now;
      change = 'end';
    }
    repo.saveEpisode(episode);
    this.current = episode.endedAt === null ? episode : undefined;

    if (change) {
      const event = { type: change, episode };
      this.options.logger.info({ type: change, episode: episode.id, coins: Object.keys(episode.coins) }, 'crash: episode changed');
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.options.logger.error({ err: error }, 'crash: a listener failed');
        }
      }
      return event;
    }
    return undefined;
  }

  /**
   * The coin's usual minute: its average long liquidations per minute over the hour before this
   * minute, or, while an episode runs, before the episode began (a cascade is not its own baseline).
   * Cached per minute.
   */
  private baseline(symbol: string, now: number): number {
    const minute = Math.floor((this.current?.startedAt ?? now) / MINUTE);
    const cached = this.baselines.get(symbol);
    if (cached?.minute === minute) return cached.perMinute;
    const perMinute = this.options.streams.ledger.longUsd(symbol, (minute - 60) * MINUTE, (minute - 1) * MINUTE) / 60;
    this.baselines.set(symbol, { minute, perMinute });
    return perMinute;
  }
}

function venuesOf(crash: StreamCrash): Venue[] {
  return [...new Set([...crash.fallingVenues, ...crash.liquidatingVenues])] as Venue[];
}
