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
  /** Epoch ms of the first send attempt (the idempotency key's window starts here); null before. */
  firstAttemptAt: number | null;
  /**
   * The same on every attempt at this row, and unique across outboxes and databases (a row id
   * alone restarts at 1, and each outbox numbers its own rows): Discord's nonce is built from it.
   */
  idempotencyKey: string;
}

/** Rows a send may still be made for: waiting, or interrupted during a send. */
const OPEN = `status IN ('pending', 'sending')`;

/** Each outbox's tag in its rows' idempotency keys. */
const KEY_PREFIX = { alert_outbox: 'a', watch_outbox: 'w' } as const;

/**
 * The delivery rows of one outbox table. The alerts' (`alert_outbox`) and the watch list's
 * (`watch_outbox`) have the same columns (platform, chat_id, status, attempts, next_attempt_at,
 * created_at, first_attempt_at, last_error) and keep their payload, JSON, in `payloadColumn`.
 *
 * A row is `pending` until its turn, marked `sending` (committed) before each platform call, then
 * `sent`, back to `pending` (certainly not posted: retried later), `failed` (gave up), `dropped`
 * (too old, or the chat went away) or `uncertain` (perhaps posted; never sent again). A row left
 * `sending` was interrupted by a stopped process: the queue decides what to do with it.
 */
export class OutboxTable {
  constructor(
    private readonly db: Db,
    private readonly table: keyof typeof KEY_PREFIX,
    private readonly payloadColumn: 'alert' | 'item',
  ) {}

  due<T>(now: number): Array<OutboxItem<T>> {
    return this.items<T>(`status = 'pending' AND next_attempt_at <= ?`, now);
  }

  /** Rows left `sending` by a process that stopped during the call: posted or not, nobody knows. */
  interrupted<T>(): Array<OutboxItem<T>> {
    return this.items<T>(`status = 'sending'`);
  }

  private items<T>(where: string, ...params: unknown[]): Array<OutboxItem<T>> {
    const rows = this.db
      .prepare(`SELECT id, platform, chat_id, ${this.payloadColumn} AS payload, attempts, created_at, first_attempt_at FROM ${this.table} WHERE ${where} ORDER BY id`)
      .all(...params) as Array<{ id: number; platform: string; chat_id: string; payload: string; attempts: number; created_at: number; first_attempt_at: number | null }>;
    return rows.map((r) => ({
      id: r.id,
      platform: r.platform,
      chatId: r.chat_id,
      alert: JSON.parse(r.payload) as T,
      attempts: r.attempts,
      createdAt: r.created_at,
      firstAttemptAt: r.first_attempt_at,
      idempotencyKey: `${KEY_PREFIX[this.table]}${r.id}-${r.created_at.toString(36)}`,
    }));
  }

  /**
   * Committed before the platform call: should the process die during it, the row says so
   * (`interrupted`) instead of looking like a send never tried.
   */
  markSending(id: number, attempts: number, firstAttemptAt: number): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'sending', attempts = ?, first_attempt_at = ? WHERE id = ?`).run(attempts, firstAttemptAt, id);
  }

  /** Perhaps posted: never sent again (at most once where the platform cannot de-duplicate). */
  markUncertain(id: number, detail: string): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'uncertain', last_error = ? WHERE id = ?`).run(detail, id);
  }

  /** An interrupted send that may be repeated safely (same idempotency key, within the platform's window). */
  requeue(id: number, now: number): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'sending'`).run(now, id);
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

  /** The chat went away (unsubscribed, gone, blocked the bot): what is still queued for it is dropped. */
  dropOpen(platform: string, chatId: string, reason: string): void {
    this.db.prepare(`UPDATE ${this.table} SET status = 'dropped', last_error = ? WHERE platform = ? AND chat_id = ? AND ${OPEN}`).run(reason, platform, chatId);
  }

  /** Rows delivered, failed, dropped or uncertain before `before` have done their job. */
  pruneSettled(before: number): number {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE NOT ${OPEN} AND created_at < ?`).run(before).changes;
  }
}
