import type { Db } from './database.ts';
import { severityRank, type AlertKind, type Severity } from '../core/signals.ts';

/** Alert subscriptions, the dedup/cooldown record and the persisted delivery queue. */
export interface Subscription {
  /** The face id (`FaceProfile.id`) of the chat. */
  platform: string;
  chatId: string;
  kinds: AlertKind[];
  /** Coins, or ['*'] for every liquid coin. */
  symbols: string[];
  /** Venues, or ['*'] for all. Their sorted join is the subscription's "venue group". */
  venues: string[];
  minSeverity: Severity;
  createdBy: string;
  createdAt: string;
  pausedAt: string | null;
  pausedReason: string | null;
}

export const venueGroup = (venues: readonly string[]): string => (venues.includes('*') ? '*' : [...venues].sort().join(','));

/** The dedup key: one alert per (target, venue group, symbol, kind) per cooldown. */
export interface AlertKey {
  platform: string;
  chatId: string;
  venueGroup: string;
  symbol: string;
  kind: AlertKind;
}

export interface OutboxItem<T> {
  id: number;
  platform: string;
  chatId: string;
  alert: T;
  attempts: number;
  /** Epoch ms the alert was queued. */
  createdAt: number;
  /** Epoch ms of the first send attempt (the idempotency key's window starts here); null before. */
  firstAttemptAt: number | null;
}

/** Rows of the queue a send may still be made for: waiting, or interrupted during a send. */
const OPEN = `status IN ('pending', 'sending')`;

interface SubscriptionRow {
  platform: string;
  chat_id: string;
  kinds: string;
  symbols: string;
  venues: string;
  min_severity: Severity;
  created_by: string;
  created_at: string;
  paused_at: string | null;
  paused_reason: string | null;
}

const toSubscription = (r: SubscriptionRow): Subscription => ({
  platform: r.platform,
  chatId: r.chat_id,
  kinds: r.kinds.split(',') as AlertKind[],
  symbols: r.symbols.split(','),
  venues: r.venues.split(','),
  minSeverity: r.min_severity,
  createdBy: r.created_by,
  createdAt: r.created_at,
  pausedAt: r.paused_at,
  pausedReason: r.paused_reason,
});

export class AlertsRepository {
  constructor(readonly db: Db) {}

  /** Creates or replaces the chat's subscription (and resumes it if it was paused). */
  subscribe(sub: Omit<Subscription, 'pausedAt' | 'pausedReason'>): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO alert_subscriptions (platform, chat_id, kinds, symbols, venues, min_severity, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sub.platform, sub.chatId, sub.kinds.join(','), sub.symbols.join(','), sub.venues.join(','), sub.minSeverity, sub.createdBy, sub.createdAt);
  }

  /** Removes the chat's subscription and drops what is still queued for it. */
  unsubscribe(platform: string, chatId: string): boolean {
    return this.db.transaction(() => {
      this.db
        .prepare(`UPDATE alert_outbox SET status = 'dropped', last_error = 'unsubscribed' WHERE platform = ? AND chat_id = ? AND ${OPEN}`)
        .run(platform, chatId);
      return this.db.prepare('DELETE FROM alert_subscriptions WHERE platform = ? AND chat_id = ?').run(platform, chatId).changes > 0;
    })();
  }

  get(platform: string, chatId: string): Subscription | undefined {
    const row = this.db.prepare('SELECT * FROM alert_subscriptions WHERE platform = ? AND chat_id = ?').get(platform, chatId) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  active(): Subscription[] {
    return (this.db.prepare('SELECT * FROM alert_subscriptions WHERE paused_at IS NULL ORDER BY platform, chat_id').all() as SubscriptionRow[]).map(toSubscription);
  }

  /** The target is gone or forbids the bot: stop sending there and drop what was queued for it. */
  pause(platform: string, chatId: string, reason: string, now: Date): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE alert_subscriptions SET paused_at = ?, paused_reason = ? WHERE platform = ? AND chat_id = ?')
        .run(now.toISOString(), reason, platform, chatId);
      this.db
        .prepare(`UPDATE alert_outbox SET status = 'dropped', last_error = ? WHERE platform = ? AND chat_id = ? AND ${OPEN}`)
        .run(reason, platform, chatId);
    })();
  }

  /**
   * Queues an alert unless the same (target, venue group, symbol, kind) was queued within the
   * cooldown at the same or a higher severity. Dedup record and queue row are written together.
   */
  enqueueUnlessDuplicate(
    key: AlertKey,
    severity: Severity,
    alert: unknown,
    now: number,
    cooldownMs: number,
  ): boolean {
    return this.db.transaction(() => {
      if (this.isDuplicate(key, severity, now, cooldownMs)) return false;
      this.db
        .prepare('INSERT OR REPLACE INTO alert_sent (platform, chat_id, venue_group, symbol, kind, severity, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(key.platform, key.chatId, key.venueGroup, key.symbol, key.kind, severity, now);
      this.db
        .prepare(`INSERT INTO alert_outbox (platform, chat_id, alert, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?)`)
        .run(key.platform, key.chatId, JSON.stringify(alert), now, now);
      return true;
    })();
  }

  /** Would `enqueueUnlessDuplicate` refuse this alert now? (Read-only: what `alerts run-once` shows.) */
  isDuplicate(key: AlertKey, severity: Severity, now: number, cooldownMs: number): boolean {
    const last = this.db
      .prepare('SELECT severity, sent_at FROM alert_sent WHERE platform = ? AND chat_id = ? AND venue_group = ? AND symbol = ? AND kind = ?')
      .get(key.platform, key.chatId, key.venueGroup, key.symbol, key.kind) as { severity: Severity; sent_at: number } | undefined;
    return !!last && now - last.sent_at < cooldownMs && severityRank(severity) <= severityRank(last.severity);
  }

  due<T>(now: number): Array<OutboxItem<T>> {
    return this.items<T>(`status = 'pending' AND next_attempt_at <= ?`, now);
  }

  /** Rows left `sending` by a process that stopped during the call: posted or not, nobody knows. */
  interrupted<T>(): Array<OutboxItem<T>> {
    return this.items<T>(`status = 'sending'`);
  }

  private items<T>(where: string, ...params: unknown[]): Array<OutboxItem<T>> {
    const rows = this.db
      .prepare(`SELECT id, platform, chat_id, alert, attempts, created_at, first_attempt_at FROM alert_outbox WHERE ${where} ORDER BY id`)
      .all(...params) as Array<{ id: number; platform: string; chat_id: string; alert: string; attempts: number; created_at: number; first_attempt_at: number | null }>;
    return rows.map((r) => ({
      id: r.id,
      platform: r.platform,
      chatId: r.chat_id,
      alert: JSON.parse(r.alert) as T,
      attempts: r.attempts,
      createdAt: r.created_at,
      firstAttemptAt: r.first_attempt_at,
    }));
  }

  /**
   * Committed before the platform call: should the process die during it, the row says so
   * (`interrupted`) instead of looking like a send never tried.
   */
  markSending(id: number, attempts: number, firstAttemptAt: number): void {
    this.db.prepare(`UPDATE alert_outbox SET status = 'sending', attempts = ?, first_attempt_at = ? WHERE id = ?`).run(attempts, firstAttemptAt, id);
  }

  /** Perhaps posted: never sent again (at most once where the platform cannot de-duplicate). */
  markUncertain(id: number, detail: string): void {
    this.db.prepare(`UPDATE alert_outbox SET status = 'uncertain', last_error = ? WHERE id = ?`).run(detail, id);
  }

  /** An interrupted send that may be repeated safely (same idempotency key, within the platform's window). */
  requeue(id: number, now: number): void {
    this.db.prepare(`UPDATE alert_outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'sending'`).run(now, id);
  }

  /** An alert that could not go out while it was news (long downtime, long retry): never sent late. */
  expire(id: number, reason: string): void {
    this.db.prepare(`UPDATE alert_outbox SET status = 'dropped', last_error = ? WHERE id = ?`).run(reason, id);
  }

  markSent(id: number, attempts: number): void {
    this.db.prepare(`UPDATE alert_outbox SET status = 'sent', attempts = ?, last_error = NULL WHERE id = ?`).run(attempts, id);
  }

  retryLater(id: number, attempts: number, nextAttemptAt: number, error: string, giveUp: boolean): void {
    this.db
      .prepare('UPDATE alert_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?')
      .run(giveUp ? 'failed' : 'pending', attempts, nextAttemptAt, error, id);
  }

  /** Delivered rows older than the cooldown have done their job. */
  pruneOutbox(before: number): number {
    return this.db.prepare(`DELETE FROM alert_outbox WHERE NOT ${OPEN} AND created_at < ?`).run(before).changes;
  }
}
