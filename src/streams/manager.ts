import type { Logger } from 'pino';
import type { Venue } from '../market/types.ts';
import type { StoredStreamStatus, StreamRepository } from '../store/stream-repository.ts';
import { StreamConnection, type ConnectionTiming, type Gap } from './connection.ts';
import { LiquidationLedger } from './ledger.ts';
import { MarketPulse } from './pulse.ts';
import type { StreamEvent, StreamHealth } from './types.ts';
import type { VenueStream } from './venue-stream.ts';

/**
 * The four venue streams of one process: connections kept alive (connection.ts), every
 * liquidation into the per-minute ledger, the watched coins' prices and liquidations into the
 * pulse that crash detection reads, gaps and each stream's state recorded in SQLite.
 *
 * Nothing connects until `start()`: the bot starts it when it serves chats with alerts, the CLI
 * for `liquidations --seconds N` only (on its own in-memory store, so it never adds to the bot's
 * totals).
 */
export interface StreamManagerOptions {
  streams: readonly VenueStream[];
  repo: StreamRepository;
  /** The coins whose prices and liquidations crash detection watches. */
  symbols: readonly string[];
  logger: Logger;
  now?: () => number;
  timing?: Partial<ConnectionTiming>;
  /** Seconds of price history per coin and venue (the crash window). */
  windowSeconds?: number;
  /** Loads what a stream needs before it connects (OKX contract values). */
  prepare?: Partial<Record<Venue, () => Promise<void>>>;
  /** Unflushed liquidations are written this often. */
  flushMs?: number;
  /** Each stream's state is written this often (another process's `/health` and CLI read it). */
  statusMs?: number;
  /** Minutes and gaps older than this are pruned (default 48 h, as the market minutes). */
  retentionMs?: number;
  random?: () => number;
}

export type StreamListener = (events: readonly StreamEvent[], now: number) => void;

export class StreamManager {
  readonly ledger: LiquidationLedger;
  readonly pulse: MarketPulse;
  readonly symbols: readonly string[];
  readonly now: () => number;
  private readonly connections: StreamConnection[];
  private readonly listeners = new Set<StreamListener>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** The last frame each venue sent before this process started: the restart gap starts there. */
  private restartGaps = new Map<Venue, number>();
  private coverage = new Map<Venue, number>();
  private started = false;
  private lastPrune = 0;

  constructor(private readonly options: StreamManagerOptions) {
    this.now = options.now ?? (() => Date.now());
    this.symbols = options.symbols;
    this.ledger = new LiquidationLedger(options.repo, this.now);
    this.pulse = new MarketPulse(new Set(options.symbols), options.windowSeconds ?? 300);
    this.connections = options.streams.map(
      (spec) =>
        new StreamConnection(
          spec,
          {
            onEvents: (events) => this.dispatch(events),
            onDown: (venue, since, reason) => options.repo.openGap(venue, since, reason),
            onGap: (gap) => this.recordGap(gap),
            onConnected: (venue, at, first) => this.connected(venue, at, first),
          },
          { logger: options.logger.child({ part: 'streams' }), now: this.now, timing: options.timing, random: options.random },
        ),
    );
  }

  get running(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const status of this.options.repo.statuses()) {
      this.coverage.set(status.venue, status.coverageSince);
      if (status.lastMessageAt !== null) this.restartGaps.set(status.venue, status.lastMessageAt);
    }
    for (const connection of this.connections) {
      const prepare = this.options.prepare?.[connection.venue];
      if (prepare) {
        void prepare()
          .catch((error: unknown) => this.options.logger.warn({ err: error, venue: connection.venue }, 'streams: preparing the stream failed; connecting anyway'))
          .finally(() => this.started && connection.start());
      } else connection.start();
    }
    this.every(this.options.flushMs ?? 5_000, () => this.flush());
    this.every(this.options.statusMs ?? 10_000, () => this.saveStatus());
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all(this.connections.map((c) => c.stop()));
    this.flush();
    this.saveStatus();
  }

  /** Called with every batch of events, after the ledger and the pulse have them. */
  onEvents(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): StreamHealth[] {
    return this.connections.map((c) => c.health());
  }

  /** When each venue's data begins (its first connection ever, as stored). */
  coverageSince(venue: Venue): number | undefined {
    return this.coverage.get(venue);
  }

  /** Replaces one venue's connection now, as the scheduled 24 h rotation does. */
  rotate(venue: Venue): void {
    this.connections.find((c) => c.venue === venue)?.rotate();
  }

  flush(): void {
    try {
      this.ledger.flush();
      const now = this.now();
      if (now - this.lastPrune >= 10 * 60_000) {
        this.lastPrune = now;
        this.options.repo.prune(now - (this.options.retentionMs ?? 48 * 3_600_000));
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'streams: could not store liquidations');
    }
  }

  private dispatch(events: readonly StreamEvent[]): void {
    const now = this.now();
    for (const event of events) {
      if (event.kind === 'liquidation') this.ledger.record(event);
      this.pulse.record(event, now);
    }
    for (const listener of this.listeners) listener(events, now);
  }

  private connected(venue: Venue, at: number, first: boolean): void {
    if (!this.coverage.has(venue)) this.coverage.set(venue, at);
    const since = this.restartGaps.get(venue);
    if (first && since !== undefined && since < at) this.options.repo.closeGap(venue, since, at, 'restart');
    this.restartGaps.delete(venue);
    this.saveStatus();
  }

  private recordGap(gap: Gap): void {
    this.options.repo.closeGap(gap.venue, gap.from, gap.to, gap.reason);
  }

  private saveStatus(): void {
    try {
      this.writeStatus();
    } catch (error) {
      this.options.logger.error({ err: error }, 'streams: could not store the streams\' state');
    }
  }

  private writeStatus(): void {
    const now = this.now();
    for (const health of this.health()) {
      const coverageSince = this.coverage.get(health.venue);
      if (coverageSince === undefined) continue; // never connected: nothing covered yet
      const status: Omit<StoredStreamStatus, 'coverageSince'> & { coverageSince: number } = {
        venue: health.venue,
        coverageSince,
        connected: health.connected,
        lastMessageAt: health.lastMessageAt,
        reconnects: health.reconnects,
        lastError: health.lastError,
        updatedAt: now,
      };
      this.options.repo.saveStatus(status);
    }
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref?.();
    this.timers.push(timer);
  }
}
