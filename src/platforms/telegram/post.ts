import { InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import type { Logger } from 'pino';
import { describeError, isParseError } from './errors.ts';
import { htmlToText, type MessagePlan } from './render.ts';

/**
 * Posting a MessagePlan: the photo (sendPhoto, the PNG uploaded as multipart), then the text
 * messages, the keyboard on the photo or on the last text. Shared by command replies and alerts.
 * Should Telegram ever refuse our HTML, the same text goes again as plain text rather than not at all.
 */
export interface PostContext {
  api: Api;
  logger: Logger;
  secrets: readonly string[];
}

export interface PostOptions {
  /** In groups, the reply quotes the command it answers (when that message still exists). */
  replyTo?: number;
  /** Called as each message is posted (a sender learns how far a failed plan got). */
  onSent?: (message: Message) => void;
}

export async function postPlan(context: PostContext, chatId: number | string, plan: MessagePlan, options: PostOptions = {}): Promise<Message[]> {
  const { api } = context;
  const sent: Message[] = [];
  let replyTo = options.replyTo;
  const replyParameters = () => {
    const value = replyTo !== undefined ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {};
    replyTo = undefined; // only the first message quotes the command
    return value;
  };
  if (plan.photo) {
    const keyboard = plan.keyboardOn === 'photo' ? plan.keyboard : undefined;
    const photo = plan.photo;
    const other = { ...replyParameters(), ...(keyboard ? { reply_markup: keyboard } : {}) };
    const message = await withPlainFallback(
      context,
      'sendPhoto',
      () => api.sendPhoto(chatId, new InputFile(photo.png, photo.filename), { caption: photo.caption || undefined, parse_mode: photo.caption ? 'HTML' : undefined, ...other }),
      () => api.sendPhoto(chatId, new InputFile(photo.png, photo.filename), { caption: htmlToText(photo.caption) || undefined, ...other }),
    );
    sent.push(message);
    options.onSent?.(message);
  }
  for (const [i, html] of plan.texts.entries()) {
    const last = i === plan.texts.length - 1;
    const keyboard = last && plan.keyboardOn === 'last-text' ? plan.keyboard : undefined;
    const message = await sendText(context, chatId, html, { ...replyParameters(), ...(keyboard ? { reply_markup: keyboard } : {}) });
    sent.push(message);
    options.onSent?.(message);
  }
  return sent;
}

export interface TextExtras {
  reply_markup?: InlineKeyboardMarkup;
  reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean };
}

/** One HTML message without link previews (the replies' links are sources, not the point). */
export function sendText(context: PostContext, chatId: number | string, html: string, extras: TextExtras = {}): Promise<Message> {
  const base = { link_preview_options: { is_disabled: true }, ...extras };
  return withPlainFallback(
    context,
    'sendMessage',
    () => context.api.sendMessage(chatId, html, { parse_mode: 'HTML', ...base }),
    () => context.api.sendMessage(chatId, htmlToText(html), base),
  );
}

export async function withPlainFallback<T>(context: PostContext, method: string, html: () => Promise<T>, plain: () => Promise<T>): Promise<T> {
  try {
    return await html();
  } catch (error) {
    if (!isParseError(error)) throw error;
    context.logger.error({ method, err: describeError(error, context.secrets) }, 'telegram: HTML refused, sent as plain text');
    return plain();
  }
}
