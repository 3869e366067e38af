import type { Logger } from 'pino';
import type { Lang } from '../chat/command.ts';
import type { ReplySender } from '../chat/delivery.ts';
import type { Pacing } from '../chat/profile.ts';
import type { Reply } from '../chat/reply.ts';
import type { OutboxTable } from '../store/outbox-table.ts';

/**
 * Drains a persisted outbox through the faces' senders, paced to each face's limits (the
 * sender's `pacing`, from its profile), retrying what was certainly not posted (rate limits,
 * refused connections), and pausing a subscription whose chat is gone or forbids the bot.
 * The market alerts and the watch list's alerts and receipts go through it, each from its own
 * outbox table, with the same guarantees.
 *
 * How often a message is posted (README, "Alert guarantees"):
 * - every row is marked `sending` in SQLite before the platform call and `sent` after it;
 * - a send whose fate is unknown (the process died during it, a time-out, a dropped connection,
 *   a 5xx) is repeated only where the platform de-duplicates: with the same idempotency key
 *   (Discord's nonce) and within its window (`ReplySender.deduplicates`), so Discord gets it
 *   exactly once; elsewhere (Telegram) it is marked `uncertain` and never repeated: at most once;
 * - drains never overlap, so one process never sends a row twice at the same time.
 */
/**
 * A persisted outbox the queue drains: the alerts' (src/store/alerts-repository.ts) and the
 * watch list's (src/store/watch-repository.ts) keep their rows in their own tables.
 */
export interface OutboxStore {
  readonly outboxRows: Pick<OutboxTable, 'due' | 'interrupted' | 'markSending' | 'markSent' | 'markUncertain' | 'requeue' | 'retryLater' | 'expire'>;
  /** The chat is gone or forbids the bot: stop sending there and drop what was queued for it. */
  pause(platform: string, chatId: string, reason: string, now: Date): void;
}

export interface DeliveryOptions<T> {
  repo: OutboxStore;
  /** By face id; filled by the composition root as the faces are built. */
  senders: ReadonlyMap<string, ReplySender>;
  /** The chat's language (stored chat preference, else en). */
  langOf(platform: string, chatId: string): Lang;
  /** The alert as a reply in the chat's language (its chart drawn by the render worker). */
  render(alert: T, lang: Lang): Reply | Promise<Reply>;
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

/**
 * A send of unknown fate may be repeated only with the same idempotency key, while the platform
 * still de-duplicates it: `since` (the first attempt) is within the sender's window `now`.
 * Telegram has no window, so never.
 */
export function mayRepeat(sender: Pick<ReplySender, 'deduplicates'>, since: number, now: number): boolean {
  const window = sender.deduplicates?.windowMs;
  return window !== undefined && now - since < window;
}

export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
  /** Dropped because they were older than `maxAgeMs` when their turn came. */
  expired: number;
  /** Perhaps posted, not repeated (at most once). */
  uncertain: number;
  paused: Array<{ platform: string; chatId: string; reason: string }>;
}

type Outcome = Awaited<ReturnType<ReplySender['send']>>;

export class DeliveryQueue<T> {
  private readonly nextGlobal = new Map<string, number>();
  private readonly nextChat = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly maxInlineWaitMs: number;
  private readonly maxAgeOf: (alert: T) => number;
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DeliveryOptions<T>) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 5_000;
    const maxAge = options.maxAgeMs ?? DEFAULT_MAX_ALERT_AGE_MS;
    this.maxAgeOf = typeof maxAge === 'function' ? maxAge : () => maxAge;
  }

  /** Sends what is due. Drains run one after another (a scheduled cycle and the drain at start may both ask). */
  drain(): Promise<DrainReport> {
    const run = this.last.then(() => this.drainOnce());
    this.last = run.catch(() => undefined);
    return run;
  }

  private async drainOnce(): Promise<DrainReport> {
    const { repo, senders, logger } = this.options;
    const rows = repo.outboxRows;
    const report: DrainReport = { sent: 0, retried: 0, failed: 0, expired: 0, uncertain: 0, paused: [] };
    this.recoverInterrupted(report);
    const pausedNow = new Set<string>();
    const rendered = new Map<string, Reply>();
    for (const item of rows.due<T>(this.options.now())) {
      const chatKey = `${item.platform}:${item.chatId}`;
      if (pausedNow.has(chatKey)) continue;
      const age = this.options.now() - item.createdAt;
      const maxAgeMs = this.maxAgeOf(item.alert);
      if (age > maxAgeMs) {
        rows.expire(item.id, `expired: not delivered within ${Math.round(maxAgeMs / 60_000)} min`);
        report.expired++;
        logger.warn({ platform: item.platform, chatId: item.chatId, ageMinutes: Math.round(age / 60_000) }, 'alerts: dropped an alert too old to send');
        continue;
      }
      const sender = senders.get(item.platform);
      if (!sender) {
        rows.retryLater(item.id, item.attempts + 1, this.options.now() + 60_000, `no ${item.platform} sender`, item.attempts + 1 >= this.maxAttempts);
        report.retried++;
        continue;
      }
      const lang = this.options.langOf(item.platform, item.chatId);
      // One rendering (chart included) per alert and language, however many chats get it.
      const renderKey = `${lang}:${JSON.stringify(item.alert)}`;
      let reply = rendered.get(renderKey);
      if (!reply) {
        reply = await this.options.render(item.alert, lang);
        rendered.set(renderKey, reply);
      }
      const { idempotencyKey } = item;
      let attempts = item.attempts;
      const firstAttemptAt = item.firstAttemptAt ?? this.options.now();
      // Once an attempt may have posted, every later one counts as a repeat of it.
      let mayHavePosted = false;
      for (;;) {
        await this.pace(sender, chatKey);
        attempts++;
        rows.markSending(item.id, attempts, firstAttemptAt);
        const result: Outcome = await sender.send(item.chatId, reply, lang, { idempotencyKey }).catch((error: unknown) => ({
          // Thrown by our own code, before or after the request: treated as a send that may have happened.
          ok: false as const,
          reason: 'uncertain' as const,
          detail: error instanceof Error ? error.message : String(error),
        }));
        if (result.ok) {
          rows.markSent(item.id, attempts);
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
        if (result.reason === 'uncertain' || mayHavePosted) {
          // Repeated only here, within the same drain, while the platform still de-duplicates the
          // key; the row stays `sending` meanwhile, so a restart applies the same rule.
          mayHavePosted = true;
          const waitMs = 1_000 * 2 ** Math.min(attempts, 2);
          if (this.canRepeat(sender, firstAttemptAt - waitMs) && attempts < this.maxAttempts) {
            report.retried++;
            await this.options.sleep(waitMs);
            continue;
          }
          rows.markUncertain(item.id, result.detail);
          report.uncertain++;
          logger.warn(
            { platform: item.platform, chatId: item.chatId, outboxId: item.id, detail: result.detail },
            'alerts: the platform did not say whether the alert was posted; not sent again (at most once)',
          );
          break;
        }
        const waitMs = (result.reason === 'retry' ? result.retryAfterMs : undefined) ?? Math.min(60_000, 1_000 * 2 ** attempts);
        const giveUp = attempts >= this.maxAttempts;
        rows.retryLater(item.id, attempts, this.options.now() + waitMs, result.detail, giveUp);
        if (!giveUp && waitMs <= this.maxInlineWaitMs) {
          report.retried++;
          await this.options.sleep(waitMs);
          continue;
        }
        if (giveUp) report.failed++;
        else report.retried++;
        logger.warn({ platform: item.platform, chatId: item.chatId, attempts, detail: result.detail, giveUp }, 'alerts: delivery deferred');
        break;
      }
    }
    return report;
  }

  private canRepeat(sender: ReplySender, since: number): boolean {
    return mayRepeat(sender, since, this.options.now());
  }

  /** Rows a stopped process left `sending`: repeated where that is safe, else recorded as uncertain. */
  private recoverInterrupted(report: DrainReport): void {
    const { senders, logger } = this.options;
    const rows = this.options.repo.outboxRows;
    for (const item of rows.interrupted<T>()) {
      const sender = senders.get(item.platform);
      if (!sender) continue; // decided once that face's sender is there
      const where = { platform: item.platform, chatId: item.chatId, outboxId: item.id };
      if (this.canRepeat(sender, item.firstAttemptAt ?? item.createdAt)) {
        rows.requeue(item.id, this.options.now());
        logger.info(where, 'alerts: a send interrupted by a restart goes again with the same idempotency key');
      } else {
        rows.markUncertain(item.id, 'interrupted: the process stopped during the send');
        report.uncertain++;
        logger.warn(where, 'alerts: a send was interrupted by a restart; not sent again (at most once)');
      }
    }
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
