import type { Lang } from '../../src/chat/command.ts';
import type { DeliveryResult, ReplySender, SendOptions } from '../../src/chat/delivery.ts';
import type { Pacing } from '../../src/chat/profile.ts';
import { faceProfile } from '../../src/platforms/registry.ts';
import type { Reply } from '../../src/chat/reply.ts';

/**
 * An in-process stand-in for the Telegram / Discord senders: records what would be posted and
 * answers the way the platforms do when told to (429 with retry-after, 5xx, chat gone, bot kicked).
 */
export class RecordingSender implements ReplySender {
  readonly sent: Array<{ chatId: string; reply: Reply; lang: Lang }> = [];
  readonly attempts: string[] = [];
  /** The idempotency key of each attempt, in order. */
  readonly keys: Array<string | undefined> = [];
  /** Set to act like a platform that de-duplicates repeated keys (Discord's nonce). */
  deduplicates?: { windowMs: number };
  /** Chats that always answer this way (a deleted channel, a group that kicked the bot). */
  readonly dead = new Map<string, DeliveryResult & { ok: false }>();
  private readonly queued: Array<DeliveryResult & { ok: false }> = [];

  /** Paced as the face with this id is (no pacing for an unknown one). */
  constructor(
    readonly platform: string,
    readonly pacing: Pacing = faceProfile(platform)?.push?.pacing ?? { globalMs: 0, perChatMs: 0 },
  ) {}

  /** The next `send` calls fail with these results, in order (whatever the chat). */
  failNext(...results: Array<DeliveryResult & { ok: false }>): void {
    this.queued.push(...results);
  }

  async send(chatId: string, reply: Reply, lang: Lang, options: SendOptions = {}): Promise<DeliveryResult> {
    this.attempts.push(chatId);
    this.keys.push(options.idempotencyKey);
    const dead = this.dead.get(chatId);
    if (dead) return dead;
    const failure = this.queued.shift();
    if (failure) return failure;
    this.sent.push({ chatId, reply, lang });
    return { ok: true, messageId: String(this.sent.length) };
  }

  /** Users who never opened a private chat with the bot (Discord refuses to open a DM with them). */
  readonly unreachableUsers = new Set<string>();

  /** As the faces do it: Telegram's private chat is the user id; Discord opens a DM channel. */
  async privateChatOf(userId: string): Promise<{ ok: true; chatId: string } | (DeliveryResult & { ok: false })> {
    if (this.unreachableUsers.has(userId)) return { ok: false, reason: 'forbidden', detail: 'Cannot send messages to this user' };
    return { ok: true, chatId: this.platform === 'telegram' ? userId : `dm-${userId}` };
  }

  titlesFor(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.reply.title ?? '');
  }
}
