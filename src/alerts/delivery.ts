import type { Logger } from 'pino';
import type { Lang } from '../chat/command.ts';
import type { ReplySender } from '../chat/delivery.ts';
import type { Pacing } from '../chat/profile.ts';
import type { Reply } from '../chat/reply.ts';
import type { OutboxItem } from '../store/outbox-table.ts';

/**
 * Drains the persisted outbox through the faces' senders, paced to each face's limits (the
 * sender's `pacing`, from its profile), retrying rate limits and server errors, and pausing a
 * subscription whose chat is gone or forbids the bot (instead of retrying forever).
 */
/**
 * A persisted outbox the queue drains: the alerts' (src/store/alerts-repository.ts) and the
 * watch list's (src/store/watch-repository.ts) keep their rows in their own tables.
 */
export interface OutboxStore {
  due<T>(now: number): Array<OutboxItem<T>>;
  markSent(id: number, attempts: number): void;
  retryLater(id: number, attempts: number, nextAttemptAt: number, error: string, giveUp: boolean): void;
  /** Dropped unsent: too old to be news. */
  expire(id: number, reason: string): void;
  /** The chat is gone or forbids the bot: stop sending there and drop what was queued for it. */
  pause(platform: string, chatId: string, reason: string, now: Date): void;
}

export interface DeliveryOptions<T> {
  repo: OutboxStore;
  /** By face id; filled by the composition root as the faces are built. */
  senders: ReadonlyMap<string, ReplySender>;
  /** The chat's language (stored chat preference, else en). */
  langOf(platform: string, chatId: string): Lang;
  render(alert: T, lang: Lang): Reply;
  logger: Logger;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Overrides the senders' own pacing (tests, the bench). */
  pacing?: Readonly<Record<string, Pacing>>;
  maxAttempts?: number;
  /** A retry the platform asks for within this wait is done in the same drain. */
  maxInlineWaitMs?: number;
  /**
   * An alert still undelivered this long after it was queued (the bot was down, the platform
   * kept answering 429) is dropped, not sent: a market alert that late would mislead. A function
   * gives each item its own limit (a receipt of a fill stays worth sending much longer).
   */
  maxAgeMs?: number | ((alert: T) => number);
}

export const DEFAULT_MAX_ALERT_AGE_MS = 30 * 60_000;

export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
  /** Dropped because they were older than `maxAgeMs` when their turn came. */
  expired: number;
  paused: Array<{ platform: string; chatId: string; reason: string }>;
}

export class DeliveryQueue<T> {
  private readonly nextGlobal = new Map<string, number>();
  private readonly nextChat = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly maxInlineWaitMs: number;
  private readonly maxAgeOf: (alert: T) => number;

  constructor(private readonly options: DeliveryOptions<T>) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 5_000;
    const maxAge = options.maxAgeMs ?? DEFAULT_MAX_ALERT_AGE_MS;
    this.maxAgeOf = typeof maxAge === 'function' ? maxAge : () => maxAge;
  }

  async drain(): Promise<DrainReport> {
    const { repo, senders, logger } = this.options;
    const report: DrainReport = { sent: 0, retried: 0, failed: 0, expired: 0, paused: [] };
    const pausedNow = new Set<string>();
    const rendered = new Map<string, Reply>();
    for (const item of repo.due<T>(this.options.now())) {
      const chatKey = `${item.platform}:${item.chatId}`;
      if (pausedNow.has(chatKey)) continue;
      const age = this.options.now() - item.createdAt;
      const maxAgeMs = this.maxAgeOf(item.alert);
      if (age > maxAgeMs) {
        repo.expire(item.id, `expired: not delivered within ${Math.round(maxAgeMs / 60_000)} min`);
        report.expired++;
        logger.warn({ platform: item.platform, chatId: item.chatId, ageMinutes: Math.round(age / 60_000) }, 'alerts: dropped an alert too old to send');
        continue;
      }
      const sender = senders.get(item.platform);
      if (!sender) {
        repo.retryLater(item.id, item.attempts + 1, this.options.now() + 60_000, `no ${item.platform} sender`, item.attempts + 1 >= this.maxAttempts);
        report.retried++;
        continue;
      }
      const lang = this.options.langOf(item.platform, item.chatId);
      // One rendering (chart included) per alert and language, however many chats get it.
      const renderKey = `${lang}:${JSON.stringify(item.alert)}`;
      let reply = rendered.get(renderKey);
      if (!reply) {
        reply = this.options.render(item.alert, lang);
        rendered.set(renderKey, reply);
      }
      let attempts = item.attempts;
      for (;;) {
        await this.pace(sender, chatKey);
        attempts++;
        const result = await sender.send(item.chatId, reply, lang).catch((error: unknown) => ({
          ok: false as const,
          reason: 'retry' as const,
          detail: error instanceof Error ? error.message : String(error),
          retryAfterMs: undefined,
        }));
        if (result.ok) {
          repo.markSent(item.id, attempts);
          report.sent++;
          break;
        }
        if (result.reason === 'gone' || result.reason === 'forbidden') {
          const reason = `${result.reason}: ${result.detail}`;
          repo.pause(item.platform, item.chatId, reason, new Date(this.options.now()));
          pausedNow.add(chatKey);
          report.paused.push({ platform: item.platform, chatId: item.chatId, reason });
          logger.warn({ platform: item.platform, chatId: item.chatId, reason }, 'alerts: target unreachable, subscription paused');
          break;
        }
        const waitMs = result.retryAfterMs ?? Math.min(60_000, 1_000 * 2 ** attempts);
        const giveUp = attempts >= this.maxAttempts;
        if (!giveUp && waitMs <= this.maxInlineWaitMs) {
          report.retried++;
          await this.options.sleep(waitMs);
          continue;
        }
        repo.retryLater(item.id, attempts, this.options.now() + waitMs, result.detail, giveUp);
        if (giveUp) report.failed++;
        else report.retried++;
        logger.warn({ platform: item.platform, chatId: item.chatId, attempts, detail: result.detail, giveUp }, 'alerts: delivery deferred');
        break;
      }
    }
    return report;
  }

  private async pace(sender: ReplySender, chatKey: string): Promise<void> {
    const { platform } = sender;
    const pacing = this.options.pacing?.[platform] ?? sender.pacing;
    const now = this.options.now();
    const readyAt = Math.max(this.nextGlobal.get(platform) ?? 0, this.nextChat.get(chatKey) ?? 0);
    if (readyAt > now) await this.options.sleep(readyAt - now);
    const sentAt = Math.max(now, readyAt);
    this.nextGlobal.set(platform, sentAt + pacing.globalMs);
    this.nextChat.set(chatKey, sentAt + pacing.perChatMs);
  }
}
