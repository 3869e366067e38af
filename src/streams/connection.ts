import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { StreamEvent, StreamHealth } from './types.ts';
import type { VenueStream } from './venue-stream.ts';

/**
 * One long-lived websocket to one venue, kept alive:
 * - subscribes when open (the venue's frames), and counts as connected once the venue answered
 *   (an acknowledgement or data);
 * - sends the venue's keepalive (a ping message or a ping frame) on its schedule; a connection
 *   silent for longer than the keepalive interval plus `graceMs` (no data, no pong, no ping) is
 *   presumed dead, terminated and replaced;
 * - reconnects after a drop with jittered exponential backoff (`initialBackoffMs` × 2ⁿ × 0.5–1.5,
 *   capped at `maxBackoffMs`), reset once a connection has stayed up for `stableMs`;
 * - rotates before the venue's own 24 h cut: a second connection is opened and subscribed, and
 *   the old one is closed only once the new one answers, so a rotation leaves no gap; events the
 *   two carry twice in the overlap are dropped;
 * - reports each outage as a gap (from its last frame to the first frame of the next connection).
 *
 * Liveness uses the monotonic clock; `now()` (the venue-time clock a replay may move) only stamps
 * what is reported.
 */
export interface ConnectionTiming {
  /** Silence tolerated beyond the keepalive interval before the connection is replaced. */
  graceMs: number;
  /** How long opening and subscribing may take. */
  connectTimeoutMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A connection up this long resets the backoff. */
  stableMs: number;
  /** Rotate before the venue cuts a connection (Binance: 24 h). */
  rotateAfterMs: number;
  /** Overrides the venue's keepalive interval (tests). */
  keepaliveMs?: number;
  /** Largest frame accepted; a bigger one closes the connection (ws answers 1009). */
  maxFrameBytes: number;
  /** A venue that should push every second (`VenueStream.dataEveryMs`) but sent no data this long is on a dead route. */
  dataSilenceMs: number;
}

export const DEFAULT_TIMING: ConnectionTiming = {
  graceMs: 15_000,
  connectTimeoutMs: 15_000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  stableMs: 60_000,
  rotateAfterMs: 23 * 3_600_000,
  maxFrameBytes: 8 * 1024 * 1024,
  dataSilenceMs: 60_000,
};

export interface Gap {
  venue: StreamHealth['venue'];
  from: number;
  to: number;
  reason: string;
}

export interface ConnectionHooks {
  onEvents(events: StreamEvent[]): void;
  /** The connection came back after an outage. */
  onGap?(gap: Gap): void;
  /** The connection went down (the gap starts). */
  onDown?(venue: StreamHealth['venue'], since: number, reason: string): void;
  /** The venue answered on a new connection (`first`: the first since start). */
  onConnected?(venue: StreamHealth['venue'], at: number, first: boolean): void;
}

export interface ConnectionOptions {
  timing?: Partial<ConnectionTiming>;
  now?: () => number;
  random?: () => number;
  logger: Logger;
}

interface Link {
  socket: WebSocket;
  openedAt: number;
  /** The venue answered on it. */
  live: boolean;
  lastFrameMono: number;
  /** The last frame carrying events. */
  lastDataMono: number;
  keepalive?: NodeJS.Timeout;
  rotation?: NodeJS.Timeout;
  /** A rotation's new link, not yet in charge. */
  standby: boolean;
  /** Why this side ended it (silence, timeout), when it did. */
  failure?: string;
}

const DEDUP_WINDOW_MS = 5_000;
const RECENT_KEYS = 1024;

export class StreamConnection {
  readonly venue: StreamHealth['venue'];
  private readonly timing: ConnectionTiming;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger: Logger;
  private active: Link | undefined;
  private standby: Link | undefined;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogTickMs = 1_000;
  private lastCheckMono = 0;
  private everConnected = false;
  /** Keys of the last liquidations, to drop what a rotation's two connections both carried. */
  private readonly recent: string[] = [];
  private readonly recentSet = new Set<string>();
  private dedupUntilMono = 0;
  private readonly state: Omit<StreamHealth, 'venue' | 'liquidations' | 'connected'> = {
    lastMessageAt: null,
    connectedSince: null,
    reconnects: 0,
    rotations: 0,
    messages: 0,
    malformed: 0,
    downSince: null,
    lastError: null,
  };
  private downReason = '';

  constructor(
    readonly spec: VenueStream,
    private readonly hooks: ConnectionHooks,
    options: ConnectionOptions,
  ) {
    this.venue = spec.venue;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.now = options.now ?? (() => Date.now());
    this.random = options.random ?? Math.random;
    this.logger = options.logger.child({ venue: spec.venue });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.state.downSince = this.now();
    this.downReason = 'starting';
    this.open(false);
    this.watchdogTickMs = Math.max(50, Math.min(1_000, Math.floor(this.timing.graceMs / 4)));
    this.lastCheckMono = performance.now();
    this.watchdog = setInterval(() => this.checkLiveness(), this.watchdogTickMs);
    this.watchdog.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.watchdog);
    const closing = [this.active, this.standby].filter((l): l is Link => !!l).map((link) => this.close(link, 1000, 'stopping'));
    this.active = this.standby = undefined;
    await Promise.all(closing);
  }

  health(): StreamHealth {
    return { venue: this.venue, liquidations: this.spec.liquidations, connected: !!this.active?.live, ...this.state };
  }

  /** Replaces the connection now, as the scheduled rotation does (tests, operators). */
  rotate(): void {
    if (this.stopped || this.standby || !this.active?.live) return;
    this.open(true);
  }

  private open(asStandby: boolean): void {
    const socket = new WebSocket(this.spec.url, {
      handshakeTimeout: this.timing.connectTimeoutMs,
      maxPayload: this.timing.maxFrameBytes,
      perMessageDeflate: false,
    });
    const link: Link = { socket, openedAt: performance.now(), live: false, lastFrameMono: performance.now(), lastDataMono: performance.now(), standby: asStandby };
    if (asStandby) this.standby = link;
    else this.active = link;

    socket.on('open', () => {
      link.lastFrameMono = link.lastDataMono = performance.now();
      const frames = this.spec.subscribe();
      for (const frame of frames) socket.send(frame);
      // Subscribed by its URL: connected once open (a dead route shows as missing data).
      if (frames.length === 0) this.becameLive(link, this.now());
      const interval = this.timing.keepaliveMs ?? this.spec.keepalive.intervalMs;
      link.keepalive = setInterval(() => this.sendKeepalive(link), interval);
      link.keepalive.unref?.();
    });
    // ws's default binaryType ('nodebuffer') hands every frame over as one Buffer.
    socket.on('message', (data, isBinary) => this.onFrame(link, isBinary ? '' : (data as Buffer).toString()));
    socket.on('ping', () => {
      link.lastFrameMono = performance.now();
    });
    socket.on('pong', () => {
      link.lastFrameMono = performance.now();
    });
    socket.on('error', (error) => {
      this.state.lastError = error.message;
    });
    socket.on('close', (code, reason) => this.onClose(link, code, reason.toString()));
  }

  private sendKeepalive(link: Link): void {
    if (link.socket.readyState !== WebSocket.OPEN) return;
    if (this.spec.keepalive.message !== undefined) link.socket.send(this.spec.keepalive.message);
    else link.socket.ping();
  }

  private onFrame(link: Link, text: string): void {
    if (link !== this.active && link !== this.standby) return; // a retired connection's last frames
    link.lastFrameMono = performance.now();
    const now = this.now();
    this.state.lastMessageAt = now;
    const frame = this.spec.parse(text, now);
    if (frame.dropped) {
      this.state.malformed += frame.dropped;
      if (this.state.malformed === 1 || this.state.malformed % 1000 === 0) this.logger.warn({ malformed: this.state.malformed, error: frame.error }, 'streams: frames that did not validate');
    }
    if (frame.error && !frame.dropped) {
      this.state.lastError = frame.error;
      this.logger.warn({ error: frame.error }, 'streams: the venue refused');
    }
    if (!link.live && (frame.control === 'ack' || frame.events.length > 0)) this.becameLive(link, now);
    if (frame.events.length === 0) return;
    link.lastDataMono = link.lastFrameMono;
    this.state.messages++;
    if (link.standby) return; // the old connection still reports until the swap
    this.hooks.onEvents(this.withoutRepeats(frame.events));
  }

  private becameLive(link: Link, now: number): void {
    link.live = true;
    if (link.standby) {
      // Rotation: the new connection answers, so the old one can go without a gap.
      const old = this.active;
      link.standby = false;
      this.active = link;
      this.standby = undefined;
      this.state.rotations++;
      this.state.reconnects++;
      this.state.connectedSince = now;
      this.dedupUntilMono = performance.now() + DEDUP_WINDOW_MS;
      if (old) void this.close(old, 1000, 'rotated');
      this.scheduleRotation(link);
      this.logger.info('streams: rotated the connection');
      return;
    }
    const first = !this.everConnected;
    if (!first) this.state.reconnects++;
    this.everConnected = true;
    this.hooks.onConnected?.(this.venue, now, first);
    this.state.connectedSince = now;
    const since = this.state.downSince;
    this.state.downSince = null;
    if (since !== null && this.downReason !== 'starting') this.hooks.onGap?.({ venue: this.venue, from: since, to: now, reason: this.downReason });
    this.scheduleRotation(link);
    this.logger.info({ reconnects: this.state.reconnects }, 'streams: connected');
  }

  private scheduleRotation(link: Link): void {
    link.rotation = setTimeout(() => this.rotate(), this.timing.rotateAfterMs);
    link.rotation.unref?.();
  }

  private withoutRepeats(events: StreamEvent[]): StreamEvent[] {
    const dedup = performance.now() < this.dedupUntilMono;
    const kept: StreamEvent[] = [];
    for (const event of events) {
      if (event.kind !== 'liquidation') {
        kept.push(event);
        continue;
      }
      const key = `${event.symbol}|${event.side}|${event.time}|${event.quantity}|${event.price}`;
      if (dedup && this.recentSet.has(key)) continue;
      kept.push(event);
      this.recent.push(key);
      this.recentSet.add(key);
      if (this.recent.length > RECENT_KEYS) this.recentSet.delete(this.recent.shift()!);
    }
    return kept;
  }

  private checkLiveness(): void {
    const mono = performance.now();
    // A late tick means this process was busy (the event loop blocked), not that the venue went
    // quiet: the frames that arrived meanwhile are still queued. Judge again next tick.
    const late = mono - this.lastCheckMono > 3 * this.watchdogTickMs;
    this.lastCheckMono = mono;
    if (late) return;
    for (const link of [this.active, this.standby]) {
      if (!link) continue;
      const open = link.socket.readyState === WebSocket.OPEN;
      const keepalive = this.timing.keepaliveMs ?? this.spec.keepalive.intervalMs;
      if (!open && mono - link.openedAt > this.timing.connectTimeoutMs) {
        this.fail(link, 'connect timeout');
      } else if (open && !link.live && mono - link.openedAt > this.timing.connectTimeoutMs) {
        this.fail(link, 'no answer to the subscription');
      } else if (open && mono - link.lastFrameMono > keepalive + this.timing.graceMs) {
        this.fail(link, `silent for ${seconds(mono - link.lastFrameMono)} s (no data, no pong)`);
      } else if (open && link.live && this.spec.dataEveryMs !== undefined && mono - link.lastDataMono > Math.max(this.spec.dataEveryMs, this.timing.dataSilenceMs)) {
        this.fail(link, `no data for ${seconds(mono - link.lastDataMono)} s`);
      } else if (link === this.active && link.live && mono - link.openedAt > this.timing.stableMs) {
        this.attempt = 0;
      }
    }
  }

  private fail(link: Link, reason: string): void {
    link.failure = reason;
    this.state.lastError = reason;
    this.logger.warn({ reason }, 'streams: replacing the connection');
    link.socket.terminate(); // 'close' follows and reconnects
  }

  private onClose(link: Link, code: number, reason: string): void {
    clearInterval(link.keepalive);
    clearTimeout(link.rotation);
    if (link === this.standby) {
      // A rotation attempt failed: the old connection carries on; try again later.
      this.standby = undefined;
      if (!this.stopped) {
        link.rotation = setTimeout(() => this.rotate(), this.backoff());
        link.rotation.unref?.();
      }
      return;
    }
    if (link !== this.active) return; // retired by a rotation or by stop()
    this.active = undefined;
    if (this.stopped) return;
    const why = code === 1006 ? (link.failure ?? 'connection lost') : `closed by the venue (${code}${reason ? ` ${reason}` : ''})`;
    if (this.state.downSince === null) {
      // The gap starts at the last frame: anything after it may have been lost.
      this.state.downSince = this.state.lastMessageAt ?? this.now();
      this.downReason = why;
      this.hooks.onDown?.(this.venue, this.state.downSince, why);
    }
    this.state.lastError = why;
    this.state.connectedSince = null;
    const delay = this.backoff();
    this.logger.warn({ code, reason: why, retryInMs: delay }, 'streams: disconnected');
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopped) this.open(false);
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private backoff(): number {
    const base = Math.min(this.timing.maxBackoffMs, this.timing.initialBackoffMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(base * (0.5 + this.random()));
  }

  private close(link: Link, code: number, reason: string): Promise<void> {
    clearInterval(link.keepalive);
    clearTimeout(link.rotation);
    const socket = link.socket;
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    });
  }
}

const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
