import type { Reply } from './reply.ts';

/**
 * Pushing a reply to a chat that did not ask (alerts). Each face that can push provides a
 * ReplySender; src/alerts uses them without knowing the platform.
 */
export type PushPlatform = 'discord' | 'telegram';

export type DeliveryResult =
  | { ok: true; messageId?: string }
  /** Rate-limited or a server error: try again later (after `retryAfterMs` when the platform said). */
  | { ok: false; reason: 'retry'; retryAfterMs?: number; detail: string }
  /** The chat no longer exists (Discord Unknown Channel, Telegram "chat not found"). */
  | { ok: false; reason: 'gone'; detail: string }
  /** The bot may not post there (Telegram 403 blocked/kicked, Discord Missing Access/Permissions). */
  | { ok: false; reason: 'forbidden'; detail: string };

export interface ReplySender {
  readonly platform: PushPlatform;
  send(chatId: string, reply: Reply, lang: 'en' | 'vi'): Promise<DeliveryResult>;
}
