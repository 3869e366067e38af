import type { Logger } from 'pino';
import { VENUES, type AdlRisk, type Venue } from '../market/types.ts';
import type { CrashEpisode } from '../store/digest-repository.ts';
import type { SideTotal, StreamRepository } from '../store/stream-repository.ts';
import type { LiquidationLedger } from '../streams/ledger.ts';
import type { MarketPulse } from '../streams/pulse.ts';
import type { StreamHealth } from '../streams/types.ts';
import type { DigestSource, DigestReport, LiveDigest } from './digest.ts';
import type { DigestCoin, DigestView } from './digest-message.ts';
import type { CrashChange, CrashMonitor } from './stream-crash.ts';

/**
 * Crash alerts from the streams, on a one-second beat: the monitor judges the coins, then the
 * digest delivers what is due. Started with the streams by the bot (src/app.ts).
 */
export class LiveCrashAlerts {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly monitor: CrashMonitor,
    readonly digest: LiveDigest,
    private readonly logger: Logger,
    private readonly tickMs = 1_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'crash: tick failed')), this.tickMs);
    this.timer.unref?.();
  }

  stop(): Promise<DigestReport | undefined> {
    clearInterval(this.timer);
    this.timer = undefined;
    // Let a round that is sending finish (its outcome is stored for the next process).
    return this.digest.tick().catch(() => undefined);
  }

  async tick(): Promise<{ change?: CrashChange; delivery: DigestReport }> {
    const change = this.monitor.tick();
    const delivery = await this.digest.tick();
    return { change, delivery };
  }
}

/** What the digest shows, read from the streams' ledger, pulse, gaps and health, and the poll's ADL flags. */
export function streamDigestSource(deps: {
  ledger: Pick<LiquidationLedger, 'totals'>;
  pulse: Pick<MarketPulse, 'adlFlags'>;
  repo: Pick<StreamRepository, 'gaps'>;
  health(): StreamHealth[];
  /** The venues' ADL flags from the minute poll (Binance symbolAdlRisk, Bybit adlAlert). */
  polledAdl?(symbol: string): Array<{ venue: Venue; risk: AdlRisk | null }>;
  editIntervalMs: number;
  /** Coins shown at most (the heaviest first), so the digest stays one message on every face. */
  maxCoins?: number;
}): DigestSource {
  const rank: Record<AdlRisk, number> = { low: 0, medium: 1, high: 2 };
  return {
    view(episode: CrashEpisode, symbols: readonly string[], now: number): DigestView {
      const health = new Map(deps.health().map((h) => [h.venue, h]));
      const gaps = deps.repo.gaps(episode.startedAt, now);
      const venueTotals = new Map<Venue, { long: SideTotal; short: SideTotal; adl: AdlRisk | null }>();
      const coins: DigestCoin[] = [];
      for (const symbol of symbols) {
        const coin = episode.coins[symbol];
        if (!coin) continue;
        const totals = deps.ledger.totals(episode.startedAt, now, symbol, 0).byVenue;
        const long: SideTotal = { count: 0, usd: 0 };
        const short: SideTotal = { count: 0, usd: 0 };
        for (const [venue, sides] of totals) {
          const entry = venueTotals.get(venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 }, adl: null };
          for (const [total, side, into] of [
            [long, sides.long, entry.long],
            [short, sides.short, entry.short],
          ] as const) {
            total.count += side.count;
            total.usd += side.usd;
            into.count += side.count;
            into.usd += side.usd;
          }
          venueTotals.set(venue, entry);
        }
        const flags = [...deps.pulse.adlFlags(symbol, now), ...(deps.polledAdl?.(symbol) ?? [])];
        for (const flag of flags) {
          if (!flag.risk || flag.risk === 'low') continue;
          const entry = venueTotals.get(flag.venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 }, adl: null };
          if (!entry.adl || rank[flag.risk] > rank[entry.adl]) entry.adl = flag.risk;
          venueTotals.set(flag.venue, entry);
        }
        coins.push({ symbol, severity: coin.severity, high: coin.high, last: coin.last, low: coin.low, long, short });
      }
      coins.sort((a, b) => b.long.usd + b.short.usd - (a.long.usd + a.short.usd));
      const venues = VENUES.map((venue) => {
        const h = health.get(venue);
        const totals = venueTotals.get(venue) ?? { long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 }, adl: null };
        const liquidations = h?.liquidations ?? venue !== 'hyperliquid';
        return { venue, liquidations, ...totals, partial: liquidations && (!h?.connected || gaps.some((g) => g.venue === venue)) };
      });
      return {
        startedAt: episode.startedAt,
        lastActiveAt: episode.lastActiveAt,
        endedAt: episode.endedAt,
        now,
        coins: coins.slice(0, deps.maxCoins ?? 8),
        venues,
        editIntervalSeconds: Math.round(deps.editIntervalMs / 1000),
      };
    },
  };
}
