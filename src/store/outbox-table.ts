import type { Db } from './database.ts';

/** A message waiting in an outbox, as the delivery queue (src/alerts/delivery.ts) reads it. */
export interface OutboxItem<T> {
  id: number;
  platform: string;
  chatId: string;
  alert: T;
  attempts: number;
  /** Epoch ms the message was queued. */
  createdAt: number;
}

/**
 * The delivery rows of one outbox table. The alerts' (`alert_outbox`) and the watch list's
 * (`watch_outbox`) have the same columns (platform, chat_id, status, attempts, next_attempt_at,
 * created_at, last_error) and keep their payload, JSON, in `payloadColumn`.
 */
export class OutboxTable {
  constructor(
    private readonly db: Db,
    private readonly table: 'alert_outbox' | 'watch_outbox',
    private readonly payloadColumn: 'alert' | 'item',
  ) {}

  due<T>(now: number): Array<OutboxItem<T>> {
    const rows = this.db
      .prepare(`SELECT id, platform, chat_id, ${this.payloadColumn} AS payload, attempts, created_at FROM ${this.table} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id`)
      .all(now) as Array<{ id: number; platform: string; chat_id: string; payload: string; attempts: number; created_at: number }>;
    return rows.map((r) => ({ id: r.id, platform: r.platform, chatId: r.chat_id, alert: JSON.parse(r.payload) as T, attempts: r.attempts, createdAt: r.created_at }));
  }

  /** A message that could not go out while it was news (long downtime, long retry): never sent late. */
  expire(id: number, reason: string): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'dropped', last_error = ? WHERE id = ?`).run(reason, id);
  }

  markSent(id: number, attempts: number): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'sent', attempts = ?, last_error = NULL WHERE id = ?`).run(attempts, id);
  }

  retryLater(id: number, attempts: number, nextAttemptAt: number, error: string, giveUp: boolean): void {
    this.db
      .prepare(`UPDATE ${this.table} SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`)
      .run(giveUp ? 'failed' : 'pending', attempts, nextAttemptAt, error, id);
  }

  /** Rows delivered, failed or dropped before `before` have done their job. */
  pruneSettled(before: number): number {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE status != 'pending' AND created_at < ?`).run(before).changes;
  }
}
