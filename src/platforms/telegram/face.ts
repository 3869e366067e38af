import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Api, Bot, webhookCallback, type Context } from 'grammy';
import type { Chat, MaybeInaccessibleMessage, Message, User } from 'grammy/types';
import type { Logger } from 'pino';
import type { Lang } from '../../chat/command.ts';
import type { Invocation } from '../../chat/dispatcher.ts';
import { translator } from '../../chat/i18n.ts';
import { formValuesFromText } from '../../chat/forms.ts';
import type { Reply } from '../../chat/reply.ts';
import { carriesSecret } from '../../chat/secrets.ts';
import type { Config } from '../../config.ts';
import type { Face, FaceDependencies } from '../face.ts';
import { TELEGRAM_PROFILE } from './profile.ts';
import { alertRetry, createThrottler, replyRetry } from './api.ts';
import { addressedToMe, menuCommands, parseCommandLine } from './commands.ts';
import { describeError, isNotModified } from './errors.ts';
import { postPlan, sendText, withPlainFallback, type PostContext } from './post.ts';
import { CAPTION_LIMIT, callbackAlertText, escapeHtml, htmlToText, planReply, type MessagePlan } from './render.ts';
import { TelegramSender } from './sender.ts';

/**
 * The Telegram face (grammY): `/command@Bot args` lines → Dispatcher.runLine, button presses →
 * Dispatcher.runAction, replies → HTML messages (render.ts). Long polling by default; a webhook
 * server when TELEGRAM_WEBHOOK_URL is set. TELEGRAM_API_ROOT points it at another Bot API server.
 *
 * Updates are handled concurrently across users and in order for each user in each chat, so one
 * slow /simulate does not hold up everybody else (grammY's own polling loop is sequential).
 */
export type TelegramConfig = NonNullable<Config['telegram']>;

export interface TelegramFace extends Face {
  readonly bot: Bot;
  readonly sender: TelegramSender;
  /** The port the webhook server listens on (webhook mode, once started). */
  readonly webhookPort: number | undefined;
  /** Resolves when every update received so far has been handled (answered or deliberately not). */
  settled(): Promise<void>;
}

export function createTelegramFace(config: TelegramConfig, deps: FaceDependencies): TelegramFace {
  return new GrammyFace(config, deps);
}

type ApiSignal = Parameters<Api['getMe']>[0];

const ALLOWED_UPDATES = ['message', 'channel_post', 'callback_query', 'my_chat_member'] as const;
/** Telegram shows "typing…" for 5 s; a longer command renews it. */
const TYPING_RENEW_MS = 4_500;
/** How long stop() waits for replies under way. */
const STOP_GRACE_MS = 10_000;
/** A private form (a read-only key) is answered by the user's next message within this long. */
const FORM_TTL_MS = 10 * 60_000;

class GrammyFace implements TelegramFace {
  readonly profile = TELEGRAM_PROFILE;
  readonly bot: Bot;
  readonly sender: TelegramSender;
  private readonly logger: Logger;
  private readonly secrets: string[];
  private readonly webhookSecret?: string;
  private readonly chains = new Map<string, Promise<void>>();
  /**
   * Forms waiting for their answer, by private chat and user: the next plain message there is the
   * answer (deleted as soon as it is read). In memory only: after a restart the user starts again.
   */
  private readonly forms = new Map<string, { data: string; expiresAt: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private polling?: Promise<void>;
  private server?: Server;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(
    private readonly config: TelegramConfig,
    private readonly deps: FaceDependencies,
  ) {
    this.logger = deps.logger;
    // Without a configured secret, the webhook still gets one: nobody else may post updates.
    this.webhookSecret = config.webhook ? (config.webhook.secret ?? randomBytes(32).toString('hex')) : undefined;
    this.secrets = [...new Set([...deps.secrets, config.token, this.webhookSecret].filter((s): s is string => !!s))];

    const client = { apiRoot: config.apiRoot };
    this.bot = new Bot(config.token, { client });
    const throttler = createThrottler();
    this.bot.api.config.use(...replyRetry(), throttler);
    // Alerts wait at most 30 s for an answer (grammY's default is 500 s); no answer is an uncertain send.
    const alertApi = new Api(config.token, { ...client, timeoutSeconds: 30 });
    alertApi.config.use(alertRetry(), throttler);
    this.sender = new TelegramSender(alertApi, this.logger, this.secrets);

    this.bot.on('message', (ctx) => this.schedule(ctx.message.chat, ctx.message.from, () => this.onMessage(ctx, ctx.message)));
    this.bot.on('channel_post', (ctx) => this.schedule(ctx.channelPost.chat, undefined, () => this.onMessage(ctx, ctx.channelPost)));
    this.bot.on('callback_query', (ctx) => this.schedule(ctx.callbackQuery.message?.chat, ctx.callbackQuery.from, () => this.onCallback(ctx)));
    this.bot.on('my_chat_member', (ctx) => this.onMembership(ctx));
    this.bot.catch((error) => this.logger.error({ err: describeError(error.error, this.secrets) }, 'telegram: update failed'));
  }

  get webhookPort(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** One attempt (the supervisor retries); a failed attempt leaves the face ready for the next. */
  start(): Promise<void> {
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    // grammY types its signal with a shim; Node's own AbortSignal is what it listens to.
    const signal = AbortSignal.timeout(this.deps.attemptTimeoutMs) as unknown as ApiSignal;
    try {
      // getMe checks the token and learns @username for /cmd@BotName. Called once here rather
      // than through bot.init(), which would retry it forever on its own.
      this.bot.botInfo = await this.bot.api.getMe(signal);
    } catch (error) {
      const { message, cause } = describeError(error, this.secrets);
      throw new Error(`Telegram: getMe failed (${message}${cause ? `: ${cause}` : ''})`);
    }
    await this.registerCommands(signal);
    if (this.config.webhook) await this.serveWebhook(this.config.webhook);
    else await this.startPolling();
    this.logger.info({ username: this.bot.botInfo.username, mode: this.config.webhook ? 'webhook' : 'polling' }, 'telegram: serving');
  }

  private async registerCommands(signal: ApiSignal): Promise<void> {
    const commands = this.deps.dispatcher.commands;
    try {
      await this.bot.api.setMyCommands(menuCommands(commands, 'en'), undefined, signal);
      await this.bot.api.setMyCommands(menuCommands(commands, 'vi'), { language_code: 'vi' }, signal);
    } catch (error) {
      // The bot works without its menu; a later start registers it again.
      this.logger.warn({ err: describeError(error, this.secrets) }, 'telegram: setMyCommands failed');
    }
  }

  private startPolling(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let serving = false;
      this.polling = this.bot
        .start({
          allowed_updates: ALLOWED_UPDATES,
          onStart: () => {
            serving = true;
            resolve();
          },
        })
        .catch((error: unknown) => {
          const err = describeError(error, this.secrets);
          if (!serving) reject(new Error(`Telegram: long polling did not start (${err.message})`));
          else this.logger.error({ err }, 'telegram: long polling stopped');
        });
    });
  }

  private async serveWebhook(webhook: NonNullable<TelegramConfig['webhook']>): Promise<void> {
    const handle = webhookCallback(this.bot, 'http', {
      secretToken: this.webhookSecret,
      // Updates are handled in the background (schedule), so this only covers reading the body.
      onTimeout: 'return',
      timeoutMilliseconds: 9_000,
    });
    const path = new URL(webhook.url).pathname;
    const server = createServer((req, res) => {
      const requested = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST' || (requested !== path && requested !== '/')) {
        res.writeHead(404).end();
        return;
      }
      handle(req, res).catch((error: unknown) => {
        this.logger.warn({ err: describeError(error, this.secrets) }, 'telegram: webhook request refused');
        if (!res.headersSent) res.writeHead(400).end();
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(webhook.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    try {
      await this.bot.api.setWebhook(webhook.url, { secret_token: this.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      this.server = undefined;
      throw new Error(`Telegram: setWebhook failed (${describeError(error, this.secrets).message})`);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.disconnect();
    return this.stopping;
  }

  private async disconnect(): Promise<void> {
    await this.starting?.catch(() => undefined);
    if (this.bot.isRunning()) {
      await this.bot.stop().catch((error: unknown) => this.logger.warn({ err: describeError(error, this.secrets) }, 'telegram: stop polling'));
    }
    await this.polling;
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }
    // Let replies under way finish (bounded).
    if (this.inFlight.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_GRACE_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    }
  }

  /** One user's updates in one chat run in order; other users' run alongside. */
  private schedule(chat: Chat | undefined, from: User | undefined, task: () => Promise<void>): void {
    const key = `${chat?.id ?? from?.id}:${from?.id ?? ''}`;
    const run = (this.chains.get(key) ?? Promise.resolve())
      .then(task)
      .catch((error: unknown) => this.logger.error({ err: describeError(error, this.secrets) }, 'telegram: update failed'));
    this.chains.set(key, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
  }

  private post(api: Api): PostContext {
    return { api, logger: this.logger, secrets: this.secrets };
  }

  private plan(reply: Reply, lang: Lang): MessagePlan {
    return planReply(reply, lang, {
      onDroppedButton: (action, bytes) =>
        this.logger.error({ payload: action.payload.slice(0, 80), bytes }, 'telegram: button dropped, callback_data over 64 bytes'),
    });
  }

  private async onMessage(ctx: Context, message: Message): Promise<void> {
    const text = message.text;
    if (text === undefined || message.forward_origin) return;
    const chatKind = kindOf(message.chat);
    const command = parseCommandLine(text);
    const invocation = this.invocation(ctx.api, message.chat, message.from, message.sender_chat);
    const dispatcher = this.deps.dispatcher;
    if (!command && chatKind === 'private') {
      const pending = this.pendingForm(message.chat, message.from);
      if (pending) return this.onFormAnswer(ctx, message, pending, invocation);
    }
    // A key pasted where it does not belong: deleted at once, never stored.
    if (!command && carriesSecret(text)) return this.onStraySecret(ctx, message, invocation);
    if (!command) {
      // In a private chat every message is for us: say how commands look. In groups, people talk.
      if (chatKind === 'private') {
        const t = translator(dispatcher.langFor(invocation));
        await sendText(this.post(ctx.api), message.chat.id, escapeHtml(t('telegram.not-command'))).catch((error: unknown) => this.sendFailed(error));
      }
      return;
    }
    if (!addressedToMe(command, this.bot.botInfo.username)) return;
    const known = dispatcher.find(command.name);
    // In groups an unknown command may belong to another bot: answer it only when addressed to us.
    if (!known && chatKind !== 'private' && !command.mention) return;
    // `/start <payload>` comes from a t.me deep link: the payload is not a command name.
    const line = command.name === 'start' ? '/start' : command.line;
    const stopTyping = known?.slow && !dispatcher.wouldRefuse(invocation, known) ? await this.typing(ctx.api, message.chat.id) : undefined;
    let result;
    try {
      result = await dispatcher.runLine(invocation, line);
    } finally {
      stopTyping?.();
    }
    // Told once per window already: silence, so one member cannot spend the group's message budget.
    if (result.kind === 'reply' && result.quiet) return;
    let reply = result.reply;
    if (command.name === 'start' && result.kind === 'reply' && !result.failure) {
      reply = { ...reply, blocks: [{ kind: 'text', text: translator(result.lang)('chat.help.welcome') }, ...reply.blocks] };
    }
    // The command words carried a secret: the message goes first, and the reply says whether it went.
    if (reply.deleteRequest) reply = await this.withDeletion(ctx.api, message, reply, result.lang);
    this.rememberForm(message.chat, message.from, reply);
    const replyTo = chatKind === 'private' || reply.deleteRequest ? undefined : message.message_id;
    await postPlan(this.post(ctx.api), message.chat.id, this.plan(reply, result.lang), { replyTo }).catch((error: unknown) => this.sendFailed(error));
  }

  private formKey(chat: Chat, from: User | undefined): string {
    return `${chat.id}:${from?.id ?? ''}`;
  }

  /** A reply that asks for a private form, in a private chat: the user's next message there answers it. */
  private rememberForm(chat: Chat, from: User | undefined, reply: Reply): void {
    if (!reply.form || chat.type !== 'private' || !from) return;
    this.forms.set(this.formKey(chat, from), { data: reply.form.payload, expiresAt: Date.now() + FORM_TTL_MS });
  }

  private pendingForm(chat: Chat, from: User | undefined): { data: string } | undefined {
    const key = this.formKey(chat, from);
    const pending = this.forms.get(key);
    if (pending && pending.expiresAt < Date.now()) this.forms.delete(key);
    return pending && pending.expiresAt >= Date.now() ? pending : undefined;
  }

  /**
   * The answer to a private form (a read-only key): the message is deleted before anything else,
   * its text goes to the command alone, and the reply never repeats it.
   */
  private async onFormAnswer(ctx: Context, message: Message, pending: { data: string }, invocation: Invocation): Promise<void> {
    const deleted = await this.deleteMessage(ctx.api, message);
    this.forms.delete(this.formKey(message.chat, message.from));
    const dispatcher = this.deps.dispatcher;
    const form = await dispatcher.formSpec(invocation, pending.data);
    const lang = form?.lang ?? dispatcher.langFor(invocation);
    const t = translator(lang);
    let reply: Reply;
    if (!form) {
      reply = { tone: 'error', blocks: [{ kind: 'text', text: t('chat.error.stale-button') }] };
    } else {
      const stopTyping = await this.typing(ctx.api, message.chat.id);
      try {
        const result = await dispatcher.runForm(invocation, pending.data, formValuesFromText(message.text ?? '', form.spec));
        reply = result.reply;
      } finally {
        stopTyping();
      }
    }
    if (!deleted) reply = { ...reply, blocks: [{ kind: 'text', text: t('telegram.message-not-deleted') }, ...reply.blocks] };
    this.rememberForm(message.chat, message.from, reply);
    await postPlan(this.post(ctx.api), message.chat.id, this.plan(reply, lang)).catch((error: unknown) => this.sendFailed(error));
  }

  /** A key pasted with no form waiting (or in a group): deleted where the bot can, not stored, the user told what to do. */
  private async onStraySecret(ctx: Context, message: Message, invocation: Invocation): Promise<void> {
    const lang = this.deps.dispatcher.langFor(invocation);
    const t = translator(lang);
    const shared = kindOf(message.chat) !== 'private';
    const reply = await this.withDeletion(ctx.api, message, { tone: 'error', blocks: [{ kind: 'text', text: t(shared ? 'telegram.key-in-group' : 'telegram.key-unexpected') }] }, lang);
    await postPlan(this.post(ctx.api), message.chat.id, this.plan(reply, lang)).catch((error: unknown) => this.sendFailed(error));
  }

  /** Deletes the user's message and says in the reply whether it went. */
  private async withDeletion(api: Api, message: Message, reply: Reply, lang: Lang): Promise<Reply> {
    const deleted = await this.deleteMessage(api, message);
    const note = translator(lang)(deleted ? 'telegram.message-deleted' : 'telegram.message-not-deleted');
    return { ...reply, blocks: [...reply.blocks, { kind: 'text', text: note }] };
  }

  /** Bots may delete any message in a private chat, and in a group when they are an admin allowed to. */
  private async deleteMessage(api: Api, message: Message): Promise<boolean> {
    try {
      await api.deleteMessage(message.chat.id, message.message_id);
      return true;
    } catch (error) {
      this.logger.warn({ err: describeError(error, this.secrets), chatType: message.chat.type }, 'telegram: could not delete a message carrying a secret');
      return false;
    }
  }

  private async onCallback(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery!;
    let answered = false;
    const answer = async (options?: { text: string; show_alert: boolean }) => {
      if (answered) return;
      answered = true;
      await ctx.answerCallbackQuery(options).catch((error: unknown) =>
        this.logger.debug({ err: describeError(error, this.secrets) }, 'telegram: answerCallbackQuery failed'),
      );
    };
    try {
      const message = query.message;
      if (!query.data) return;
      const chat: Chat = message?.chat ?? { id: query.from.id, type: 'private', first_name: query.from.first_name };
      const invocation = this.invocation(ctx.api, chat, query.from, undefined);
      const { outcome, lang } = await this.deps.dispatcher.runAction(invocation, query.data);
      if (outcome.kind === 'new' && outcome.reply.tone === 'error') {
        const text = callbackAlertText(outcome.reply);
        if (text) {
          await answer({ text, show_alert: true });
          return;
        }
      }
      await answer();
      if (outcome.kind === 'close') {
        if (message) await this.close(ctx.api, message);
      } else if (outcome.kind === 'edit' && message) {
        await this.edit(ctx.api, message, outcome.reply, lang);
      } else {
        this.rememberForm(chat, query.from, outcome.reply);
        await postPlan(this.post(ctx.api), chat.id, this.plan(outcome.reply, lang));
      }
    } catch (error) {
      this.sendFailed(error);
    } finally {
      await answer();
    }
  }

  /**
   * The same message shows the next step: editMessageText, or editMessageCaption for a photo whose
   * caption can hold it; otherwise a new message. Telegram cannot add a photo to a text message,
   * so an edit drops the reply's image.
   */
  private async edit(api: Api, message: MaybeInaccessibleMessage, reply: Reply, lang: Lang): Promise<void> {
    const plan = this.plan({ ...reply, image: undefined }, lang);
    const chatId = message.chat.id;
    const id = message.message_id;
    const accessible = message.date !== 0;
    const isPhoto = accessible && 'photo' in message && !!message.photo;
    try {
      if (isPhoto && plan.texts.length === 1 && plan.texts[0].length <= CAPTION_LIMIT) {
        const caption = plan.texts[0];
        await withPlainFallback(
          this.post(api),
          'editMessageCaption',
          () => api.editMessageCaption(chatId, id, { caption, parse_mode: 'HTML', reply_markup: plan.keyboard }),
          () => api.editMessageCaption(chatId, id, { caption: htmlToText(caption), reply_markup: plan.keyboard }),
        );
        return;
      }
      if (accessible && !isPhoto) {
        const [first, ...rest] = plan.texts;
        const markup = rest.length ? undefined : plan.keyboard;
        const options = { link_preview_options: { is_disabled: true }, ...(markup ? { reply_markup: markup } : {}) };
        await withPlainFallback(
          this.post(api),
          'editMessageText',
          () => api.editMessageText(chatId, id, first, { parse_mode: 'HTML', ...options }),
          () => api.editMessageText(chatId, id, htmlToText(first), options),
        );
        if (rest.length) await postPlan(this.post(api), chatId, { texts: rest, keyboard: plan.keyboard, keyboardOn: 'last-text' });
        return;
      }
    } catch (error) {
      if (isNotModified(error)) return;
      this.logger.debug({ err: describeError(error, this.secrets) }, 'telegram: edit failed, sending a new message');
    }
    await postPlan(this.post(api), chatId, plan);
  }

  /** Close: delete the message; where Telegram will not (older than 48 h), remove its buttons. */
  private async close(api: Api, message: MaybeInaccessibleMessage): Promise<void> {
    try {
      await api.deleteMessage(message.chat.id, message.message_id);
    } catch (error) {
      this.logger.debug({ err: describeError(error, this.secrets) }, 'telegram: delete failed, removing the keyboard');
      await api
        .editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => (isNotModified(err) ? undefined : this.sendFailed(err)));
    }
  }

  /** The bot was added to or removed from a chat: a removal pauses that chat's alerts. */
  private onMembership(ctx: Context): void {
    const update = ctx.myChatMember!;
    const status = update.new_chat_member.status;
    const chatId = String(update.chat.id);
    this.logger.info({ chatId, chatType: update.chat.type, status }, 'telegram: bot membership changed');
    if (status === 'kicked' || status === 'left') {
      try {
        this.deps.chatClosed(chatId, `forbidden: bot ${status === 'kicked' ? 'was removed from' : 'left'} the chat`);
      } catch (error) {
        this.logger.warn({ err: describeError(error, this.secrets) }, 'telegram: could not pause alerts of a chat the bot left');
      }
    }
  }

  /** "typing…" while a slow command runs; returns the function that stops renewing it. */
  private async typing(api: Api, chatId: number): Promise<() => void> {
    const send = () =>
      api.sendChatAction(chatId, 'typing').catch((error: unknown) => this.logger.debug({ err: describeError(error, this.secrets) }, 'telegram: sendChatAction failed'));
    await send();
    const timer = setInterval(() => void send(), TYPING_RENEW_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  private invocation(api: Api, chat: Chat, from: User | undefined, senderChat: Chat | undefined): Invocation {
    const title = 'title' in chat ? chat.title : undefined;
    const user = senderChat
      ? { id: String(senderChat.id), name: 'title' in senderChat ? senderChat.title : undefined }
      : from
        ? { id: String(from.id), name: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username }
        : { id: String(chat.id), name: title };
    return {
      face: TELEGRAM_PROFILE,
      user,
      chat: { id: String(chat.id), kind: kindOf(chat), title },
      locale: from?.language_code,
      canManageChat: () => this.canManageChat(api, chat, from, senderChat),
    };
  }

  /**
   * Chat administrators (creator or administrator) manage a group. Anonymous admins post as the
   * group itself, and channel posts come from the channel: both count. Private chats always do.
   */
  private async canManageChat(api: Api, chat: Chat, from: User | undefined, senderChat: Chat | undefined): Promise<boolean> {
    if (chat.type === 'private') return true;
    if (senderChat) return senderChat.id === chat.id;
    if (!from) return chat.type === 'channel';
    try {
      const member = await api.getChatMember(chat.id, from.id);
      return member.status === 'creator' || member.status === 'administrator';
    } catch (error) {
      this.logger.warn({ err: describeError(error, this.secrets), chatId: chat.id }, 'telegram: getChatMember failed; treating the user as a member');
      return false;
    }
  }

  private sendFailed(error: unknown): void {
    this.logger.warn({ err: describeError(error, this.secrets) }, 'telegram: reply not delivered');
  }
}

function kindOf(chat: Chat): 'private' | 'group' | 'channel' {
  return chat.type === 'private' ? 'private' : chat.type === 'channel' ? 'channel' : 'group';
}
