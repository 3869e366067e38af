import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Lang } from '../../chat/command.ts';
import type { DeliveryResult, ReplySender } from '../../chat/delivery.ts';
import type { Reply } from '../../chat/reply.ts';
import { classifyTelegramError, describeError } from './errors.ts';
import { postPlan } from './post.ts';
import { planReply } from './render.ts';

/**
 * Alerts to Telegram chats (src/alerts/delivery.ts drives it): the reply rendered as for a
 * command (photo, then text with the keyboard), and Telegram's answer mapped for the queue:
 * 429 → retry after `retry_after`; 5xx and network errors → retry; 403 (blocked, kicked) →
 * forbidden; 400 "chat not found" or a group upgraded to a supergroup → gone; other 400s → retry.
 * Alert buttons carry full payloads already (`explain:funding`) and are sent as they are.
 */
export class TelegramSender implements ReplySender {
  readonly platform = 'telegram' as const;

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    private readonly secrets: readonly string[],
  ) {}

  async send(chatId: string, reply: Reply, lang: Lang): Promise<DeliveryResult> {
    const plan = planReply(reply, lang, {
      onDroppedButton: (action, bytes) => this.logger.error({ chatId, payload: action.payload.slice(0, 80), bytes }, 'telegram: button dropped, callback_data over 64 bytes'),
    });
    try {
      const sent = await postPlan({ api: this.api, logger: this.logger, secrets: this.secrets }, toChatId(chatId), plan);
      const last = sent[sent.length - 1];
      return { ok: true, messageId: last ? String(last.message_id) : undefined };
    } catch (error) {
      const result = classifyTelegramError(error, this.secrets);
      this.logger.debug({ chatId, reason: result.reason, err: describeError(error, this.secrets) }, 'telegram: alert not delivered');
      return result;
    }
  }
}

/** Telegram chat ids are numbers (negative for groups); `@channelname` stays a string. */
export function toChatId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}
