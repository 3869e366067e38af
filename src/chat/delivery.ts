import type { Lang } from './command.ts';
import type { Pacing } from './profile.ts';
import type { Reply } from './reply.ts';

/**
 * Posting a reply nobody asked for (alerts; later digests and private notices). Each face that can
 * push provides a ReplySender; src/alerts uses them by face id without knowing the platform.
 */
export type DeliveryResult =
  | { ok: true; messageId?: string }
  /** Not posted (rate-limited, refused, not reachable): try again later (after `retryAfterMs` when the platform said). */
  | { ok: false; reason: 'retry'; retryAfterMs?: number; detail: string }
  /**
   * Perhaps posted, perhaps not: the request went out and no answer came back (time-out, dropped
   * connection, a 5xx). Sending again could post it twice, unless the platform de-duplicates
   * (`ReplySender.deduplicates`) and the same `idempotencyKey` is sent.
   */
  | { ok: false; reason: 'uncertain'; detail: string }
  /** The chat no longer exists (Discord Unknown Channel, Telegram "chat not found"). */
  | { ok: false; reason: 'gone'; detail: string }
  /** The bot may not post there (Telegram 403 blocked/kicked, Discord Missing Access/Permissions). */
  | { ok: false; reason: 'forbidden'; detail: string };

export interface SendOptions {
  /** The same key on every attempt at the same message; a platform that de-duplicates returns the first message for a repeat. */
  idempotencyKey?: string;
}

/** An edit can also find its message gone (deleted by someone): the caller sends a new one. */
export type EditResult = DeliveryResult | { ok: false; reason: 'missing'; detail: string };

export interface ReplySender {
  /** The face id (`FaceProfile.id`) whose chats this sender posts to. */
  readonly platform: string;
  /** The face's pacing (`FaceProfile.push.pacing`). */
  readonly pacing: Pacing;
  /**
   * Present when the platform de-duplicates messages sent with the same `idempotencyKey` within
   * `windowMs` (Discord's nonce with enforce_nonce: "the past few minutes"). Telegram has no such key.
   */
  readonly deduplicates?: { windowMs: number };
  /**
   * Posts the reply (one or more messages). A failure after the first message went out is
   * reported as success, with the rest logged: repeating the first would be worse than a missing tail.
   */
  send(chatId: string, reply: Reply, lang: Lang, options?: SendOptions): Promise<DeliveryResult>;
  /**
   * Replaces a message this sender posted (`messageId` from `send`) with a new reply: the live
   * digest edits one message per chat. Present when the face's profile says `push.canEdit`.
   */
  edit?(chatId: string, messageId: string, reply: Reply, lang: Lang): Promise<EditResult>;
  /**
   * The chat id that reaches this user privately (`send` to it), or a failure (the user never
   * opened a private chat with the bot, or blocked it). Present when `push.privateChats`.
   */
  privateChatOf?(userId: string): Promise<{ ok: true; chatId: string } | Exclude<DeliveryResult, { ok: true }>>;
}
