import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * A local stand-in for the Telegram Bot API (https://core.telegram.org/bots/api) on 127.0.0.1,
 * speaking the methods the bot uses at `/bot<token>/<method>`, with JSON or multipart/form-data
 * bodies and the real answer shapes: `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the error code as HTTP status.
 *
 * It is strict where Telegram is: HTML must parse (known tags, balanced, escaped), texts and
 * captions within their limits, callback_data within 64 bytes, edits must change something.
 * Tests push updates (messages, button presses) and wait for the calls the bot makes.
 */
export type Json = Record<string, any>;

export interface Call {
  method: string;
  params: Json;
  /** Uploaded files by field name (`photo`), resolved from `attach://` references. */
  files: Record<string, { filename: string; data: Buffer }>;
  /** performance.now() when the request arrived. */
  at: number;
  /** The answer's result, when ok. */
  result?: unknown;
  error?: { error_code: number; description: string };
}

export interface TelegramFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

interface StoredMessage {
  message_id: number;
  chat: Json;
  /** A user's message (pushed by the test), not one the bot sent. */
  fromUser?: number;
  text?: string;
  caption?: string;
  photo?: boolean;
  reply_markup?: Json;
}

export const BOT_USER = { id: 7_000_001, is_bot: true, first_name: 'ADL Sentinel', username: 'AdlSentinelBot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

export class FakeTelegram {
  readonly calls: Call[] = [];
  /** Methods called that this server does not know (should stay empty). */
  readonly unknownMethods: string[] = [];
  /** Longest a getUpdates request is held open, whatever `timeout` it asks for (keeps tests quick). */
  maxHoldMs = 500;
  private server?: Server;
  private readonly events = new EventEmitter();
  private readonly queue: Json[] = [];
  private nextUpdateId = 1;
  /** performance.now() when each update was handed to the bot (in a getUpdates answer). */
  readonly deliveredAt = new Map<number, number>();
  private waiters: Array<() => void> = [];
  private readonly messages = new Map<string, StoredMessage>();
  private readonly nextMessageId = new Map<string, number>();
  private readonly members = new Map<string, string>();
  private readonly lostAnswers: Array<{ method: string; match?: (params: Json) => boolean }> = [];
  private readonly failures: Array<{ method: string; match?: (params: Json) => boolean; failure: TelegramFailure; times: number }> = [];
  webhook: { url: string; secret_token?: string } | undefined;
  /**
   * Telegram's per-chat limit on messages and edits, when set: more than `perMinute` in a chat
   * within a minute of `now()` (a clock the test may move) answers 429 with `retry_after`
   * (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: about 20 a minute in a group).
   */
  chatLimit: { perMinute: number; now: () => number } | undefined;
  private readonly chatPosts = new Map<string, number[]>();
  /** Messages deleted with deleteMessage, in order. */
  readonly deleted: Array<{ chatId: number; messageId: number; fromUser: boolean }> = [];

  constructor(readonly token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi') {
    this.events.setMaxListeners(100);
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this.apiRoot;
  }

  get apiRoot(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- what tests set up -------------------------------------------------------------------

  /** The next `times` calls of `method` (matching `match`) fail with this answer. */
  failNext(method: string, failure: TelegramFailure, options: { times?: number; match?: (params: Json) => boolean } = {}): void {
    this.failures.push({ method, failure, times: options.times ?? 1, match: options.match });
  }

  /**
   * The next matching call is carried out (the message is posted) but its answer never comes:
   * the connection stays open, as when Telegram processed a request and the bot died or timed out
   * before reading the answer.
   */
  loseAnswer(method: string, match?: (params: Json) => boolean): void {
    this.lostAnswers.push({ method, match });
  }

  /** getChatMember answers this status for the user in the chat (default: member). */
  setMember(chatId: number, userId: number, status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked'): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  // ---- updates -----------------------------------------------------------------------------

  pushUpdate(update: Json): number {
    const update_id = this.nextUpdateId++;
    this.queue.push({ update_id, ...update });
    for (const wake of this.waiters.splice(0)) wake();
    return update_id;
  }

  /** A user types `text` in a chat (private by default: chat id = user id). */
  sendText(text: string, options: { user?: Json; chat?: Json; senderChat?: Json } = {}): { updateId: number; messageId: number; update: Json } {
    const message = this.userMessage(text, options);
    const update = { message };
    return { updateId: this.pushUpdate(update), messageId: message.message_id, update: { update_id: this.nextUpdateId - 1, ...update } };
  }

  /** The update as it would arrive by webhook (not queued for getUpdates). */
  webhookUpdate(text: string, options: { user?: Json; chat?: Json } = {}): Json {
    return { update_id: this.nextUpdateId++, message: this.userMessage(text, options) };
  }

  private userMessage(text: string, options: { user?: Json; chat?: Json; senderChat?: Json }): Json {
    const from = options.user ?? user(1001);
    const chat = options.chat ?? { id: from.id, type: 'private', first_name: from.first_name };
    const message_id = this.allocateId(chat.id);
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0].length }] : undefined;
    // Kept so deleteMessage can find it (bots may delete users' messages in private chats, and in groups as an admin).
    this.messages.set(`${chat.id}:${message_id}`, { message_id, chat, fromUser: from.id, text });
    return {
      message_id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...(options.senderChat ? { sender_chat: options.senderChat } : {}),
      text,
      ...(entities ? { entities } : {}),
    };
  }

  /** A user presses a button of a message the bot sent. */
  press(chatId: number, messageId: number, data: string, from: Json = user(1001)): { updateId: number; queryId: string } {
    const stored = this.messages.get(`${chatId}:${messageId}`);
    if (!stored) throw new Error(`fake telegram: no message ${messageId} in chat ${chatId}`);
    const buttons = (stored.reply_markup?.inline_keyboard ?? []).flat() as Json[];
    if (!buttons.some((b) => b.callback_data === data)) throw new Error(`fake telegram: message ${messageId} has no button ${data}`);
    const queryId = `q${this.nextUpdateId}`;
    const message = { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: stored.chat, from: BOT_USER, ...(stored.photo ? { photo: [{ file_id: 'p', file_unique_id: 'p', width: 10, height: 10 }], caption: stored.caption } : { text: stored.text }), reply_markup: stored.reply_markup };
    return { updateId: this.pushUpdate({ callback_query: { id: queryId, from, message, chat_instance: 'ci', data } }), queryId };
  }

  // ---- what tests read ---------------------------------------------------------------------

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** Resolves with the first call (already made or coming) that satisfies `predicate`. */
  waitFor(predicate: (call: Call) => boolean, what = 'a call', timeoutMs = 15_000): Promise<Call> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: Call) => {
        if (!predicate(call)) return;
        cleanup();
        resolve(call);
      };
      // A guard against a hung test, not a speed assertion.
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake telegram: no ${what} within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('call', onCall);
      };
      this.events.on('call', onCall);
    });
  }

  /** The next message sent to `chatId` (from call index `since`) whose visible text matches `pattern`. */
  messageTo(chatId: number, pattern: RegExp, since = 0): Promise<Call> {
    return this.waitFor(
      (c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId && !c.error && this.calls.indexOf(c) >= since && pattern.test(visibleText(c)),
      `a message to ${chatId} matching ${pattern}`,
    );
  }

  /** Waits for the next calls of `method` to `chatId` made after `since` (an index into calls). */
  waitForMethod(method: string, chatId: number, since = 0): Promise<Call> {
    return this.waitFor((c) => c.method === method && Number(c.params.chat_id) === chatId && this.calls.indexOf(c) >= since, `${method} to ${chatId}`);
  }

  // ---- the server --------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0]);
    if (!match) return void send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return void send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2];
    let params: Json;
    let files: Call['files'] = {};
    try {
      ({ params, files } = await readBody(req));
    } catch (error) {
      return void send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
    }
    const call: Call = { method, params, files, at };
    if (method === 'getUpdates') return void this.getUpdates(req, res, call);
    const failure = this.takeFailure(method, params) ?? this.overChatLimit(method, params);
    let answer: { ok: true; result: unknown } | ({ ok: false } & TelegramFailure);
    if (failure) answer = { ok: false, ...failure };
    else {
      try {
        answer = { ok: true, result: this.perform(call) };
      } catch (error) {
        answer = error instanceof ApiError ? { ok: false, error_code: error.code, description: error.message } : { ok: false, error_code: 500, description: 'Internal Server Error' };
      }
    }
    if (answer.ok) call.result = answer.result;
    else call.error = { error_code: answer.error_code, description: answer.description };
    this.calls.push(call);
    const lost = this.lostAnswers.findIndex((l) => l.method === method && (!l.match || l.match(params)));
    if (lost >= 0) this.lostAnswers.splice(lost, 1);
    else send(res, answer.ok ? 200 : answer.error_code, answer);
    this.events.emit('call', call);
  }

  private overChatLimit(method: string, params: Json): TelegramFailure | undefined {
    const limit = this.chatLimit;
    if (!limit || !/^(sendMessage|sendPhoto|editMessageText|editMessageCaption)$/.test(method)) return undefined;
    const key = String(params.chat_id);
    const now = limit.now();
    const recent = (this.chatPosts.get(key) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= limit.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
      return { error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
    }
    recent.push(now);
    this.chatPosts.set(key, recent);
    return undefined;
  }

  private takeFailure(method: string, params: Json): TelegramFailure | undefined {
    const index = this.failures.findIndex((f) => f.method === method && (!f.match || f.match(params)));
    if (index < 0) return undefined;
    const entry = this.failures[index];
    if (--entry.times <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  private getUpdates(req: IncomingMessage, res: ServerResponse, call: Call): void {
    const offset = Number(call.params.offset ?? 0);
    const limit = Math.min(100, Number(call.params.limit ?? 100));
    const timeoutMs = Math.min(this.maxHoldMs, 1000 * Number(call.params.timeout ?? 0));
    // Updates below the offset are confirmed and forgotten.
    while (this.queue.length && this.queue[0].update_id < offset) this.queue.shift();
    this.calls.push(call);
    this.events.emit('call', call);
    let done = false;
    const answer = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      while (this.queue.length && this.queue[0].update_id < offset) this.queue.shift();
      const updates = this.queue.slice(0, limit);
      const now = performance.now();
      for (const u of updates) if (!this.deliveredAt.has(u.update_id)) this.deliveredAt.set(u.update_id, now);
      send(res, 200, { ok: true, result: updates });
    };
    const timer = setTimeout(answer, timeoutMs);
    if (this.queue.length || timeoutMs === 0) return answer();
    this.waiters.push(answer);
    res.on('close', () => {
      // The bot gave up on this request (stop()): no updates are counted as delivered.
      if (!done) {
        done = true;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== answer);
      }
    });
  }

  private perform(call: Call): unknown {
    const p = call.params;
    switch (call.method) {
      case 'getMe':
        return BOT_USER;
      case 'deleteWebhook':
        this.webhook = undefined;
        return true;
      case 'setWebhook':
        if (!String(p.url ?? '').startsWith('https://')) throw new ApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = { url: p.url, secret_token: p.secret_token };
        return true;
      case 'setMyCommands': {
        const commands = parseJson(p.commands) as Json[];
        if (!Array.isArray(commands) || commands.length > 100) throw new ApiError(400, 'Bad Request: commands must be an array of at most 100');
        for (const c of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
          if (!c.description || c.description.length > 256) throw new ApiError(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
        }
        return true;
      }
      case 'sendChatAction':
        return true;
      case 'getChatMember': {
        const status = this.members.get(`${p.chat_id}:${p.user_id}`) ?? 'member';
        return { status, user: user(Number(p.user_id)), ...(status === 'administrator' ? { can_be_edited: false, can_manage_chat: true } : {}) };
      }
      case 'answerCallbackQuery':
        if (p.text !== undefined && String(p.text).length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        return true;
      case 'sendMessage': {
        const text = String(p.text ?? '');
        const visible = p.parse_mode === 'HTML' ? checkHtml(text) : text;
        if (!visible.trim()) throw new ApiError(400, 'Bad Request: message text is empty');
        if (visible.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
        const markup = checkMarkup(p.reply_markup);
        return this.store(p.chat_id, { text: visible, reply_markup: markup });
      }
      case 'sendPhoto': {
        const ref = String(p.photo ?? '');
        const file = ref.startsWith('attach://') ? call.files[ref.slice('attach://'.length)] : undefined;
        if (!file) throw new ApiError(400, 'Bad Request: there is no photo in the request');
        if (!file.data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new ApiError(400, 'Bad Request: IMAGE_PROCESS_FAILED');
        call.files.photo = file;
        const caption = p.caption === undefined ? undefined : p.parse_mode === 'HTML' ? checkHtml(String(p.caption)) : String(p.caption);
        if (caption && caption.length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
        return this.store(p.chat_id, { photo: true, caption, reply_markup: checkMarkup(p.reply_markup) });
      }
      case 'editMessageText': {
        const stored = this.existing(p.chat_id, p.message_id);
        if (stored.photo) throw new ApiError(400, 'Bad Request: there is no text in the message to edit');
        const text = p.parse_mode === 'HTML' ? checkHtml(String(p.text ?? '')) : String(p.text ?? '');
        if (text.length > 4096) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        const markup = checkMarkup(p.reply_markup);
        if (text === stored.text && JSON.stringify(markup) === JSON.stringify(stored.reply_markup)) {
          throw new ApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        Object.assign(stored, { text, reply_markup: markup });
        return { ...this.asMessage(stored), edit_date: Math.floor(Date.now() / 1000) };
      }
      case 'editMessageCaption': {
        const stored = this.existing(p.chat_id, p.message_id);
        if (!stored.photo) throw new ApiError(400, 'Bad Request: there is no caption in the message to edit');
        const caption = p.parse_mode === 'HTML' ? checkHtml(String(p.caption ?? '')) : String(p.caption ?? '');
        if (caption.length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
        Object.assign(stored, { caption, reply_markup: checkMarkup(p.reply_markup) });
        return this.asMessage(stored);
      }
      case 'editMessageReplyMarkup': {
        const stored = this.existing(p.chat_id, p.message_id);
        stored.reply_markup = checkMarkup(p.reply_markup);
        return this.asMessage(stored);
      }
      case 'deleteMessage': {
        // https://core.telegram.org/bots/api#deletemessage: a bot deletes its own messages, any message in a
        // private chat, and in groups others' messages only as an administrator allowed to delete them.
        const key = `${p.chat_id}:${p.message_id}`;
        const stored = this.messages.get(key);
        if (!stored) throw new ApiError(400, "Bad Request: message can't be deleted");
        const group = Number(p.chat_id) < 0;
        if (stored.fromUser !== undefined && group && this.members.get(`${p.chat_id}:${BOT_USER.id}`) !== 'administrator') {
          throw new ApiError(400, "Bad Request: message can't be deleted");
        }
        this.messages.delete(key);
        this.deleted.push({ chatId: Number(p.chat_id), messageId: Number(p.message_id), fromUser: stored.fromUser !== undefined });
        return true;
      }
      default:
        this.unknownMethods.push(call.method);
        throw new ApiError(404, 'Not Found');
    }
  }

  private allocateId(chatId: number): number {
    const key = String(chatId);
    const id = this.nextMessageId.get(key) ?? 1;
    this.nextMessageId.set(key, id + 1);
    return id;
  }

  private store(chatIdParam: unknown, fields: Omit<StoredMessage, 'message_id' | 'chat'>): Json {
    const chatId = Number(chatIdParam);
    if (!Number.isFinite(chatId)) throw new ApiError(400, 'Bad Request: chat not found');
    const chat = chatId > 0 ? { id: chatId, type: 'private', first_name: 'User' } : { id: chatId, type: String(chatId).startsWith('-100') ? 'supergroup' : 'group', title: 'Group' };
    const stored: StoredMessage = { message_id: this.allocateId(chatId), chat, ...fields };
    this.messages.set(`${chatId}:${stored.message_id}`, stored);
    return this.asMessage(stored);
  }

  private existing(chatId: unknown, messageId: unknown): StoredMessage {
    const stored = this.messages.get(`${Number(chatId)}:${Number(messageId)}`);
    if (!stored) throw new ApiError(400, 'Bad Request: message to edit not found');
    if (stored.fromUser !== undefined) throw new ApiError(400, "Bad Request: message can't be edited");
    return stored;
  }

  private asMessage(stored: StoredMessage): Json {
    return {
      message_id: stored.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: stored.chat,
      from: BOT_USER,
      ...(stored.photo ? { photo: [{ file_id: `photo-${stored.message_id}`, file_unique_id: `u${stored.message_id}`, width: 800, height: 450 }], ...(stored.caption ? { caption: stored.caption } : {}) } : { text: stored.text }),
      ...(stored.reply_markup?.inline_keyboard?.length ? { reply_markup: stored.reply_markup } : {}),
    };
  }
}

/** What the user sees of a sent message or photo caption (HTML checked and stripped). */
export function visibleText(call: Call): string {
  return checkHtml(String(call.params.text ?? call.params.caption ?? ''));
}

export function user(id: number, extra: Json = {}): Json {
  return { id, is_bot: false, first_name: `User${id}`, language_code: 'en', ...extra };
}

class ApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ApiError(400, "Bad Request: can't parse JSON");
  }
}

function checkMarkup(value: unknown): Json | undefined {
  const markup = parseJson(value) as Json | undefined;
  if (markup === undefined) return undefined;
  for (const button of ((markup.inline_keyboard ?? []) as Json[][]).flat()) {
    if (typeof button.text !== 'string' || !button.text) throw new ApiError(400, 'Bad Request: BUTTON_TEXT_INVALID');
    if (button.callback_data !== undefined && (Buffer.byteLength(button.callback_data) > 64 || !button.callback_data)) {
      throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
  }
  return markup;
}

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);

/**
 * Telegram's HTML rules (https://core.telegram.org/bots/api#html-style): only the supported tags,
 * properly nested and closed; `<`, `>` and `&` escaped as entities; code and pre hold no other tag.
 * Returns the visible text (whose length Telegram limits).
 */
export function checkHtml(html: string): string {
  const stack: string[] = [];
  let visible = '';
  let i = 0;
  const fail = (why: string): never => {
    throw new ApiError(400, `Bad Request: can't parse entities: ${why} at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
  };
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) fail('unclosed start tag');
      const inner = html.slice(i + 1, end);
      const closing = inner.startsWith('/');
      const name = (closing ? inner.slice(1) : inner).split(/\s/)[0].toLowerCase();
      if (!TAGS.has(name)) fail(`unsupported start tag "${name}"`);
      if (closing) {
        if (stack.pop() !== name) fail(`unexpected end tag "${name}"`);
      } else {
        if (stack.includes('code') || stack.includes('pre')) {
          if (!(name === 'code' && stack[stack.length - 1] === 'pre')) fail(`tag "${name}" inside code`);
        }
        if (name === 'a' && !/^a\s+href="[^"]*"$/.test(inner)) fail('bad a tag');
        if (name === 'a' && /[<>]/.test(inner)) fail('unescaped character in href');
        stack.push(name);
      }
      i = end + 1;
      continue;
    }
    if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i));
      if (!m) fail('unsupported entity (an & must be written &amp;)');
      visible += { lt: '<', gt: '>', amp: '&', quot: '"' }[m![1].toLowerCase()] ?? '?';
      i += m![0].length;
      continue;
    }
    if (ch === '>') fail('unescaped >');
    visible += ch;
    i++;
  }
  if (stack.length) fail(`can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`);
  return visible;
}

/** JSON bodies, multipart/form-data (what grammY sends with files) and query strings. */
async function readBody(req: IncomingMessage): Promise<{ params: Json; files: Call['files'] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = String(req.headers['content-type'] ?? '');
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (!body.length) return { params: query, files: {} };
  if (type.startsWith('application/json')) return { params: { ...query, ...JSON.parse(body.toString('utf8')) }, files: {} };
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
    if (!boundary) throw new Error('multipart without boundary');
    return parseMultipart(body, boundary);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files: {} };
  throw new Error(`unsupported content-type ${type}`);
}

export function parseMultipart(body: Buffer, boundary: string): { params: Json; files: Call['files'] } {
  const params: Json = {};
  const files: Call['files'] = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    let partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    if (body.subarray(partStart, partStart + 2).toString() === '\r\n') partStart += 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), partStart);
    if (next < 0) throw new Error('multipart part without end');
    const part = body.subarray(partStart, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const data = part.subarray(headerEnd + 4);
    const disposition = headers.split('\r\n').find((h) => /^content-disposition\s*:/i.test(h)) ?? '';
    const name = /name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /filename=("?)([^";\r\n]*)\1/i.exec(disposition)?.[2];
    if (name === undefined) throw new Error('multipart part without a name');
    if (filename !== undefined) files[name] = { filename, data: Buffer.from(data) };
    else params[name] = data.toString('utf8');
    start = next + 2;
  }
  return { params, files };
}
