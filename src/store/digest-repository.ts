import type { Db } from './database.ts';
import type { Severity } from '../core/signals.ts';

/**
 * Crash episodes seen on the streams and the live digest of each chat: the message id it edits,
 * when it may be edited next, what it last showed. Stored so that a restart continues the same
 * episode and edits the same messages instead of starting new ones.
 */
export interface EpisodeCoin {
  /** When the coin first met the crash condition. */
  since: number;
  lastTriggeredAt: number;
  severity: Severity;
  /** The highest price of the window when it triggered: the move is measured from there. */
  high: number;
  low: number;
  last: number;
  /** Venues where it fell or liquidated. */
  venues: string[];
}

export interface CrashEpisode {
  id: number;
  startedAt: number;
  lastActiveAt: number;
  endedAt: number | null;
  coins: Record<string, EpisodeCoin>;
}

/** `uncertain`: a new message may have been posted without its id being stored; nothing more is sent to the chat. */
export type DigestStatus = 'pending' | 'live' | 'final' | 'failed' | 'uncertain';

export interface DigestRow {
  episodeId: number;
  platform: string;
  chatId: string;
  /** The message the digest edits, once the first version is out. */
  messageId: string | null;
  status: DigestStatus;
  /** Versions delivered: the first message, then each edit. */
  versions: number;
  lastSentAt: number | null;
  /** Not before this (epoch ms): the per-chat edit spacing, or a platform's retry-after. */
  nextAt: number;
  contentHash: string | null;
  lastError: string | null;
  /**
   * Set (committed) before a new message is posted, to the first attempt's time, and cleared when
   * its id is stored or it certainly was not posted: while set, the message may be out.
   */
  sendingSince: number | null;
}

interface DigestRecord {
  episode_id: number;
  platform: string;
  chat_id: string;
  message_id: string | null;
  status: DigestStatus;
  versions: number;
  last_sent_at: number | null;
  next_at: number;
  content_hash: string | null;
  last_error: string | null;
  sending_since: number | null;
}

const toDigest = (r: DigestRecord): DigestRow => ({
  episodeId: r.episode_id,
  platform: r.platform,
  chatId: r.chat_id,
  messageId: r.message_id,
  status: r.status,
  versions: r.versions,
  lastSentAt: r.last_sent_at,
  nextAt: r.next_at,
  contentHash: r.content_hash,
  lastError: r.last_error,
  sendingSince: r.sending_since,
});

export class DigestRepository {
  constructor(readonly db: Db) {}

  /** The episode not yet ended, if any. */
  openEpisode(): CrashEpisode | undefined {
    const row = this.db.prepare('SELECT * FROM stream_crash_episodes WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1').get() as
      | { id: number; started_at: number; last_active_at: number; ended_at: number | null; state: string }
      | undefined;
    return row && { id: row.id, startedAt: row.started_at, lastActiveAt: row.last_active_at, endedAt: row.ended_at, coins: JSON.parse(row.state) as CrashEpisode['coins'] };
  }

  episode(id: number): CrashEpisode | undefined {
    const row = this.db.prepare('SELECT * FROM stream_crash_episodes WHERE id = ?').get(id) as
      | { id: number; started_at: number; last_active_at: number; ended_at: number | null; state: string }
      | undefined;
    return row && { id: row.id, startedAt: row.started_at, lastActiveAt: row.last_active_at, endedAt: row.ended_at, coins: JSON.parse(row.state) as CrashEpisode['coins'] };
  }

  startEpisode(startedAt: number, coins: CrashEpisode['coins']): CrashEpisode {
    const id = Number(
      this.db.prepare('INSERT INTO stream_crash_episodes (started_at, last_active_at, ended_at, state) VALUES (?, ?, NULL, ?)').run(startedAt, startedAt, JSON.stringify(coins))
        .lastInsertRowid,
    );
    return { id, startedAt, lastActiveAt: startedAt, endedAt: null, coins };
  }

  saveEpisode(episode: CrashEpisode): void {
    this.db
      .prepare('UPDATE stream_crash_episodes SET last_active_at = ?, ended_at = ?, state = ? WHERE id = ?')
      .run(episode.lastActiveAt, episode.endedAt, JSON.stringify(episode.coins), episode.id);
  }

  digests(episodeId: number): DigestRow[] {
    return (this.db.prepare('SELECT * FROM stream_digests WHERE episode_id = ? ORDER BY platform, chat_id').all(episodeId) as DigestRecord[]).map(toDigest);
  }

  /** Opens the chat's digest for the episode; false when it has one already. */
  openDigest(episodeId: number, platform: string, chatId: string, now: number): boolean {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO stream_digests (episode_id, platform, chat_id, status, next_at) VALUES (?, ?, ?, 'pending', ?)`)
        .run(episodeId, platform, chatId, now).changes > 0
    );
  }

  saveDigest(digest: DigestRow): void {
    this.db
      .prepare(
        `UPDATE stream_digests SET message_id = ?, status = ?, versions = ?, last_sent_at = ?, next_at = ?, content_hash = ?, last_error = ?, sending_since = ?
         WHERE episode_id = ? AND platform = ? AND chat_id = ?`,
      )
      .run(
        digest.messageId,
        digest.status,
        digest.versions,
        digest.lastSentAt,
        digest.nextAt,
        digest.contentHash,
        digest.lastError,
        digest.sendingSince,
        digest.episodeId,
        digest.platform,
        digest.chatId,
      );
  }

  /** Episodes with a digest still to deliver or to finish (the open one, or one that ended before its final summary went out). */
  unfinishedEpisodes(): number[] {
    return (this.db.prepare(`SELECT DISTINCT episode_id FROM stream_digests WHERE status IN ('pending', 'live') ORDER BY episode_id`).all() as Array<{ episode_id: number }>).map(
      (r) => r.episode_id,
    );
  }

  /** Ended episodes (and their digests) older than `before` are forgotten. */
  prune(before: number): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM stream_digests WHERE episode_id IN (SELECT id FROM stream_crash_episodes WHERE ended_at IS NOT NULL AND ended_at < ?)').run(before);
      return this.db.prepare('DELETE FROM stream_crash_episodes WHERE ended_at IS NOT NULL AND ended_at < ?').run(before).changes;
    })();
  }
}
