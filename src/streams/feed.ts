import { VENUES, type Venue } from '../market/types.ts';
import type { LargestOrder, SideTotal, StoredStreamStatus, StreamRepository } from '../store/stream-repository.ts';
import type { StreamManager } from './manager.ts';
import type { LiquidatedSide, StreamEvent, StreamHealth } from './types.ts';

/**
 * Liquidations as `/liquidations` and the CLI read them: per venue, over a window of stored
 * minutes (what this bot, or the bot sharing this database, recorded), or live for N seconds.
 * Each row says what it can and cannot vouch for: Hyperliquid has no liquidation stream (counts
 * null, never zeros), Binance's are a lower bound (one order per coin per second), Bybit covers
 * the watched coins only, and a window crossed by a gap in a stream is partial.
 */
export interface VenueLiquidations {
  venue: Venue;
  /** The stream is up now (in this process, or in the bot that shares the database). */
  connected: boolean;
  /** The venue publishes liquidations. */
  liquidations: boolean;
  long: SideTotal | null;
  short: SideTotal | null;
  largest: LargestOrder | null;
  /** The stream was down during part of the span (or started after it began). */
  partial: boolean;
  /** Binance: at most one liquidation per coin per second is published. */
  lowerBound: boolean;
  /** Bybit: one topic per coin, only the watched coins (or the asked coin is not among them). */
  watchedOnly: boolean;
}

export interface LiquidationReport {
  from: number;
  to: number;
  venues: VenueLiquidations[];
  /** The largest orders of the span, largest first. */
  largest: LargestOrder[];
  /** Coins a running crash episode covers (empty: none). */
  crashCoins: string[];
  /** The coins the streams watch (Bybit's topics, crash detection). */
  watched: readonly string[];
  /** Nothing was recorded in this span and no stream runs: the bot has not been streaming. */
  noData: boolean;
}

/** A live listening session: a manager of its own when none runs in this process. */
export interface ListenSession {
  manager: StreamManager;
  /** Coins a crash episode covered during the session. */
  crashCoins(): string[];
  stop(): Promise<void>;
}

export interface LiquidationFeedDeps {
  /** This process's streams (running in the bot, idle in the CLI). */
  manager: StreamManager;
  repo: StreamRepository;
  /** Coins of the running crash episode (this process's monitor, or the stored episode). */
  crashCoins(): string[];
  /** Opens streams of its own for a live listen when this process runs none. */
  session(): ListenSession;
  now(): number;
  sleep?: (ms: number) => Promise<void>;
}

/** A stored stream state counts as up when the bot wrote it this recently. */
const STATUS_FRESH_MS = 30_000;
const LIQUIDATION_VENUES: ReadonlySet<Venue> = new Set(['binance', 'bybit', 'okx']);

export class LiquidationFeed {
  constructor(private readonly deps: LiquidationFeedDeps) {}

  now(): number {
    return this.deps.now();
  }

  /** Stored minutes over [from, to] (plus what this process has not flushed yet). */
  window(symbol: string | undefined, from: number, to: number): LiquidationReport {
    const { manager, repo } = this.deps;
    const totals = manager.ledger.totals(from, to, symbol);
    const gaps = repo.gaps(from, to);
    const stored = new Map(repo.statuses().map((s) => [s.venue, s]));
    const live = manager.running ? new Map(manager.health().map((h) => [h.venue, h])) : undefined;
    const noData = !manager.running && stored.size === 0;
    const venues = VENUES.map((venue) => {
      const status = stored.get(venue);
      const connected = live ? !!live.get(venue)?.connected : isFresh(status, to);
      const partial = (status ? status.coverageSince > from : true) || gaps.some((g) => g.venue === venue) || (!connected && !!status);
      const sides = totals.byVenue.get(venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 } };
      const row = this.row(venue, symbol, connected, sides, totals.largest, partial);
      // Nothing ever streamed here: the counts are unknown, not zero.
      return noData ? { ...row, long: null, short: null, largest: null } : row;
    });
    return { from, to, venues, largest: totals.largest.slice(0, 5), crashCoins: this.deps.crashCoins(), watched: manager.symbols, noData };
  }

  /**
   * Each venue's stream: this process's when it streams, else as the bot sharing the database
   * last wrote it (up only when written within the last 30 s). Empty when nothing ever streamed.
   */
  status(): Array<Pick<StreamHealth, 'venue' | 'connected' | 'liquidations' | 'lastMessageAt' | 'reconnects' | 'lastError'>> {
    const { manager, repo } = this.deps;
    if (manager.running) return manager.health();
    const now = this.deps.now();
    return repo.statuses().map((s) => ({
      venue: s.venue,
      connected: isFresh(s, now),
      liquidations: LIQUIDATION_VENUES.has(s.venue),
      lastMessageAt: s.lastMessageAt,
      reconnects: s.reconnects,
      lastError: s.lastError,
    }));
  }

  perMinute(symbol: string | undefined, from: number, to: number): Array<{ minute: number; long: number; short: number }> {
    return this.deps.manager.ledger.perMinute(from, to, symbol);
  }

  /** Listens `seconds` to the live streams (this process's, or a session of its own) and tallies what arrives. */
  async listen(symbol: string | undefined, seconds: number): Promise<LiquidationReport> {
    const own = this.deps.manager.running ? undefined : this.deps.session();
    const manager = own?.manager ?? this.deps.manager;
    const tally = new Map<Venue, Record<LiquidatedSide, SideTotal>>();
    const largestByVenue = new Map<Venue, LargestOrder>();
    const from = this.deps.now();
    const stopListening = manager.onEvents((events: readonly StreamEvent[]) => {
      for (const event of events) {
        if (event.kind !== 'liquidation' || (symbol && event.symbol !== symbol)) continue;
        const sides = tally.get(event.venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 } };
        sides[event.side].count++;
        sides[event.side].usd += event.usd;
        tally.set(event.venue, sides);
        if (event.usd > (largestByVenue.get(event.venue)?.usd ?? 0)) {
          largestByVenue.set(event.venue, { venue: event.venue, symbol: event.symbol, side: event.side, usd: event.usd, price: event.price, at: event.time });
        }
      }
    });
    const downDuring = new Set<Venue>();
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    try {
      // Once a second: a venue that was down at any check makes its row partial.
      for (let waited = 0; waited < seconds; waited++) {
        await sleep(1_000);
        for (const h of manager.health()) if (!h.connected) downDuring.add(h.venue);
      }
    } finally {
      stopListening();
    }
    const health = new Map<Venue, StreamHealth>(manager.health().map((h) => [h.venue, h]));
    const crashCoins = own ? own.crashCoins() : this.deps.crashCoins();
    if (own) await own.stop();
    const largest = [...largestByVenue.values()].sort((a, b) => b.usd - a.usd);
    const venues = VENUES.map((venue) => {
      const sides = tally.get(venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 } };
      return this.row(venue, symbol, !!health.get(venue)?.connected, sides, largest, downDuring.has(venue));
    });
    return { from, to: this.deps.now(), venues, largest, crashCoins, watched: manager.symbols, noData: false };
  }

  private row(
    venue: Venue,
    symbol: string | undefined,
    connected: boolean,
    sides: Record<LiquidatedSide, SideTotal>,
    largest: readonly LargestOrder[],
    partial: boolean,
  ): VenueLiquidations {
    const unwatched = venue === 'bybit' && symbol !== undefined && !this.deps.manager.symbols.includes(symbol);
    if (!LIQUIDATION_VENUES.has(venue) || unwatched) {
      return { venue, connected, liquidations: false, long: null, short: null, largest: null, partial: false, lowerBound: false, watchedOnly: unwatched };
    }
    return {
      venue,
      connected,
      liquidations: true,
      long: sides.long,
      short: sides.short,
      largest: largest.find((o) => o.venue === venue) ?? null,
      partial,
      lowerBound: venue === 'binance',
      watchedOnly: venue === 'bybit' && symbol === undefined,
    };
  }
}

function isFresh(status: StoredStreamStatus | undefined, now: number): boolean {
  return !!status && status.connected && now - status.updatedAt <= STATUS_FRESH_MS;
}
