import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Lang } from '../chat/command.ts';
import type { ReplySender, DeliveryResult } from '../chat/delivery.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Pacing } from '../chat/profile.ts';
import { translator } from '../chat/i18n.ts';
import type { Reply } from '../chat/reply.ts';
import { AlertsRepository, venueGroup, type Subscription } from '../store/alerts-repository.ts';
import type { MarketService, PollResult } from '../market/service.ts';
import { fundingOiChartPng } from '../market/chart.ts';
import type { SignalThresholds } from '../core/signals.ts';
import { evaluateAlerts, wants, type AlertCandidate } from './evaluate.ts';
import { buildAlertReply } from './message.ts';
import { DeliveryQueue, type DrainReport } from './delivery.ts';

/**
 * The alert cycle: poll → store → evaluate → dedup → deliver, on a node-cron schedule with no
 * overlapping runs. Dedup and the outbox live in SQLite; how often an alert reaches a chat is
 * stated per platform in src/alerts/delivery.ts and the README ("Alert guarantees").
 */
export interface AlertServiceOptions {
  market: MarketService;
  repo: AlertsRepository;
  preferences: Pick<LanguagePreferences, 'chatLang'>;
  /** By face id; the composition root adds each face's sender as it builds the face. */
  senders: ReadonlyMap<string, ReplySender>;
  thresholds: SignalThresholds;
  cooldownMs: number;
  defaultSymbols: readonly string[];
  maxPerChatPerCycle?: number;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pacing?: Readonly<Record<string, Pacing>>;
  /** Draw charts in alerts (off in the bench, where only the pipeline is timed). */
  charts?: boolean;
  /** Undelivered alerts older than this are dropped, not sent late (default 30 min). */
  maxAlertAgeMs?: number;
  /**
   * Crash detection on the live streams (src/alerts/stream-crash.ts): for a coin it covers, the
   * crash alert comes from the streams (in seconds, as a live digest) and this poll does not
   * queue its own; when the streams are down, the poll's crash alert stands in.
   */
  streamCrash?: { covers(symbol: string): boolean };
}

export interface CycleReport {
  poll: PollResult['venues'];
  candidates: AlertCandidate[];
  /** (target, alert) pairs queued after dedup. */
  queued: Array<{ platform: string; chatId: string; alert: AlertCandidate }>;
  delivery?: DrainReport;
}

export interface PlannedAlert {
  candidate: AlertCandidate;
  /** Chats it would be queued for. */
  send: Subscription[];
  /** Chats that want it but would not get it this cycle. */
  held: Array<{ sub: Subscription; reason: 'cooldown' | 'per-chat-limit' }>;
}

export class AlertService {
  readonly repo: AlertsRepository;
  readonly defaultSymbols: readonly string[];
  private readonly queue: DeliveryQueue<AlertCandidate>;
  private readonly now: () => number;
  private running: Promise<CycleReport> | undefined;
  private task: ScheduledTask | undefined;
  /** When each coin last raised a crash candidate (whoever subscribed): the watch list reads it as "ADL plausible". */
  private readonly lastCrash = new Map<string, number>();

  constructor(private readonly options: AlertServiceOptions) {
    this.repo = options.repo;
    this.defaultSymbols = options.defaultSymbols;
    this.now = options.now ?? (() => Date.now());
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.queue = new DeliveryQueue<AlertCandidate>({
      repo: options.repo,
      senders: options.senders,
      langOf: (platform, chatId) => this.langOf(platform, chatId),
      render: (alert, lang) => this.render(alert, lang),
      logger: options.logger,
      now: this.now,
      sleep,
      pacing: options.pacing,
      maxAgeMs: options.maxAlertAgeMs,
    });
  }

  langOf(platform: string, chatId: string): Lang {
    return this.options.preferences.chatLang(platform, chatId) ?? 'en';
  }

  subscription(platform: string, chatId: string): Subscription | undefined {
    return this.repo.get(platform, chatId);
  }

  subscribe(subscription: Omit<Subscription, 'pausedAt' | 'pausedReason'>): void {
    this.repo.subscribe(subscription);
  }

  unsubscribe(platform: string, chatId: string): boolean {
    return this.repo.unsubscribe(platform, chatId);
  }

  /** The chat is gone or the bot was removed from it: stop alerting it (subscribing again resumes). */
  pause(platform: string, chatId: string, reason: string): void {
    this.repo.pause(platform, chatId, reason, new Date(this.now()));
  }

  async render(alert: AlertCandidate, lang: Lang): Promise<Reply> {
    const chart = this.options.charts === false ? undefined : await fundingOiChartPng(alert.symbol, this.options.market.history(alert.symbol, 24), lang);
    return buildAlertReply(alert, lang, chart);
  }

  /** poll → store → evaluate; no dedup, no delivery (what `alerts run-once` prints). */
  async evaluate(): Promise<{ poll: PollResult; candidates: AlertCandidate[]; subscriptions: Subscription[] }> {
    const poll = await this.options.market.poll();
    const subscriptions = this.repo.active();
    const groups = subscriptions.length > 0 ? subscriptions.map((s) => s.venues) : [['*']];
    const signals = this.options.market.signals(poll, this.options.thresholds);
    const marks = new Map(poll.fresh.map(({ snapshot: s }) => [`${s.venue}:${s.symbol}`, s.mark]));
    const candidates = evaluateAlerts(signals, marks, groups, this.options.thresholds, poll.at);
    for (const c of candidates) if (c.kind === 'crash') this.lastCrash.set(c.symbol.toUpperCase(), poll.at);
    return { poll, candidates, subscriptions };
  }

  /** Did the last `withinMs` raise a crash candidate for `symbol` (default: the crash window)? */
  crashRunning(symbol: string, now: number, withinMs = this.options.thresholds.crashWindowMinutes * 60_000): boolean {
    const at = this.lastCrash.get(symbol.toUpperCase());
    return at !== undefined && now - at <= withinMs;
  }

  /** Which subscribed chats a candidate goes to (before dedup). */
  targetsOf(candidate: AlertCandidate, subscriptions: readonly Subscription[]): Subscription[] {
    return subscriptions.filter((s) => wants(s, candidate));
  }

  /** One full cycle. A cycle still running when the next is due is not overlapped: callers share it. */
  runCycle(): Promise<CycleReport> {
    this.running ??= this.cycle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Dedup and the per-chat cap, read-only: for each candidate, the chats a cycle would queue it
   * for and the ones it would hold back (already sent within the cooldown at this severity or
   * higher, or the chat's cap for one cycle reached). Candidates come strongest first.
   */
  plan(candidates: readonly AlertCandidate[], subscriptions: readonly Subscription[], now: number): PlannedAlert[] {
    const perChat = new Map<string, number>();
    const max = this.options.maxPerChatPerCycle ?? 5;
    return candidates.map((candidate) => {
      const planned: PlannedAlert = { candidate, send: [], held: [] };
      for (const sub of this.targetsOf(candidate, subscriptions)) {
        const chatKey = `${sub.platform}:${sub.chatId}`;
        const key = { platform: sub.platform, chatId: sub.chatId, venueGroup: venueGroup(sub.venues), symbol: candidate.symbol, kind: candidate.kind };
        if (this.repo.isDuplicate(key, candidate.severity, now, this.options.cooldownMs)) planned.held.push({ sub, reason: 'cooldown' });
        else if ((perChat.get(chatKey) ?? 0) >= max) planned.held.push({ sub, reason: 'per-chat-limit' });
        else {
          perChat.set(chatKey, (perChat.get(chatKey) ?? 0) + 1);
          planned.send.push(sub);
        }
      }
      return planned;
    });
  }

  private async cycle(): Promise<CycleReport> {
    const { poll, candidates, subscriptions } = await this.evaluate();
    const now = poll.at;
    const queued: CycleReport['queued'] = [];
    const streamed = this.options.streamCrash;
    const polled = streamed ? candidates.filter((c) => !(c.kind === 'crash' && streamed.covers(c.symbol))) : candidates;
    for (const { candidate, send } of this.plan(polled, subscriptions, now)) {
      for (const sub of send) {
        const key = { platform: sub.platform, chatId: sub.chatId, venueGroup: venueGroup(sub.venues), symbol: candidate.symbol, kind: candidate.kind };
        // The same check again, written together with the outbox row in one transaction.
        if (this.repo.enqueueUnlessDuplicate(key, candidate.severity, candidate, now, this.options.cooldownMs)) {
          queued.push({ platform: sub.platform, chatId: sub.chatId, alert: candidate });
        }
      }
    }
    const delivery = await this.queue.drain();
    this.options.market.prune();
    this.repo.pruneOutbox(now - Math.max(this.options.cooldownMs, 24 * 3_600_000));
    return { poll: poll.venues, candidates, queued, delivery };
  }

  /** Delivers whatever is still queued (e.g. after a restart), without polling. */
  drain(): Promise<DrainReport> {
    return this.queue.drain();
  }

  /** `/alerts test`: a sample built from 10 Oct 2025 numbers, sent straight to the chat. */
  async sendTest(platform: string, chatId: string, lang: Lang): Promise<DeliveryResult> {
    const sender = this.options.senders.get(platform);
    if (!sender) return { ok: false, reason: 'retry', detail: `no ${platform} sender` };
    const reply = buildAlertReply(sampleAlert(), lang);
    reply.blocks.unshift({ kind: 'text', text: translator(lang)('alerts.test-banner') });
    return sender.send(chatId, reply, lang);
  }

  /** Runs `runCycle` on the cron schedule; errors are logged, never thrown into the timer. */
  start(schedule: string): void {
    this.task = cron.schedule(
      schedule,
      async () => {
        try {
          await this.runCycle();
        } catch (error) {
          this.options.logger.error({ err: error }, 'alerts: cycle failed');
        }
      },
      { noOverlap: true, name: 'alerts-cycle' },
    );
  }

  /** Whether the cycle runs on its schedule (`start`ed and not stopped). */
  get scheduled(): boolean {
    return this.task !== undefined;
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.running?.catch(() => undefined);
  }
}

/**
 * The sample for `/alerts test`: BTC around 21:15 UTC on 10 Oct 2025 (≈122.5k → ≈104.8k,
 * Amberdata via third-party reports; CoinGlass). The per-venue
 * figures are illustrative, and the message says so.
 */
export function sampleAlert(): AlertCandidate {
  return {
    kind: 'crash',
    symbol: 'BTC',
    severity: 'critical',
    venueGroup: '*',
    venues: ['binance', 'bybit', 'hyperliquid'],
    crash: { worstDrop: 0.145, worstFlush: 0.22, flushVenues: ['hyperliquid'], windowMinutes: 15 },
    metrics: [
      { venue: 'binance', mark: 104_782, fundingApr: 0.11, fundingZ: null, oiChange1h: -0.12, oiChange4h: -0.1, priceChange15m: -0.1, priceChange1h: -0.14, dropFromPeak: 0.145, oiFlush: 0.12, adlRisk: 'high' },
      { venue: 'bybit', mark: 104_900, fundingApr: 0.1, fundingZ: null, oiChange1h: -0.11, oiChange4h: -0.1, priceChange15m: -0.1, priceChange1h: -0.14, dropFromPeak: 0.143, oiFlush: 0.11, adlRisk: null },
      { venue: 'hyperliquid', mark: 104_700, fundingApr: 0.12, fundingZ: null, oiChange1h: -0.2, oiChange4h: -0.2, priceChange15m: -0.1, priceChange1h: -0.14, dropFromPeak: 0.145, oiFlush: 0.22, adlRisk: null },
    ],
    time: Date.UTC(2025, 9, 10, 21, 15),
  };
}
