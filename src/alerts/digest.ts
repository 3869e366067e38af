import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Lang } from '../chat/command.ts';
import type { DeliveryResult, EditResult, ReplySender } from '../chat/delivery.ts';
import { severityRank, type Severity } from '../core/signals.ts';
import { venueGroup, type AlertsRepository, type Subscription } from '../store/alerts-repository.ts';
import type { CrashEpisode, DigestRepository, DigestRow } from '../store/digest-repository.ts';
import { buildDigestReply, digestFingerprint, digestSeverity, type DigestView } from './digest-message.ts';
import { DEFAULT_MAX_ALERT_AGE_MS, mayRepeat } from './delivery.ts';

/**
 * The live digest: while a crash episode runs, each chat subscribed to crash alerts for one of its
 * coins gets one message (the crash alert, its first version) that is edited as the cascade
 * unfolds, then a final summary when it calms down. No stream of separate messages.
 *
 * - At most one version per `editIntervalMs` (≥ 10 s) per chat, and never faster than the face's
 *   own per-chat pacing; versions to one platform are spaced by its global pacing. An edit goes out
 *   only when the numbers changed (the clock alone does not count).
 * - The message id and the schedule are stored (src/store/digest-repository.ts), so after a
 *   restart the digest edits the same message instead of posting a new one.
 * - A new message (the first version; a final summary where the face cannot edit) is marked
 *   `sendingSince` (committed) before the call, as queued alerts are marked `sending`. If its fate
 *   is unknown (no answer, a 5xx, the process killed before its id was stored) it is repeated only
 *   with the same idempotency key within the platform's de-duplication window (Discord's nonce:
 *   2 min; Discord then answers with the message it has, so the digest goes on editing it); else
 *   the chat's digest ends `uncertain` and nothing more is posted to it in this episode (Telegram:
 *   at most once). An edit of unknown fate is simply made again: repeating an edit is harmless.
 * - A platform's retry-after is honoured; a chat that is gone or forbids the bot pauses its
 *   subscription (as alerts do); a message someone deleted is posted again.
 * - A face that cannot edit gets the first version and the final summary only.
 * - Each version records the crash alert as sent (per coin) for the poll's dedup, so the minute
 *   poll does not repeat a crash the digest covers.
 */
export interface DigestSource {
  /** The numbers of the episode for these coins, now. */
  view(episode: CrashEpisode, symbols: readonly string[], now: number): DigestView;
}

export interface LiveDigestOptions {
  /** The running episode (src/alerts/stream-crash.ts). */
  episode(): CrashEpisode | undefined;
  digests: DigestRepository;
  alerts: AlertsRepository;
  senders: ReadonlyMap<string, ReplySender>;
  langOf(platform: string, chatId: string): Lang;
  source: DigestSource;
  editIntervalMs: number;
  logger: Logger;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A first version that could not go out until this long after its crash ended is dropped. */
  maxAgeMs?: number;
}

export interface DigestReport {
  /** First versions posted (the crash alert). */
  sent: number;
  edited: number;
  /** Final summaries delivered. */
  finals: number;
  retried: number;
  paused: number;
  /** New messages perhaps posted and not repeated (at most once): the chat gets nothing more this episode. */
  uncertain: number;
}

/** Which of the episode's coins a subscription wants. */
export function digestCoins(sub: Subscription, episode: CrashEpisode): string[] {
  if (sub.pausedAt !== null || !sub.kinds.includes('crash')) return [];
  return Object.entries(episode.coins)
    .filter(
      ([symbol, coin]) =>
        (sub.symbols.includes('*') || sub.symbols.includes(symbol)) &&
        severityRank(coin.severity) >= severityRank(sub.minSeverity) &&
        (sub.venues.includes('*') || coin.venues.some((v) => sub.venues.includes(v))),
    )
    .map(([symbol]) => symbol);
}

export class LiveDigest {
  private running: Promise<DigestReport> | undefined;
  private readonly nextGlobal = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LiveDigestOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** One round: open digests for newly concerned chats, deliver what is due. Rounds never overlap. */
  tick(): Promise<DigestReport> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<DigestReport> {
    const { digests, alerts, now } = this.options;
    const report: DigestReport = { sent: 0, edited: 0, finals: 0, retried: 0, paused: 0, uncertain: 0 };
    const open = this.options.episode();
    if (open) {
      for (const sub of alerts.active()) {
        if (digestCoins(sub, open).length > 0) digests.openDigest(open.id, sub.platform, sub.chatId, now());
      }
    }
    const ids = new Set(digests.unfinishedEpisodes());
    for (const id of ids) {
      const episode = open?.id === id ? open : digests.episode(id);
      if (!episode) continue;
      for (const row of digests.digests(id)) {
        if (row.status === 'pending' || row.status === 'live') await this.deliver(row, episode, report);
      }
    }
    return report;
  }

  private async deliver(row: DigestRow, episode: CrashEpisode, report: DigestReport): Promise<void> {
    const { digests, alerts, logger } = this.options;
    const now = this.options.now();
    if (row.nextAt > now) return;
    const ended = episode.endedAt !== null;
    const sub = alerts.get(row.platform, row.chatId);
    const symbols = sub ? digestCoins(sub, episode) : [];
    if (!sub || sub.pausedAt !== null || symbols.length === 0) {
      digests.saveDigest({ ...row, status: 'failed', lastError: sub?.pausedReason ?? 'no longer subscribed' });
      return;
    }
    const sender = this.options.senders.get(row.platform);
    if (!sender) {
      digests.saveDigest({ ...row, nextAt: now + 60_000, lastError: `no ${row.platform} sender` });
      return;
    }
    const view = this.options.source.view(episode, symbols, now);
    const severity = digestSeverity(view);
    const editable = !!sender.edit && row.messageId !== null;
    // A new message that may be out already (a restart interrupted its send, or the platform did
    // not answer) goes again only with the same key while the platform de-duplicates it.
    if (!editable && row.sendingSince !== null && !mayRepeat(sender, row.sendingSince, now)) {
      this.uncertain(row, sub, symbols, severity, now, row.lastError ?? 'interrupted: the process stopped during the send', report);
      return;
    }
    if (row.status === 'pending' && ended && now - episode.endedAt! > (this.options.maxAgeMs ?? DEFAULT_MAX_ALERT_AGE_MS)) {
      digests.saveDigest({ ...row, status: 'failed', lastError: 'expired: the crash ended before it could be delivered' });
      return;
    }
    const fingerprint = digestFingerprint(view);
    if (row.status === 'live' && !ended && (fingerprint === row.contentHash || !sender.edit)) return;

    const lang = this.options.langOf(row.platform, row.chatId);
    const reply = buildDigestReply(view, lang);
    await this.pace(sender);
    const sentAt = this.options.now();
    // Before a new message, committed: should the process die during the call, the next one knows.
    const repeat = !editable && row.sendingSince !== null;
    if (!editable) {
      row = { ...row, sendingSince: row.sendingSince ?? sentAt };
      digests.saveDigest(row);
    }
    const result: EditResult = await (editable
      ? sender.edit!(row.chatId, row.messageId!, reply, lang)
      : sender.send(row.chatId, reply, lang, { idempotencyKey: digestKey(row, episode) })
    ).catch(
      // Thrown by our own code, before or after the request: perhaps posted.
      (error: unknown): DeliveryResult => ({ ok: false, reason: 'uncertain', detail: error instanceof Error ? error.message : String(error) }),
    );
    const spacing = Math.max(this.options.editIntervalMs, sender.pacing.perChatMs);
    if (result.ok) {
      const first = row.status === 'pending';
      digests.saveDigest({
        ...row,
        messageId: result.messageId ?? row.messageId,
        status: ended ? 'final' : 'live',
        versions: row.versions + 1,
        lastSentAt: sentAt,
        nextAt: sentAt + spacing,
        contentHash: fingerprint,
        lastError: null,
        sendingSince: null,
      });
      this.recordSent(row, sub, symbols, severity, sentAt);
      if (ended) report.finals++;
      else if (first) report.sent++;
      else report.edited++;
      return;
    }
    if (result.reason === 'missing') {
      // Someone deleted the message: the digest goes out again as a new one.
      digests.saveDigest({ ...row, messageId: null, status: 'pending', nextAt: sentAt, lastError: result.detail });
      report.retried++;
      return;
    }
    if (result.reason === 'gone' || result.reason === 'forbidden') {
      const reason = `${result.reason}: ${result.detail}`;
      alerts.pause(row.platform, row.chatId, reason, new Date(sentAt));
      digests.saveDigest({ ...row, status: 'failed', lastError: reason });
      report.paused++;
      logger.warn({ platform: row.platform, chatId: row.chatId, reason }, 'digest: target unreachable, subscription paused');
      return;
    }
    if (!editable && (result.reason === 'uncertain' || repeat)) {
      // Perhaps posted: repeated with the same key while the platform de-duplicates it (Discord),
      // waiting as long as it has been trying (1 s, 2 s, 4 s …); never on Telegram.
      const wait = Math.min(Math.max(sentAt - row.sendingSince!, 1_000), spacing);
      if (mayRepeat(sender, row.sendingSince!, sentAt + wait)) {
        digests.saveDigest({ ...row, nextAt: sentAt + wait, lastError: result.detail });
        report.retried++;
        return;
      }
      this.uncertain(row, sub, symbols, severity, sentAt, result.detail, report);
      return;
    }
    // Certainly not posted (or an edit, which is safe to repeat): again after the platform's
    // retry-after, else at the next version's time.
    const wait = (result.reason === 'retry' ? result.retryAfterMs : undefined) ?? spacing;
    digests.saveDigest({ ...row, nextAt: sentAt + Math.max(wait, 1_000), lastError: result.detail, sendingSince: null });
    report.retried++;
    logger.warn({ platform: row.platform, chatId: row.chatId, detail: result.detail, retryInMs: wait }, 'digest: delivery deferred');
  }

  /**
   * A new message may have been posted and cannot be repeated safely: nothing more goes to the chat
   * in this episode (at most once), and the crash alert counts as sent for the poll's dedup.
   */
  private uncertain(row: DigestRow, sub: Subscription, symbols: readonly string[], severity: Severity, now: number, detail: string, report: DigestReport): void {
    this.options.digests.saveDigest({ ...row, status: 'uncertain', lastError: detail });
    this.recordSent(row, sub, symbols, severity, now);
    report.uncertain++;
    this.options.logger.warn(
      { platform: row.platform, chatId: row.chatId, episode: row.episodeId, detail },
      'digest: the platform did not say whether the message was posted; not sent again (at most once)',
    );
  }

  /** The crash alert of each coin as sent, so the minute poll does not repeat what the digest covers. */
  private recordSent(row: DigestRow, sub: Subscription, symbols: readonly string[], severity: Severity, at: number): void {
    for (const symbol of symbols) {
      this.options.alerts.recordSent({ platform: row.platform, chatId: row.chatId, venueGroup: venueGroup(sub.venues), symbol, kind: 'crash' }, severity, at);
    }
  }

  /** Spaces versions to one platform by its global pacing (the per-chat spacing is the digest's own schedule). */
  private async pace(sender: ReplySender): Promise<void> {
    const now = this.options.now();
    const readyAt = this.nextGlobal.get(sender.platform) ?? 0;
    if (readyAt > now) await this.sleep(readyAt - now);
    this.nextGlobal.set(sender.platform, Math.max(now, readyAt) + sender.pacing.globalMs);
  }
}

/**
 * The idempotency key of one new digest message: the same on every attempt at it, different for
 * each chat (Discord matches a nonce per author, not per channel), for each version (a final
 * summary where the face cannot edit, a digest posted anew after its message was deleted) and
 * across databases (the episode's start, in ms). About 21 characters, within Discord's 25 with
 * the sender's part suffix.
 */
export function digestKey(row: Pick<DigestRow, 'platform' | 'chatId' | 'versions'>, episode: Pick<CrashEpisode, 'startedAt'>): string {
  const chat = createHash('sha256').update(`${row.platform}:${row.chatId}`).digest('hex').slice(0, 8);
  return `d${episode.startedAt.toString(36)}-${row.versions}-${chat}`;
}
