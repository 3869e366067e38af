import type { Lang } from '../chat/command.ts';
import { OutboxTable } from './outbox-table.ts';
import type { Db } from './database.ts';

/**
 * The watch list in SQLite (migration 400): who watches which account, where their alerts go, the
 * polling state of each account, the forced fills already receipted, the alert tiers with their
 * hysteresis, and the outbox. Every decision that sends something is written together with the
 * outbox row, so a restart neither repeats nor loses it.
 */
export interface WatchOwner {
  /** The face id (`FaceProfile.id`). */
  platform: string;
  userId: string;
}

export interface OwnerRow extends WatchOwner {
  privateChatId: string | null;
  lang: Lang;
  pausedAt: number | null;
  pausedReason: string | null;
}

export interface WatchRow extends WatchOwner {
  id: number;
  venue: string;
  account: string;
  label: string;
  /** Keyed venues: the stored read-only key this watch reads with (its account is `key:<id>`). */
  keyId: number | null;
  createdAt: number;
  /** The venue rejected the watch's key (revoked, expired): not read until the key is replaced. */
  pausedAt: number | null;
  pausedReason: string | null;
}

export type RiskClass = 'new' | 'risky' | 'elevated' | 'calm' | 'idle';

export interface AccountRow {
  venue: string;
  account: string;
  checkedAt: number | null;
  risk: RiskClass;
  /** Size by `coin:side` when last seen. */
  positions: Record<string, string>;
  fillsFrom: number;
  fillsCheckedAt: number | null;
  fillsDue: boolean;
  failures: number;
  retryAt: number;
  lastError: string | null;
}

export interface TierRow {
  watchId: number;
  /** `coin:side` */
  position: string;
  kind: 'liquidation' | 'adl';
  tier: number;
  armed: boolean;
  sentAt: number | null;
}

/** A message for one watch's owner, queued with the decision that made it. */
export interface OutboxInsert {
  watchId: number;
  platform: string;
  chatId: string;
  item: unknown;
}

interface WatchDbRow {
  id: number;
  platform: string;
  user_id: string;
  venue: string;
  account: string;
  label: string;
  key_id: number | null;
  created_at: number;
  paused_at: number | null;
  paused_reason: string | null;
}

const toWatch = (r: WatchDbRow): WatchRow => ({
  id: r.id,
  platform: r.platform,
  userId: r.user_id,
  venue: r.venue,
  account: r.account,
  label: r.label,
  keyId: r.key_id,
  createdAt: r.created_at,
  pausedAt: r.paused_at,
  pausedReason: r.paused_reason,
});

interface AccountDbRow {
  venue: string;
  account: string;
  checked_at: number | null;
  risk: RiskClass;
  positions: string;
  fills_from: number;
  fills_checked_at: number | null;
  fills_due: number;
  failures: number;
  retry_at: number;
  last_error: string | null;
}

const toAccount = (r: AccountDbRow): AccountRow => ({
  venue: r.venue,
  account: r.account,
  checkedAt: r.checked_at,
  risk: r.risk,
  positions: JSON.parse(r.positions) as Record<string, string>,
  fillsFrom: r.fills_from,
  fillsCheckedAt: r.fills_checked_at,
  fillsDue: r.fills_due === 1,
  failures: r.failures,
  retryAt: r.retry_at,
  lastError: r.last_error,
});

export class WatchRepository {
  /** The delivery queue's rows (src/alerts/delivery.ts drains them). */
  readonly outboxRows: OutboxTable;

  constructor(readonly db: Db) {
    this.outboxRows = new OutboxTable(db, 'watch_outbox', 'item');
  }

  // ---- owners -----------------------------------------------------------------------------

  owner(owner: WatchOwner): OwnerRow | undefined {
    const r = this.db.prepare('SELECT * FROM watch_owners WHERE platform = ? AND user_id = ?').get(owner.platform, owner.userId) as
      | { platform: string; user_id: string; private_chat_id: string | null; lang: Lang; paused_at: number | null; paused_reason: string | null }
      | undefined;
    return r && { platform: r.platform, userId: r.user_id, privateChatId: r.private_chat_id, lang: r.lang, pausedAt: r.paused_at, pausedReason: r.paused_reason };
  }

  /** The owner's reply language for alerts; creates the owner. */
  saveOwnerLang(owner: WatchOwner, lang: Lang): void {
    this.db
      .prepare('INSERT INTO watch_owners (platform, user_id, lang) VALUES (?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET lang = excluded.lang')
      .run(owner.platform, owner.userId, lang);
  }

  setPrivateChat(owner: WatchOwner, chatId: string): void {
    this.db.prepare('UPDATE watch_owners SET private_chat_id = ? WHERE platform = ? AND user_id = ?').run(chatId, owner.platform, owner.userId);
  }

  /** Reachable again (they wrote to the bot, or a private message went through). */
  resumeOwner(owner: WatchOwner): boolean {
    return this.db.prepare('UPDATE watch_owners SET paused_at = NULL, paused_reason = NULL WHERE platform = ? AND user_id = ? AND paused_at IS NOT NULL').run(owner.platform, owner.userId).changes > 0;
  }

  /** The owner a private chat reaches, with the language they last used with /watch. */
  ownerOfChat(platform: string, chatId: string): { userId: string; lang: Lang } | undefined {
    const r = this.db.prepare('SELECT user_id, lang FROM watch_owners WHERE platform = ? AND private_chat_id = ?').get(platform, chatId) as { user_id: string; lang: Lang } | undefined;
    return r && { userId: r.user_id, lang: r.lang };
  }

  // ---- watches ----------------------------------------------------------------------------

  list(owner: WatchOwner): WatchRow[] {
    return (this.db.prepare('SELECT * FROM watches WHERE platform = ? AND user_id = ? ORDER BY id').all(owner.platform, owner.userId) as WatchDbRow[]).map(toWatch);
  }

  watch(id: number): WatchRow | undefined {
    const r = this.db.prepare('SELECT * FROM watches WHERE id = ?').get(id) as WatchDbRow | undefined;
    return r && toWatch(r);
  }

  /** Adds the watch, and the account's polling state when nobody watched it yet (its fills count from now). */
  add(watch: Omit<WatchRow, 'id' | 'keyId' | 'pausedAt' | 'pausedReason'> & { keyId?: number | null }): WatchRow {
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO watches (platform, user_id, venue, account, label, key_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(watch.platform, watch.userId, watch.venue, watch.account, watch.label, watch.keyId ?? null, watch.createdAt);
      this.db.prepare('INSERT OR IGNORE INTO watch_accounts (venue, account, fills_from) VALUES (?, ?, ?)').run(watch.venue, watch.account, watch.createdAt);
      return this.watch(Number(lastInsertRowid))!;
    })();
  }

  /**
   * Deletes the watch and everything stored for it: its tiers and messages, its read-only key (the
   * sealed values and the brackets read with it), the account's state and seen fills when nobody
   * else watches it, the owner when they watch nothing more.
   */
  remove(id: number): boolean {
    return this.db.transaction(() => {
      const watch = this.watch(id);
      if (!watch) return false;
      this.db.prepare('DELETE FROM watch_outbox WHERE watch_id = ?').run(id);
      this.db.prepare('DELETE FROM watch_tiers WHERE watch_id = ?').run(id);
      this.db.prepare('DELETE FROM watches WHERE id = ?').run(id);
      if (watch.keyId !== null) this.db.prepare('DELETE FROM watch_keys WHERE id = ?').run(watch.keyId);
      const others = this.db.prepare('SELECT COUNT(*) AS n FROM watches WHERE venue = ? AND account = ?').get(watch.venue, watch.account) as { n: number };
      if (others.n === 0) {
        this.db.prepare('DELETE FROM watch_accounts WHERE venue = ? AND account = ?').run(watch.venue, watch.account);
        this.db.prepare('DELETE FROM watch_fills WHERE venue = ? AND account = ?').run(watch.venue, watch.account);
      }
      const left = this.db.prepare('SELECT COUNT(*) AS n FROM watches WHERE platform = ? AND user_id = ?').get(watch.platform, watch.userId) as { n: number };
      if (left.n === 0) this.db.prepare('DELETE FROM watch_owners WHERE platform = ? AND user_id = ?').run(watch.platform, watch.userId);
      return true;
    })();
  }

  /** The watches of an account whose owners can be reached (and whose key, if any, the venue still accepts). */
  activeWatchesOf(venue: string, account: string): Array<WatchRow & { owner: OwnerRow }> {
    const rows = this.db
      .prepare(
        `SELECT w.*, o.private_chat_id, o.lang, o.paused_at AS owner_paused_at, o.paused_reason AS owner_paused_reason FROM watches w
         JOIN watch_owners o ON o.platform = w.platform AND o.user_id = w.user_id
         WHERE w.venue = ? AND w.account = ? AND o.paused_at IS NULL AND w.paused_at IS NULL ORDER BY w.id`,
      )
      .all(venue, account) as Array<WatchDbRow & { private_chat_id: string | null; lang: Lang; owner_paused_at: number | null; owner_paused_reason: string | null }>;
    return rows.map((r) => ({
      ...toWatch(r),
      owner: { platform: r.platform, userId: r.user_id, privateChatId: r.private_chat_id, lang: r.lang, pausedAt: r.owner_paused_at, pausedReason: r.owner_paused_reason },
    }));
  }

  /**
   * The venue rejected the key behind this account: its watches stop, and each owner is told once,
   * with the notice `notice` builds, queued in the same transaction (a watch already paused is not
   * told again). Returns the watches paused now.
   */
  pauseRejectedKey(venue: string, account: string, reason: string, now: number, notice: (watch: WatchRow & { owner: OwnerRow }) => OutboxInsert | undefined): WatchRow[] {
    return this.db.transaction(() => {
      const paused: WatchRow[] = [];
      const items: OutboxInsert[] = [];
      for (const watch of this.activeWatchesOf(venue, account)) {
        this.db.prepare('UPDATE watches SET paused_at = ?, paused_reason = ? WHERE id = ? AND paused_at IS NULL').run(now, reason.slice(0, 300), watch.id);
        paused.push({ ...watch, pausedAt: now, pausedReason: reason });
        const item = notice(watch);
        if (item) items.push(item);
      }
      this.enqueue(items, now);
      return paused;
    })();
  }

  /** The watch reads again (its key was replaced): the account is due at once. */
  resumeWatch(id: number): void {
    this.db.transaction(() => {
      const watch = this.watch(id);
      if (!watch) return;
      this.db.prepare('UPDATE watches SET paused_at = NULL, paused_reason = NULL WHERE id = ?').run(id);
      this.db.prepare('UPDATE watch_accounts SET failures = 0, retry_at = 0, last_error = NULL WHERE venue = ? AND account = ?').run(watch.venue, watch.account);
    })();
  }

  /**
   * Everything stored about one person on one face: their watches (with their keys, tiers,
   * messages, and the accounts' state and fills nobody else watches) and the owner row. Returns how
   * many watches and keys went.
   */
  forget(owner: WatchOwner): { watches: number; keys: number } {
    return this.db.transaction(() => {
      const watches = this.list(owner);
      for (const watch of watches) this.remove(watch.id);
      // A key whose watch is already gone (an add that failed half-way) goes too.
      const keys = this.db.prepare('DELETE FROM watch_keys WHERE platform = ? AND user_id = ?').run(owner.platform, owner.userId).changes;
      this.db.prepare('DELETE FROM watch_owners WHERE platform = ? AND user_id = ?').run(owner.platform, owner.userId);
      return { watches: watches.length, keys: keys + watches.filter((w) => w.keyId !== null).length };
    })();
  }

  // ---- accounts ---------------------------------------------------------------------------

  account(venue: string, account: string): AccountRow | undefined {
    const r = this.db.prepare('SELECT * FROM watch_accounts WHERE venue = ? AND account = ?').get(venue, account) as AccountDbRow | undefined;
    return r && toAccount(r);
  }

  /** Accounts someone reachable watches: the poller's work list. */
  accountsToPoll(): AccountRow[] {
    return (
      this.db
        .prepare(
          `SELECT a.* FROM watch_accounts a WHERE EXISTS (
             SELECT 1 FROM watches w JOIN watch_owners o ON o.platform = w.platform AND o.user_id = w.user_id
             WHERE w.venue = a.venue AND w.account = a.account AND o.paused_at IS NULL AND w.paused_at IS NULL)`,
        )
        .all() as AccountDbRow[]
    ).map(toAccount);
  }

  saveCheck(venue: string, account: string, check: { checkedAt: number; risk: RiskClass; positions: Record<string, string>; fillsDue: boolean }): void {
    this.db
      .prepare(
        `UPDATE watch_accounts SET checked_at = ?, risk = ?, positions = ?, fills_due = MAX(fills_due, ?), failures = 0, retry_at = 0, last_error = NULL
         WHERE venue = ? AND account = ?`,
      )
      .run(check.checkedAt, check.risk, JSON.stringify(check.positions), check.fillsDue ? 1 : 0, venue, account);
  }

  /** The venue did not answer for this account: try again after `retryAt`. */
  saveFailure(venue: string, account: string, error: string, retryAt: number): void {
    this.db
      .prepare('UPDATE watch_accounts SET failures = failures + 1, retry_at = ?, last_error = ? WHERE venue = ? AND account = ?')
      .run(retryAt, error.slice(0, 300), venue, account);
  }

  // ---- tiers and messages -------------------------------------------------------------------

  tiers(watchId: number): TierRow[] {
    const rows = this.db.prepare('SELECT * FROM watch_tiers WHERE watch_id = ?').all(watchId) as Array<{
      watch_id: number;
      position: string;
      kind: 'liquidation' | 'adl';
      tier: number;
      armed: number;
      sent_at: number | null;
    }>;
    return rows.map((r) => ({ watchId: r.watch_id, position: r.position, kind: r.kind, tier: r.tier, armed: r.armed === 1, sentAt: r.sent_at }));
  }

  /** New tier states and the alerts they fire, in one transaction. */
  saveTiers(updates: readonly TierRow[], alerts: readonly OutboxInsert[], now: number): void {
    this.db.transaction(() => {
      const upsert = this.db.prepare(
        `INSERT INTO watch_tiers (watch_id, position, kind, tier, armed, sent_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (watch_id, position, kind, tier) DO UPDATE SET armed = excluded.armed, sent_at = excluded.sent_at`,
      );
      for (const u of updates) upsert.run(u.watchId, u.position, u.kind, u.tier, u.armed ? 1 : 0, u.sentAt);
      this.enqueue(alerts, now);
    })();
  }

  /**
   * Forced fills just read for an account: the ones not seen before are stored and receipted (the
   * receipts built by `receipts` from the new fills alone), and the account's fill cursor moves on,
   * all in one transaction. Returns the new fills.
   */
  saveFills<F extends { id: string; time: number }>(
    venue: string,
    account: string,
    fills: readonly F[],
    cursor: { fillsFrom: number; checkedAt: number; stillDue: boolean },
    receipts: (fresh: F[]) => OutboxInsert[],
  ): F[] {
    return this.db.transaction(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO watch_fills (venue, account, fill_id, time, fill) VALUES (?, ?, ?, ?, ?)');
      const fresh = fills.filter((f) => insert.run(venue, account, f.id, f.time, JSON.stringify(f)).changes > 0);
      this.enqueue(receipts(fresh), cursor.checkedAt);
      this.db
        .prepare('UPDATE watch_accounts SET fills_from = MAX(fills_from, ?), fills_checked_at = ?, fills_due = ? WHERE venue = ? AND account = ?')
        .run(cursor.fillsFrom, cursor.checkedAt, cursor.stillDue ? 1 : 0, venue, account);
      return fresh;
    })();
  }

  /** Forced fills seen for the account since `since`, oldest first, as they were stored. */
  storedFills(venue: string, account: string, since: number): unknown[] {
    return (this.db.prepare('SELECT fill FROM watch_fills WHERE venue = ? AND account = ? AND time >= ? ORDER BY time, fill_id').all(venue, account, since) as Array<{ fill: string }>).map(
      (r) => JSON.parse(r.fill) as unknown,
    );
  }

  private enqueue(items: readonly OutboxInsert[], now: number): void {
    const insert = this.db.prepare(`INSERT INTO watch_outbox (watch_id, platform, chat_id, item, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`);
    for (const i of items) insert.run(i.watchId, i.platform, i.chatId, JSON.stringify(i.item), now, now);
  }

  // ---- the outbox, as the delivery queue drains it (src/alerts/delivery.ts) -------------------

  /** The private chat is gone or blocks the bot: its owners' watches stop until they write again. */
  pause(platform: string, chatId: string, reason: string, now: Date): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE watch_owners SET paused_at = ?, paused_reason = ? WHERE platform = ? AND private_chat_id = ?').run(now.getTime(), reason, platform, chatId);
      this.outboxRows.dropOpen(platform, chatId, reason);
    })();
  }

  /** Messages by status, for one watch (tests, the report of a remove). */
  outbox(watchId?: number): Array<{ id: number; watchId: number; chatId: string; status: string; item: unknown }> {
    const rows = (watchId === undefined
      ? this.db.prepare('SELECT * FROM watch_outbox ORDER BY id').all()
      : this.db.prepare('SELECT * FROM watch_outbox WHERE watch_id = ? ORDER BY id').all(watchId)) as Array<{ id: number; watch_id: number; chat_id: string; status: string; item: string }>;
    return rows.map((r) => ({ id: r.id, watchId: r.watch_id, chatId: r.chat_id, status: r.status, item: JSON.parse(r.item) as unknown }));
  }

  /** Sent and dropped messages older than `before`, and settled fills older than `before`. */
  prune(before: number): void {
    this.outboxRows.pruneSettled(before);
    // A fill behind its account's cursor is never read again; kept until `before` for the 24 h view.
    this.db
      .prepare('DELETE FROM watch_fills WHERE time < ? AND time < (SELECT a.fills_from FROM watch_accounts a WHERE a.venue = watch_fills.venue AND a.account = watch_fills.account)')
      .run(before);
  }
}
