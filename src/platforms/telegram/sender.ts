import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Lang } from '../../chat/command.ts';
import type { DeliveryResult, EditResult, ReplySender } from '../../chat/delivery.ts';
import type { Reply } from '../../chat/reply.ts';
import { classifyTelegramError, describeError, isNotModified, isTelegramError } from './errors.ts';
import { postPlan, withPlainFallback } from './post.ts';
import { TELEGRAM_PROFILE } from './profile.ts';
import { CAPTION_LIMIT, htmlToText, planReply } from './render.ts';

/**
 * Alerts to Telegram chats (src/alerts/delivery.ts drives it): the reply rendered as for a
 * command (photo, then text with the keyboard), and Telegram's answer mapped for the queue
 * (src/platforms/telegram/errors.ts): 429 → retry after `retry_after`; a refused connection → retry;
 * a 5xx or a request that got no answer → uncertain (perhaps posted: the queue never repeats it);
 * 403 (blocked, kicked) → forbidden; 400 "chat not found" or a group upgraded to a supergroup →
 * gone; other 400s → retry.
 * Alert buttons carry full payloads already (`explain:funding`) and are sent as they are.
 *
 * `edit` replaces the text and buttons of a message it sent (a digest): editMessageText, or, when
 * that message is a picture, editMessageCaption (the text as its caption, when it fits 1,024
 * characters); `privateChatOf` is the user's own id, which is their private chat with the bot once
 * they have started it.
 */
export class TelegramSender implements ReplySender {
  readonly platform = TELEGRAM_PROFILE.id;
  readonly pacing = TELEGRAM_PROFILE.push!.pacing;

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    private readonly secrets: readonly string[],
  ) {}

  /** Telegram has no idempotency key: `idempotencyKey` is not used, and the queue never repeats an uncertain send. */
  async send(chatId: string, reply: Reply, lang: Lang): Promise<DeliveryResult> {
    const plan = planReply(reply, lang, {
      onDroppedButton: (action, bytes) => this.logger.error({ chatId, payload: action.payload.slice(0, 80), bytes }, 'telegram: button dropped, callback_data over 64 bytes'),
    });
    const posted: string[] = [];
    try {
      const sent = await postPlan({ api: this.api, logger: this.logger, secrets: this.secrets }, toChatId(chatId), plan, {
        onSent: (message) => posted.push(String(message.message_id)),
      });
      const last = sent[sent.length - 1];
      return { ok: true, messageId: last ? String(last.message_id) : undefined };
    } catch (error) {
      if (posted.length) {
        // The chart (or the first part) is out: resending would repeat it. The rest is logged as lost.
        const result = classifyTelegramError(error, this.secrets);
        this.logger.warn({ chatId, posted: posted.length, parts: plan.texts.length + (plan.photo ? 1 : 0), detail: result.detail }, 'telegram: the rest of an alert was not sent');
        return { ok: true, messageId: posted[posted.length - 1] };
      }
      return this.failed(chatId, error);
    }
  }

  async edit(chatId: string, messageId: string, reply: Reply, lang: Lang): Promise<EditResult> {
    const plan = planReply({ ...reply, image: undefined }, lang);
    if (plan.texts.length !== 1) throw new Error(`telegram: an edit replaces one text message; this reply needs ${plan.texts.length}`);
    const [html] = plan.texts;
    const chat = toChatId(chatId);
    const id = Number(messageId);
    const options = { link_preview_options: { is_disabled: true }, ...(plan.keyboard ? { reply_markup: plan.keyboard } : {}) };
    const context = { api: this.api, logger: this.logger, secrets: this.secrets };
    try {
      await withPlainFallback(
        context,
        'editMessageText',
        () => this.api.editMessageText(chat, id, html, { parse_mode: 'HTML', ...options }),
        () => this.api.editMessageText(chat, id, htmlToText(html), options),
      );
      return { ok: true, messageId };
    } catch (error) {
      if (isNotModified(error)) return { ok: true, messageId };
      if (isTelegramError(error, 400, /there is no text in the message/i) && htmlToText(html).length <= CAPTION_LIMIT) {
        return this.editCaption(chatId, messageId, html, plan.keyboard);
      }
      if (isTelegramError(error, 400, /message to edit not found|there is no text in the message/i)) {
        return { ok: false, reason: 'missing', detail: classifyTelegramError(error, this.secrets).detail };
      }
      return this.failed(chatId, error);
    }
  }

  /** The message is a picture: its caption becomes the new text. */
  private async editCaption(chatId: string, messageId: string, html: string, keyboard: ReturnType<typeof planReply>['keyboard']): Promise<EditResult> {
    const chat = toChatId(chatId);
    const id = Number(messageId);
    const markup = keyboard ? { reply_markup: keyboard } : {};
    try {
      await withPlainFallback(
        { api: this.api, logger: this.logger, secrets: this.secrets },
        'editMessageCaption',
        () => this.api.editMessageCaption(chat, id, { caption: html, parse_mode: 'HTML', ...markup }),
        () => this.api.editMessageCaption(chat, id, { caption: htmlToText(html), ...markup }),
      );
      return { ok: true, messageId };
    } catch (error) {
      if (isNotModified(error)) return { ok: true, messageId };
      if (isTelegramError(error, 400, /message to edit not found/i)) return { ok: false, reason: 'missing', detail: classifyTelegramError(error, this.secrets).detail };
      return this.failed(chatId, error);
    }
  }

  async privateChatOf(userId: string): Promise<{ ok: true; chatId: string }> {
    return { ok: true, chatId: userId };
  }

  private failed(chatId: string, error: unknown): Exclude<DeliveryResult, { ok: true }> {
    const result = classifyTelegramError(error, this.secrets);
    this.logger.debug({ chatId, reason: result.reason, err: describeError(error, this.secrets) }, 'telegram: alert not delivered');
    return result;
  }
}

/** Telegram chat ids are numbers (negative for groups); `@channelname` stays a string. */
export function toChatId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}
