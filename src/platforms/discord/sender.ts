import { Routes, type REST } from 'discord.js';
import type { Logger } from 'pino';
import type { Lang } from '../../chat/command.ts';
import type { DeliveryResult, EditResult, ReplySender, SendOptions } from '../../chat/delivery.ts';
import type { Reply } from '../../chat/reply.ts';
import { scrubSecrets } from '../../logger.ts';
import { neverReachedServer } from '../network.ts';
import { DISCORD_PROFILE } from './profile.ts';
import { renderReply, type DiscordMessage } from './render.ts';

/**
 * Posts replies nobody asked for (alerts) to a channel: POST /channels/:id/messages with the
 * embeds, the buttons (alert payloads are fully qualified already, e.g. `explain:funding`) and the
 * picture as a multipart file. Discord's answer becomes a DeliveryResult the alert queue acts on.
 *
 * The REST client given here should not retry by itself (`retries: 0`, `rejectOnRateLimit`), so
 * the queue, which paces and persists, decides when to try again.
 *
 * `edit` replaces a message it sent (PATCH, embeds and buttons; a digest fits one message);
 * `privateChatOf` opens (or finds) the DM channel with a user (POST /users/@me/channels).
 */

/** Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
export const DISCORD_ERRORS = {
  unknownChannel: 10003,
  unknownGuild: 10004,
  unknownMessage: 10008,
  missingAccess: 50001,
  cannotSendToUser: 50007,
  missingPermissions: 50013,
} as const;

const GONE_CODES = new Set<number>([DISCORD_ERRORS.unknownChannel, DISCORD_ERRORS.unknownGuild]);
const FORBIDDEN_CODES = new Set<number>([DISCORD_ERRORS.missingAccess, DISCORD_ERRORS.cannotSendToUser, DISCORD_ERRORS.missingPermissions]);

/** Where a failed request to Discord leaves a delivery. Reads the error's fields, so it works on any copy of @discordjs/rest. */
export function classifyDiscordError(error: unknown, secrets: readonly string[] = []): DeliveryResult & { ok: false } {
  const e = (error ?? {}) as { name?: string; message?: string; status?: number; code?: number | string; retryAfter?: number; timeToReset?: number };
  const message = e.message ?? (error instanceof Object ? '' : String(error));
  const described = [e.name ?? 'Error', message].filter(Boolean).join(': ');
  const detail = scrubInteractionTokens(scrubSecrets(described, [...secrets])).slice(0, 300);
  const name = String(e.name ?? '');
  if (name.startsWith('RateLimitError') || e.status === 429) {
    const wait = Number(e.retryAfter) > 0 ? Number(e.retryAfter) : Number(e.timeToReset) > 0 ? Number(e.timeToReset) : undefined;
    return { ok: false, reason: 'retry', ...(wait !== undefined ? { retryAfterMs: Math.ceil(wait) } : {}), detail };
  }
  const code = typeof e.code === 'number' ? e.code : Number.NaN;
  if (GONE_CODES.has(code)) return { ok: false, reason: 'gone', detail };
  if (FORBIDDEN_CODES.has(code)) return { ok: false, reason: 'forbidden', detail };
  if (e.status === 404) return { ok: false, reason: 'gone', detail };
  if (e.status === 403) return { ok: false, reason: 'forbidden', detail };
  if (e.status !== undefined && e.status < 500) return { ok: false, reason: 'retry', detail };
  // Never connected: nothing was posted. A 5xx (HTTPError), a time-out (AbortError), a reset
  // connection: perhaps posted; the nonce makes a repeat within Discord's window safe.
  return { ok: false, reason: neverReachedServer(error) ? 'retry' : 'uncertain', detail };
}

/** Interaction and webhook tokens ride in URLs (`/webhooks/:app/:token`); they are secrets for 15 minutes. */
export function scrubInteractionTokens(text: string): string {
  return text.replace(/(\/(?:webhooks|interactions)\/\d+\/)[^/?\s]+/g, '$1[redacted]');
}

/** The JSON body and files of one rendered message, for REST. */
export function messageBody(message: DiscordMessage): { body: Record<string, unknown>; files: Array<{ name: string; data: Buffer; contentType: string }> } {
  return {
    body: {
      embeds: message.embeds,
      components: message.components,
      allowed_mentions: { parse: [] },
      ...(message.files.length ? { attachments: message.files.map((f, i) => ({ id: i, filename: f.name, description: f.description })) } : {}),
    },
    files: message.files.map((f) => ({ name: f.name, data: f.attachment, contentType: 'image/png' })),
  };
}

/**
 * Discord checks a message's nonce for uniqueness "in the past few minutes" when enforce_nonce is
 * set, and then returns the message already created instead of a second one
 * (https://discord.com/developers/docs/resources/message#create-message). "A few minutes" is not
 * a number, so the queue repeats an uncertain send only within 2 minutes of its first attempt.
 */
export const NONCE_WINDOW_MS = 2 * 60_000;
/** Discord's limit on a nonce's length. */
const NONCE_MAX_LENGTH = 25;

export class DiscordSender implements ReplySender {
  readonly platform = DISCORD_PROFILE.id;
  readonly pacing = DISCORD_PROFILE.push!.pacing;
  readonly deduplicates = { windowMs: NONCE_WINDOW_MS };

  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** With an `idempotencyKey`, each message carries the nonce `<key>.<part>` and enforce_nonce. */
  async send(chatId: string, reply: Reply, lang: Lang, options: SendOptions = {}): Promise<DeliveryResult> {
    const { messages } = renderReply(reply, lang);
    let firstId: string | undefined;
    for (const [index, message] of messages.entries()) {
      try {
        const { body, files } = messageBody(message);
        const key = options.idempotencyKey;
        const nonce = key === undefined ? {} : { nonce: `${key}.${index}`.slice(-NONCE_MAX_LENGTH), enforce_nonce: true };
        const sent = (await this.rest.post(Routes.channelMessages(chatId), { body: { ...body, ...nonce }, files })) as { id?: string };
        firstId ??= sent?.id;
      } catch (error) {
        const result = classifyDiscordError(error, this.secrets);
        if (index === 0) return result;
        // The first part is out: resending would repeat it. Report success and note the loss.
        this.logger.warn({ chatId, part: index + 1, parts: messages.length, detail: result.detail }, 'discord: a continuation message was not sent');
        break;
      }
    }
    return { ok: true, messageId: firstId };
  }

  async edit(chatId: string, messageId: string, reply: Reply, lang: Lang): Promise<EditResult> {
    const { messages } = renderReply(reply, lang, { maxMessages: 1 });
    const { body, files } = messageBody(messages[0]);
    try {
      await this.rest.patch(Routes.channelMessage(chatId, messageId), { body: { ...body, attachments: body.attachments ?? [] }, files });
      return { ok: true, messageId };
    } catch (error) {
      const result = classifyDiscordError(error, this.secrets);
      const code = (error as { code?: unknown } | undefined)?.code;
      return code === DISCORD_ERRORS.unknownMessage ? { ok: false, reason: 'missing', detail: result.detail } : result;
    }
  }

  async privateChatOf(userId: string): Promise<{ ok: true; chatId: string } | Exclude<DeliveryResult, { ok: true }>> {
    try {
      const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
      return { ok: true, chatId: channel.id };
    } catch (error) {
      return classifyDiscordError(error, this.secrets);
    }
  }
}
