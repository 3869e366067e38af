import type { Db } from './database.ts';
import type { WatchRepository } from './watch-repository.ts';

/**
 * `/watch forget-me`: every row that is about one person on one face, deleted in one transaction.
 * - their watches, read-only keys (sealed values, brackets), tiers, messages, owner row, and the
 *   watched accounts' state and fills nobody else watches (WatchRepository.forget);
 * - their language choice (user_preferences);
 * - what belongs to their private chats (`privateChats`): its language, alert subscription, alerts
 *   sent and queued, live digests;
 * - in shared chats, the alert subscriptions they created keep working for the group, with the
 *   creator's id removed.
 * Market data, venue tables and stream aggregates hold nothing about anyone and stay.
 */
export interface Forgotten {
  watches: number;
  keys: number;
  /** Preferences, subscriptions, queued messages and other rows. */
  other: number;
}

export function forgetPerson(db: Db, watches: WatchRepository, person: { platform: string; userId: string }, privateChats: readonly string[]): Forgotten {
  return db.transaction(() => {
    const gone = watches.forget(person);
    let other = db.prepare('DELETE FROM user_preferences WHERE platform = ? AND user_id = ?').run(person.platform, person.userId).changes;
    for (const chatId of new Set(privateChats)) {
      for (const table of ['chat_preferences', 'alert_subscriptions', 'alert_sent', 'alert_outbox', 'stream_digests']) {
        other += db.prepare(`DELETE FROM ${table} WHERE platform = ? AND chat_id = ?`).run(person.platform, chatId).changes;
      }
    }
    other += db.prepare("UPDATE alert_subscriptions SET created_by = '' WHERE platform = ? AND created_by = ?").run(person.platform, person.userId).changes;
    return { ...gone, other };
  })();
}
