import type { Db } from './database.ts';
import { OutboxTable } from './outbox-table.ts';
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
  /** The delivery queue's rows (src/alerts/delivery.ts drains them). */
  readonly outboxRows: OutboxTable;

  constructor(readonly db: Db) {
    this.outboxRows = new OutboxTable(db, 'alert_outbox', 'alert');
  }

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
      this.outboxRows.dropOpen(platform, chatId, 'unsubscribed');
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
      this.outboxRows.dropOpen(platform, chatId, reason);
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

  /**
   * Records an alert as delivered without queueing it (a live digest posts and edits its own
   * message), so a poll cycle does not send the same alert again within the cooldown. Keeps the
   * higher severity of the two.
   */
  recordSent(key: AlertKey, severity: Severity, now: number): void {
    this.db.transaction(() => {
      const last = this.db
        .prepare('SELECT severity FROM alert_sent WHERE platform = ? AND chat_id = ? AND venue_group = ? AND symbol = ? AND kind = ?')
        .get(key.platform, key.chatId, key.venueGroup, key.symbol, key.kind) as { severity: Severity } | undefined;
      const kept = last && severityRank(last.severity) > severityRank(severity) ? last.severity : severity;
      this.db
        .prepare('INSERT OR REPLACE INTO alert_sent (platform, chat_id, venue_group, symbol, kind, severity, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(key.platform, key.chatId, key.venueGroup, key.symbol, key.kind, kept, now);
    })();
  }

  /** Would `enqueueUnlessDuplicate` refuse this alert now? (Read-only: what `alerts run-once` shows.) */
  isDuplicate(key: AlertKey, severity: Severity, now: number, cooldownMs: number): boolean {
    const last = this.db
      .prepare('SELECT severity, sent_at FROM alert_sent WHERE platform = ? AND chat_id = ? AND venue_group = ? AND symbol = ? AND kind = ?')
      .get(key.platform, key.chatId, key.venueGroup, key.symbol, key.kind) as { severity: Severity; sent_at: number } | undefined;
    return !!last && now - last.sent_at < cooldownMs && severityRank(severity) <= severityRank(last.severity);
  }

  /** Delivered rows older than the cooldown have done their job. */
  pruneOutbox(before: number): number {
    return this.outboxRows.pruneSettled(before);
  }
}
