import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local Discord on 127.0.0.1: the REST API (under /api/v10) and the gateway (WebSocket, JSON
 * encoding), enough for the real discord.js client to log in, register slash commands, answer
 * interactions, edit and follow up through the interaction webhook, and post to channels.
 *
 * It behaves like Discord where the bot could get it wrong: it checks the bot token, validates
 * command definitions (names, description lengths, required-first, ≤25 choices) and message
 * payloads (embed limits, components, custom_id length), refuses a second acknowledgement of an
 * interaction, answers GET …/commands without localizations unless `with_localizations=true`,
 * parses multipart bodies, and plays the errors a test asks for (per channel or per interaction).
 */

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/interactions/123/tok/callback`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The JSON body, or the `payload_json` part of a multipart body. */
  json: any;
  files: Array<{ field: string; name: string; contentType: string; data: Buffer }>;
  multipart: boolean;
  status: number;
  /** performance.now() when the request had been read. */
  at: number;
}

export interface FakeUser {
  id: string;
  username: string;
  global_name?: string | null;
}

export interface DiscordErrorReply {
  status: number;
  code?: number;
  message?: string;
  /** For 429: seconds. */
  retryAfter?: number;
}

export interface SentInteraction {
  id: string;
  token: string;
  sentAt: number;
  payload: any;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  attachments: Array<{ id: string; filename: string; size: number; content_type: string; description?: string; data: Buffer }>;
  flags: number;
  deleted?: boolean;
}

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment);
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's own checks on a command definition; returns the first problem, or undefined. */
export function commandProblem(command: any): string | undefined {
  if (!NAME.test(command.name ?? '') || command.name !== command.name.toLowerCase()) return `name ${command.name}`;
  if (typeof command.description !== 'string' || command.description.length < 1 || command.description.length > 100) return `${command.name}: description length`;
  for (const [locale, text] of Object.entries(command.description_localizations ?? {})) {
    if (typeof text !== 'string' || text.length < 1 || text.length > 100) return `${command.name}: description_localizations.${locale}`;
  }
  return optionsProblem(command.name, command.options ?? []);
}

/** Discord's checks on one level of options; a SUB_COMMAND (type 1) holds its own, and may not sit beside plain options. */
function optionsProblem(where: string, options: any[]): string | undefined {
  const command = { name: where };
  if (options.length > 25) return `${command.name}: more than 25 options`;
  const subcommands = options.filter((o) => o.type === 1);
  if (subcommands.length > 0 && subcommands.length !== options.length) return `${command.name}: subcommands beside other options`;
  let optionalSeen = false;
  const names = new Set<string>();
  for (const option of options) {
    if (!NAME.test(option.name ?? '') || option.name !== option.name.toLowerCase()) return `${command.name}: option name ${option.name}`;
    if (names.has(option.name)) return `${command.name}: duplicate option ${option.name}`;
    names.add(option.name);
    if (typeof option.description !== 'string' || option.description.length < 1 || option.description.length > 100) return `${command.name}.${option.name}: description length`;
    for (const [locale, text] of Object.entries(option.description_localizations ?? {})) {
      if (typeof text !== 'string' || text.length < 1 || text.length > 100) return `${command.name}.${option.name}: description_localizations.${locale}`;
    }
    if (option.type === 1) {
      if (option.required) return `${command.name}.${option.name}: a subcommand cannot be required`;
      const inner = optionsProblem(`${command.name}.${option.name}`, option.options ?? []);
      if (inner) return inner;
      continue;
    }
    if (option.required && optionalSeen) return `${command.name}: required option ${option.name} after an optional one`;
    if (!option.required) optionalSeen = true;
    if (option.choices && option.choices.length > 25) return `${command.name}.${option.name}: more than 25 choices`;
    if (option.choices && option.autocomplete) return `${command.name}.${option.name}: choices and autocomplete`;
    for (const choice of option.choices ?? []) {
      if (String(choice.name).length < 1 || String(choice.name).length > 100 || String(choice.value).length > 100) return `${command.name}.${option.name}: choice length`;
    }
  }
  return undefined;
}

/** Discord's checks on a message body (embeds, components). */
export function messageProblem(body: any): string | undefined {
  const embeds: any[] = body?.embeds ?? [];
  if (embeds.length > 10) return 'more than 10 embeds';
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    if ((embed.title ?? '').length > 256) return `embeds[${i}].title`;
    if ((embed.description ?? '').length > 4096) return `embeds[${i}].description`;
    if ((embed.fields ?? []).length > 25) return `embeds[${i}].fields`;
    for (const [j, field] of (embed.fields ?? []).entries()) {
      if (!field.name || field.name.length > 256) return `embeds[${i}].fields[${j}].name`;
      if (!field.value || field.value.length > 1024) return `embeds[${i}].fields[${j}].value`;
    }
    if ((embed.footer?.text ?? '').length > 2048) return `embeds[${i}].footer`;
    total +=
      (embed.title ?? '').length +
      (embed.description ?? '').length +
      (embed.footer?.text ?? '').length +
      (embed.author?.name ?? '').length +
      (embed.fields ?? []).reduce((s: number, f: any) => s + f.name.length + f.value.length, 0);
    const empty = !embed.title && !embed.description && !(embed.fields ?? []).length && !embed.footer?.text && !embed.image && !embed.author;
    if (empty) return `embeds[${i}] is empty`;
  }
  if (total > 6000) return `embeds total ${total} > 6000`;
  const rows: any[] = body?.components ?? [];
  if (rows.length > 5) return 'more than 5 action rows';
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.type !== 1 || !Array.isArray(row.components) || row.components.length < 1 || row.components.length > 5) return 'bad action row';
    for (const button of row.components) {
      if (button.type !== 2) return 'not a button';
      if (!button.custom_id || button.custom_id.length > 100) return 'custom_id length';
      if (ids.has(button.custom_id)) return 'duplicate custom_id';
      ids.add(button.custom_id);
      if (!button.label || button.label.length > 80) return 'button label length';
    }
  }
  return undefined;
}

/**
 * Discord's checks on a modal (interaction response type 9,
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal):
 * a custom_id, a title of 1–45 characters, 1–5 components, each a Label (type 18) holding a text
 * input (type 4), or the older action row (type 1) with one text input carrying its own label.
 */
export function modalProblem(data: any): string | undefined {
  if (!data?.custom_id || String(data.custom_id).length > 100) return 'modal custom_id';
  if (!data.title || String(data.title).length > 45) return 'modal title';
  const components: any[] = data.components ?? [];
  if (components.length < 1 || components.length > 5) return 'modal components';
  const ids = new Set<string>();
  for (const component of components) {
    const input = component.type === 18 ? component.component : component.type === 1 && component.components?.length === 1 ? component.components[0] : undefined;
    const label = component.type === 18 ? component.label : input?.label;
    if (!input || input.type !== 4) return 'modal component is not a text input';
    if (!label || String(label).length > 45) return 'text input label';
    if (component.type === 18 && input.label !== undefined) return 'a text input inside a label has no label of its own';
    if (!input.custom_id || String(input.custom_id).length > 100 || ids.has(input.custom_id)) return 'text input custom_id';
    ids.add(input.custom_id);
    if (![1, 2].includes(input.style)) return 'text input style';
    if ((input.max_length ?? 4000) > 4000 || (input.min_length ?? 0) > (input.max_length ?? 4000)) return 'text input length';
  }
  return undefined;
}

/** The embeds as read, without Discord's markdown (`**bold**`, escapes). */
export function embedText(embeds: any[]): string {
  return embeds
    .map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f: any) => [f.name, f.value]), e.footer?.text].filter(Boolean).join('\n'))
    .join('\n')
    .replace(/\*\*|`/g, '')
    .replace(/\\(.)/g, '$1');
}

/** Long enough for the slowest reply on a loaded 2-core CI machine, short enough to fail fast. */
const WAIT_TIMEOUT_MS = 30_000;

export interface FakeDiscordOptions {
  token: string;
  applicationId?: string;
  /** Gateway heartbeat interval sent in HELLO (ms). */
  heartbeatIntervalMs?: number;
}

export class FakeDiscord extends EventEmitter {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly requests: RecordedRequest[] = [];
  readonly identifies: any[] = [];
  heartbeats = 0;
  /** Stored command definitions: `global` or a guild id. */
  readonly commands = new Map<string, any[]>();
  /** POST /channels/:id/messages answers with this error. */
  readonly channelFailures = new Map<string, DiscordErrorReply>();
  readonly messages = new Map<string, StoredMessage>();
  /** DM channels opened with POST /users/@me/channels, by user id. */
  readonly dmChannels = new Map<string, string>();
  /** Users whose privacy settings refuse DMs from the bot (Discord answers 50007 on the first message). */
  readonly closedDms = new Set<string>();
  /**
   * Discord's per-channel limit on posting and editing messages, when set: more than `count`
   * within `windowMs` of `now()` (a clock the test may move) answers 429 with `retry_after`
   * (https://discord.com/developers/docs/topics/rate-limits: 5 per 5 s per channel).
   */
  channelLimit: { count: number; windowMs: number; now: () => number } | undefined;
  private readonly channelPosts = new Map<string, number[]>();
  /** Channels whose next message POST is carried out but never answered (the bot died or timed out meanwhile). */
  readonly loseAnswerIn = new Set<string>();
  /** Nonces seen with enforce_nonce, per channel: Discord returns the first message for a repeat within a few minutes. */
  private readonly nonces = new Map<string, { messageId: string; at: number }>();
  nonceWindowMs = 5 * 60_000;
  private readonly interactions = new Map<string, { payload: any; acknowledged: boolean; original?: string }>();
  /** The modals the bot answered interactions with (callback type 9), by interaction id. */
  readonly modals = new Map<string, any>();
  private readonly callbackFailures = new Map<string, DiscordErrorReply[]>();
  private readonly sockets = new Set<WebSocket>();
  /** Gateway sessions as Discord keeps them: resumable until closed with 1000/1001 or invalidated. */
  private readonly sessions = new Map<string, GatewaySession>();
  /** How many RESUMEs were accepted (a zombie connection or a dropped socket comes back this way). */
  resumes = 0;
  private readonly connections = new Set<Socket>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private port = 0;
  private readonly heartbeatIntervalMs: number;

  constructor(options: FakeDiscordOptions) {
    super();
    this.token = options.token;
    this.applicationId = options.applicationId ?? snowflake();
    this.botUser = { id: this.applicationId, username: 'ADL Sentinel', global_name: null };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What DISCORD_API_ROOT is set to: discord.js appends `/v10`. */
  get apiRoot(): string {
    return `${this.url}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  /** `port` 0 picks a free one; a test may start the fake late on a port the bot already uses. */
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return socket.destroy();
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onGateway(ws, req));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---------------------------------------------------------------------------------------------
  // Test controls.

  /** Cuts every gateway connection as a network drop would (no close frame); sessions stay resumable. */
  dropGateway(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** The next callback(s) for this interaction fail like this. */
  failCallback(interactionId: string, ...errors: DiscordErrorReply[]): void {
    this.callbackFailures.set(interactionId, [...(this.callbackFailures.get(interactionId) ?? []), ...errors]);
  }

  /**
   * Resolves with the first recorded request (from index `from`) that matches; rejects after
   * `timeoutMs` naming the last requests seen, so a reply that never comes fails its test instead
   * of hanging the run.
   */
  waitFor(match: (r: RecordedRequest) => boolean, from = 0, timeoutMs = WAIT_TIMEOUT_MS): Promise<RecordedRequest> {
    const found = this.requests.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (r: RecordedRequest) => {
        if (!match(r)) return;
        clearTimeout(timer);
        this.off('request', listener);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.off('request', listener);
        const seen = this.requests.slice(-5).map((r) => `${r.method} ${r.path.replace(/\/[\w-]{60,}/g, '/<token>')} → ${r.status}`);
        reject(new Error(`fake Discord: no matching request within ${timeoutMs} ms; last requests: ${seen.join('; ') || 'none'}`));
      }, timeoutMs);
      this.on('request', listener);
    });
  }

  /** The next message posted to `channel` (from request index `from`) whose embeds read like `pattern`. */
  postTo(channel: string, pattern: RegExp, from = 0): Promise<RecordedRequest> {
    return this.waitFor((r) => r.method === 'POST' && r.path === `/channels/${channel}/messages` && r.status < 300 && pattern.test(embedText(r.json?.embeds ?? [])), from);
  }

  /** The interaction's callback (POST /interactions/:id/:token/callback), as Discord accepted it. */
  callbackOf(interaction: SentInteraction): Promise<RecordedRequest> {
    return this.waitFor((r) => r.method === 'POST' && r.path === `/interactions/${interaction.id}/${interaction.token}/callback` && r.status < 300);
  }

  /** A request through the interaction's webhook (edit of @original, follow-up, delete). */
  webhookOf(interaction: SentInteraction, method: string, original = true): Promise<RecordedRequest> {
    const path = `/webhooks/${this.applicationId}/${interaction.token}${original ? '/messages/@original' : ''}`;
    return this.waitFor((r) => r.method === method && r.path === path && r.status < 300);
  }

  waitForHeartbeat(): Promise<void> {
    if (this.heartbeats > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Discord: no heartbeat within ${WAIT_TIMEOUT_MS} ms`)), WAIT_TIMEOUT_MS);
      this.once('heartbeat', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The id Discord gave a registered command (global first). */
  commandId(name: string): string {
    for (const list of this.commands.values()) {
      const found = list.find((c) => c.name === name);
      if (found) return found.id;
    }
    return snowflake();
  }

  // ---------------------------------------------------------------------------------------------
  // Interactions the test sends.

  user(id = snowflake(), username = 'trader'): FakeUser {
    return { id, username, global_name: username };
  }

  private place(options: InteractionPlace): any {
    const user = { ...(options.user ?? this.user()), discriminator: '0', avatar: null, bot: false };
    const locale = options.locale ?? 'en-US';
    if (options.dm) {
      const channelId = options.channelId ?? snowflake();
      return {
        locale,
        context: 1,
        channel_id: channelId,
        channel: { id: channelId, type: 1, flags: 0, last_message_id: null, recipients: [user] },
        user,
        app_permissions: '250685575744',
        authorizing_integration_owners: { '0': this.guildId },
      };
    }
    return {
      locale,
      guild_locale: 'en-US',
      context: 0,
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: 'en-US', features: [] },
      channel_id: options.channelId ?? this.channelId,
      channel: { id: options.channelId ?? this.channelId, type: 0, guild_id: this.guildId, name: 'general', position: 0, flags: 0, permissions: '4503599627370495', nsfw: false, parent_id: null, last_message_id: null, rate_limit_per_user: 0, topic: null },
      member: {
        user,
        roles: [],
        joined_at: new Date().toISOString(),
        premium_since: null,
        deaf: false,
        mute: false,
        pending: false,
        flags: 0,
        nick: null,
        avatar: null,
        communication_disabled_until: null,
        permissions: options.permissions ?? '2248473465835073',
      },
      app_permissions: '2248473465835073',
      authorizing_integration_owners: { '0': this.guildId },
    };
  }

  private dispatchInteraction(type: number, data: any, place: InteractionPlace, extra: Record<string, unknown> = {}): SentInteraction {
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${randomBytes(24).toString('base64url')}`;
    const payload = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data,
      entitlements: [],
      attachment_size_limit: 10_485_760,
      ...this.place(place),
      ...extra,
    };
    this.interactions.set(id, { payload, acknowledged: false });
    const sentAt = performance.now();
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token, sentAt, payload };
  }

  /**
   * `/name option:value …` typed by a user (STRING options as strings, INTEGER as numbers);
   * `/name sub option:value …` when `subcommand` is given (one SUB_COMMAND option holding the rest).
   */
  slash(name: string, options: Record<string, string | number> = {}, place: InteractionPlace = {}, subcommand?: string): SentInteraction {
    const definition = this.commands.get('global')?.find((c) => c.name === name) ?? [...this.commands.values()].flat().find((c) => c.name === name);
    const level = subcommand ? definition?.options?.find((o: any) => o.type === 1 && o.name === subcommand)?.options : definition?.options;
    const typeOf = (option: string) => level?.find((o: any) => o.name === option)?.type ?? (typeof options[option] === 'number' ? 4 : 3);
    const values = Object.entries(options).map(([n, value]) => ({ name: n, type: typeOf(n), value }));
    const data = subcommand ? [{ name: subcommand, type: 1, ...(values.length ? { options: values } : {}) }] : values;
    return this.dispatchInteraction(
      2,
      {
        id: this.commandId(name),
        name,
        type: 1,
        ...(data.length ? { options: data } : {}),
      },
      place,
    );
  }

  /** A press of the button with `customId` on a message this fake holds. */
  press(message: StoredMessage, customId: string, place: InteractionPlace = {}): SentInteraction {
    return this.dispatchInteraction(3, { custom_id: customId, component_type: 2 }, { channelId: message.channel_id, ...place }, { message: this.messageObject(message) });
  }

  /**
   * The user fills in and submits the modal the bot opened for `opened` (an interaction it answered
   * with type 9): a MODAL_SUBMIT interaction (type 5) whose components mirror the modal's, each
   * text input with its `value`.
   */
  submitModal(opened: SentInteraction, values: Record<string, string>, place: InteractionPlace = {}): SentInteraction {
    const modal = this.modals.get(opened.id);
    if (!modal) throw new Error('fake Discord: the bot opened no modal for that interaction');
    const filled = (input: any) => ({ type: 4, id: input.id ?? 0, custom_id: input.custom_id, value: values[input.custom_id] ?? '' });
    const components = modal.components.map((c: any) =>
      c.type === 18 ? { type: 18, id: c.id ?? 0, component: filled(c.component) } : { type: 1, id: c.id ?? 0, components: [filled(c.components[0])] },
    );
    const user = opened.payload.user ?? opened.payload.member?.user;
    return this.dispatchInteraction(5, { custom_id: modal.custom_id, components }, { user, channelId: opened.payload.channel_id, dm: opened.payload.context === 1, ...place });
  }

  /** Typing `typed` into an autocomplete option. */
  autocomplete(name: string, option: string, typed: string, place: InteractionPlace = {}): SentInteraction {
    return this.dispatchInteraction(4, { id: this.commandId(name), name, type: 1, options: [{ name: option, type: 3, value: typed, focused: true }] }, place);
  }

  /** The message an interaction's response created (after its callback / first edit). */
  originalOf(interaction: SentInteraction): StoredMessage | undefined {
    const id = this.interactions.get(interaction.id)?.original;
    return id ? this.messages.get(id) : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Gateway.

  private send(ws: WebSocket, packet: object): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(packet));
  }

  private dispatchTo(session: GatewaySession, event: string, data: unknown): void {
    const packet = { op: 0 as const, t: event, s: ++session.seq, d: data };
    session.log.push(packet);
    if (session.ws) this.send(session.ws, packet);
  }

  /**
   * An event for every live session. Like Discord, a session whose socket dropped keeps its events
   * and replays them when the client RESUMEs, so a reconnect (discord.js closes a connection whose
   * heartbeat went unacknowledged, e.g. while the event loop was busy rendering) loses nothing.
   */
  dispatch(event: string, data: unknown): void {
    for (const session of this.sessions.values()) this.dispatchTo(session, event, data);
  }

  private onGateway(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', this.url).searchParams;
    this.sockets.add(ws);
    let session: GatewaySession | undefined;
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      if (!session || session.ws !== ws) return;
      session.ws = undefined;
      // A clean close ends the session; any other close leaves it resumable.
      if (code === 1000 || code === 1001) this.sessions.delete(session.id);
    });
    if (query.get('encoding') && query.get('encoding') !== 'json') {
      ws.close(4002, 'only json encoding here');
      return;
    }
    this.send(ws, { op: 10, s: null, t: null, d: { heartbeat_interval: this.heartbeatIntervalMs } });
    ws.on('message', (raw) => {
      const packet = JSON.parse((raw as Buffer).toString());
      if (packet.op === 1) {
        this.heartbeats++;
        this.send(ws, { op: 11, s: null, t: null, d: null });
        this.emit('heartbeat');
      } else if (packet.op === 2) {
        this.identifies.push(packet.d);
        if (packet.d?.token !== this.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        session = { id: randomBytes(16).toString('hex'), seq: 0, log: [], ws };
        this.sessions.set(session.id, session);
        this.dispatchTo(session, 'READY', {
          v: 10,
          user: { ...this.botUser, discriminator: '0', avatar: null, bot: true, verified: true, flags: 0, mfa_enabled: false },
          guilds: [{ id: this.guildId, unavailable: true }],
          session_id: session.id,
          resume_gateway_url: this.gatewayUrl,
          shard: [0, 1],
          application: { id: this.applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          user_settings: {},
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          auth: {},
        });
        this.dispatchTo(session, 'GUILD_CREATE', this.guildObject());
      } else if (packet.op === 6) {
        const known = this.sessions.get(packet.d?.session_id);
        if (!known || packet.d?.token !== this.token) {
          this.send(ws, { op: 9, s: null, t: null, d: false });
          return;
        }
        if (known.ws && known.ws !== ws) known.ws.close(4000, 'resumed elsewhere');
        session = known;
        known.ws = ws;
        this.resumes++;
        const after = Number(packet.d?.seq ?? 0);
        for (const missed of known.log) if (missed.s > after) this.send(ws, missed);
        this.send(ws, { op: 0, t: 'RESUMED', s: known.seq, d: {} });
      }
    });
  }

  private guildObject(): any {
    return {
      id: this.guildId,
      name: 'ADL test server',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [{ id: this.guildId, name: '@everyone', color: 0, hoist: false, icon: null, unicode_emoji: null, position: 0, permissions: '2248473465835073', managed: false, mentionable: false, flags: 0 }],
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: this.channelId,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      stickers: [],
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [],
      channels: [{ id: this.channelId, type: 0, name: 'general', position: 0, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0, flags: 0 }],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------------------------------------
  // REST.

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname.replace(/^\/api\/v10/, '')),
      query: url.searchParams,
      headers: req.headers,
      json: undefined,
      files: [],
      multipart: false,
      status: 0,
      at: performance.now(),
    };
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      this.requests.push(record);
      this.emit('request', record);
      if (body === undefined) {
        res.writeHead(status, headers).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const error = (e: DiscordErrorReply) => {
      const headers: Record<string, string> = {};
      const body: Record<string, unknown> = { message: e.message ?? 'Error', code: e.code ?? 0 };
      if (e.status === 429) {
        headers['retry-after'] = String(e.retryAfter ?? 1);
        body.retry_after = e.retryAfter ?? 1;
        body.global = false;
      }
      reply(e.status, body, headers);
    };
    try {
      const type = String(req.headers['content-type'] ?? '');
      if (type.startsWith('multipart/form-data')) {
        record.multipart = true;
        const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
        for (const [field, value] of form.entries()) {
          if (typeof value === 'string') {
            if (field === 'payload_json') record.json = JSON.parse(value);
          } else {
            record.files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
          }
        }
      } else if (raw.length) {
        record.json = JSON.parse(raw.toString('utf8'));
      }
    } catch {
      return error({ status: 400, code: 50109, message: 'The request body contains invalid JSON.' });
    }

    if (!url.pathname.startsWith('/api/v10/')) return error({ status: 404, code: 0, message: '404: Not Found' });
    const path = record.path;
    const method = record.method;
    const parts = path.split('/').filter(Boolean);
    const authed = !(parts[0] === 'interactions' || parts[0] === 'webhooks');
    if (authed && req.headers.authorization !== `Bot ${this.token}`) return error({ status: 401, code: 0, message: '401: Unauthorized' });

    // GET /gateway/bot, /gateway, /users/@me, /applications/@me
    if (method === 'GET' && path === '/gateway/bot') {
      return reply(200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/gateway') return reply(200, { url: this.gatewayUrl });
    if (method === 'GET' && path === '/users/@me') return reply(200, { ...this.botUser, discriminator: '0', avatar: null, bot: true });
    if (method === 'GET' && path === '/applications/@me') return reply(200, { id: this.applicationId, name: 'ADL Sentinel', flags: 0, bot_public: true, description: '' });

    // Application commands, global and per guild.
    if (parts[0] === 'applications' && parts[1] === this.applicationId) {
      const scope = parts[2] === 'guilds' && parts[4] === 'commands' ? parts[3] : parts[2] === 'commands' && parts.length === 3 ? 'global' : undefined;
      if (!scope) return error({ status: 404, code: 0, message: '404: Not Found' });
      if (method === 'GET') {
        const withLocalizations = url.searchParams.get('with_localizations') === 'true';
        return reply(200, (this.commands.get(scope) ?? []).map((c) => (withLocalizations ? c : withoutLocalizations(c))));
      }
      if (method === 'PUT') {
        const list: any[] = Array.isArray(record.json) ? record.json : [];
        for (const command of list) {
          const problem = commandProblem(command);
          if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
        }
        const stored = list.map((c) => storedCommand(c, this.applicationId, scope === 'global' ? undefined : scope));
        this.commands.set(scope, stored);
        return reply(200, stored);
      }
    }

    // Interaction callbacks: types 4 (message), 5 (deferred message), 6 (deferred update), 7 (update), 8 (autocomplete).
    if (method === 'POST' && parts[0] === 'interactions' && parts[3] === 'callback') {
      const interaction = this.interactions.get(parts[1]);
      if (!interaction || interaction.payload.token !== parts[2]) return error({ status: 404, code: 10062, message: 'Unknown interaction' });
      const failure = this.callbackFailures.get(parts[1])?.shift();
      if (failure) return error(failure);
      if (interaction.acknowledged) return error({ status: 400, code: 40060, message: 'Interaction has already been acknowledged.' });
      const body = record.json ?? {};
      if (![4, 5, 6, 7, 8, 9].includes(body.type)) return error({ status: 400, code: 50035, message: `Invalid Form Body: type ${body.type}` });
      if (body.type === 9) {
        // A modal answers a slash command or a component press, never an autocomplete or another modal.
        if (![2, 3].includes(interaction.payload.type)) return error({ status: 400, code: 50035, message: 'Invalid Form Body: a modal for this interaction type' });
        const problem = modalProblem(body.data);
        if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
        interaction.acknowledged = true;
        this.modals.set(parts[1], body.data);
        const withResponse = url.searchParams.get('with_response') === 'true';
        return withResponse ? reply(200, { interaction: { id: parts[1], type: interaction.payload.type }, resource: { type: 9 } }) : reply(204);
      }
      if (body.type === 8 && interaction.payload.type !== 4) return error({ status: 400, code: 50035, message: 'autocomplete result for a non-autocomplete interaction' });
      if ((body.type === 6 || body.type === 7) && interaction.payload.type !== 3) return error({ status: 400, code: 50035, message: 'update for an interaction without a message' });
      if (body.type === 8 && (body.data?.choices ?? []).length > 25) return error({ status: 400, code: 50035, message: 'more than 25 choices' });
      if (body.type === 4 || body.type === 7) {
        const problem = messageProblem(body.data);
        if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
      }
      interaction.acknowledged = true;
      if (body.type === 4 || body.type === 5) {
        const message = this.createMessage(interaction.payload.channel_id, body.type === 4 ? body.data ?? {} : { flags: (body.data?.flags ?? 0) | 128 }, record.files);
        interaction.original = message.id;
      } else if (body.type === 6 || body.type === 7) {
        const message = this.messages.get(interaction.payload.message?.id);
        interaction.original = message?.id;
        if (message && body.type === 7) this.editMessage(message, body.data ?? {}, record.files);
      }
      const withResponse = url.searchParams.get('with_response') === 'true';
      if (!withResponse) return reply(204);
      const message = interaction.original ? this.messages.get(interaction.original) : undefined;
      return reply(200, { interaction: { id: parts[1], type: interaction.payload.type }, resource: { type: body.type, ...(message ? { message: this.messageObject(message) } : {}) } });
    }

    // The interaction webhook: edit / read / delete @original, and follow-ups.
    if (parts[0] === 'webhooks' && parts[1] === this.applicationId) {
      const interaction = [...this.interactions.values()].find((i) => i.payload.token === parts[2]);
      if (!interaction) return error({ status: 401, code: 50027, message: 'Invalid Webhook Token' });
      if (!interaction.acknowledged) return error({ status: 404, code: 10015, message: 'Unknown Webhook' });
      if (parts[3] === 'messages' && parts[4] === '@original') {
        const message = interaction.original ? this.messages.get(interaction.original) : undefined;
        if (!message || message.deleted) return error({ status: 404, code: 10008, message: 'Unknown Message' });
        if (method === 'GET') return reply(200, this.messageObject(message));
        if (method === 'DELETE') {
          message.deleted = true;
          return reply(204);
        }
        if (method === 'PATCH') {
          const problem = messageProblem(record.json);
          if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
          this.editMessage(message, record.json ?? {}, record.files);
          message.flags &= ~128;
          return reply(200, this.messageObject(message));
        }
      }
      if (parts.length === 3 && method === 'POST') {
        const problem = messageProblem(record.json);
        if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
        const message = this.createMessage(interaction.payload.channel_id, record.json ?? {}, record.files);
        return reply(200, this.messageObject(message));
      }
    }

    // A DM channel with a user (https://discord.com/developers/docs/resources/user#create-dm): the same channel every time.
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(record.json?.recipient_id ?? '');
      if (!/^\d{15,22}$/.test(recipient)) return error({ status: 400, code: 50035, message: 'Invalid Form Body: recipient_id' });
      let channel = this.dmChannels.get(recipient);
      if (!channel) {
        channel = snowflake();
        this.dmChannels.set(recipient, channel);
        if (this.closedDms.has(recipient)) this.channelFailures.set(channel, { status: 403, code: 50007, message: 'Cannot send messages to this user' });
      }
      return reply(200, { id: channel, type: 1, last_message_id: null, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}`, discriminator: '0', avatar: null }] });
    }

    if (parts[0] === 'channels' && parts[2] === 'messages' && (method === 'POST' || method === 'PATCH')) {
      const limited = this.overChannelLimit(parts[1]);
      if (limited) return error(limited);
    }

    // Editing a message the bot posted in a channel (https://discord.com/developers/docs/resources/message#edit-message).
    if (method === 'PATCH' && parts[0] === 'channels' && parts[2] === 'messages' && parts.length === 4) {
      const message = this.messages.get(parts[3]);
      if (!message || message.deleted || message.channel_id !== parts[1]) return error({ status: 404, code: 10008, message: 'Unknown Message' });
      const problem = messageProblem(record.json);
      if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
      this.editMessage(message, record.json ?? {}, record.files);
      return reply(200, this.messageObject(message));
    }

    // Channel messages (alerts).
    if (method === 'POST' && parts[0] === 'channels' && parts[2] === 'messages' && parts.length === 3) {
      const failure = this.channelFailures.get(parts[1]);
      if (failure) return error(failure);
      const problem = messageProblem(record.json);
      if (problem) return error({ status: 400, code: 50035, message: `Invalid Form Body: ${problem}` });
      const nonce = record.json?.nonce;
      if (nonce !== undefined && String(nonce).length > 25) return error({ status: 400, code: 50035, message: 'Invalid Form Body: nonce longer than 25' });
      const nonceKey = `${parts[1]}:${nonce}`;
      const seen = record.json?.enforce_nonce && nonce !== undefined ? this.nonces.get(nonceKey) : undefined;
      if (seen && Date.now() - seen.at < this.nonceWindowMs && this.messages.has(seen.messageId)) {
        return reply(200, this.messageObject(this.messages.get(seen.messageId)!));
      }
      const message = this.createMessage(parts[1], record.json ?? {}, record.files);
      if (record.json?.enforce_nonce && nonce !== undefined) this.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
      if (this.loseAnswerIn.delete(parts[1])) {
        // The message exists; its answer never comes.
        record.status = 200;
        this.requests.push(record);
        this.emit('request', record);
        return;
      }
      return reply(200, this.messageObject(message));
    }

    return error({ status: 404, code: 0, message: '404: Not Found' });
  }

  private overChannelLimit(channelId: string): DiscordErrorReply | undefined {
    const limit = this.channelLimit;
    if (!limit) return undefined;
    const now = limit.now();
    const recent = (this.channelPosts.get(channelId) ?? []).filter((t) => t > now - limit.windowMs);
    if (recent.length >= limit.count) {
      return { status: 429, message: 'You are being rate limited.', retryAfter: Math.max(0.1, (recent[0] + limit.windowMs - now) / 1000) };
    }
    recent.push(now);
    this.channelPosts.set(channelId, recent);
    return undefined;
  }

  private createMessage(channelId: string, body: any, files: RecordedRequest['files']): StoredMessage {
    const message: StoredMessage = { id: snowflake(), channel_id: channelId, content: '', embeds: [], components: [], attachments: [], flags: 0 };
    this.editMessage(message, body, files);
    message.flags = body.flags ?? 0;
    this.messages.set(message.id, message);
    return message;
  }

  private editMessage(message: StoredMessage, body: any, files: RecordedRequest['files']): void {
    if ('content' in body) message.content = body.content ?? '';
    if ('embeds' in body) message.embeds = body.embeds ?? [];
    if ('components' in body) message.components = body.components ?? [];
    // `attachments` lists what stays (existing ids) and describes the new uploads (ids = file index).
    const uploads = files.map((file, index) => {
      const described = (body.attachments ?? []).find((a: any) => String(a.id) === String(index) && !message.attachments.some((m) => m.id === String(a.id)));
      return { id: snowflake(), filename: described?.filename ?? file.name, size: file.data.length, content_type: file.contentType, description: described?.description, data: file.data };
    });
    if (Array.isArray(body.attachments)) {
      const kept = message.attachments.filter((m) => body.attachments.some((a: any) => String(a.id) === m.id));
      message.attachments = [...kept, ...uploads];
    } else {
      message.attachments = [...message.attachments, ...uploads];
    }
  }

  messageObject(message: StoredMessage): any {
    return {
      id: message.id,
      type: 0,
      channel_id: message.channel_id,
      author: { ...this.botUser, discriminator: '0', avatar: null, bot: true },
      content: message.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.attachments.map(({ data: _data, ...a }) => ({ ...a, url: `${this.url}/attachments/${a.id}/${a.filename}`, proxy_url: `${this.url}/attachments/${a.id}/${a.filename}` })),
      embeds: message.embeds,
      components: message.components,
      pinned: false,
      flags: message.flags,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
    };
  }
}

interface GatewaySession {
  id: string;
  seq: number;
  /** Every event sent in this session, for replay on RESUME. */
  log: { op: 0; t: string; s: number; d: unknown }[];
  ws: WebSocket | undefined;
}

export interface InteractionPlace {
  user?: FakeUser;
  /** Interaction locale (the user's Discord language), default en-US. */
  locale?: string;
  /** In a DM with the bot instead of the server's channel. */
  dm?: boolean;
  channelId?: string;
  /** The member's permissions in the channel, as Discord computes them (a bitfield string). */
  permissions?: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A definition as Discord stores and returns it: ids, version, defaults, `required` only when true. */
function storedCommand(command: any, applicationId: string, guildId: string | undefined): any {
  const option = (o: any): any => {
    const { required, autocomplete, ...rest } = o;
    return {
      ...rest,
      ...(required ? { required: true } : {}),
      ...(autocomplete ? { autocomplete: true } : {}),
      name_localizations: o.name_localizations ?? null,
      description_localizations: o.description_localizations ?? null,
      ...(o.options ? { options: o.options.map(option) } : {}),
    };
  };
  return {
    id: snowflake(),
    application_id: applicationId,
    version: snowflake(),
    type: command.type ?? 1,
    name: command.name,
    name_localizations: command.name_localizations ?? null,
    description: command.description,
    description_localizations: command.description_localizations ?? null,
    default_member_permissions: command.default_member_permissions ?? null,
    dm_permission: command.dm_permission ?? true,
    nsfw: command.nsfw ?? false,
    ...(guildId
      ? { guild_id: guildId, contexts: null, integration_types: [0] }
      : { contexts: command.contexts ?? [0, 1, 2], integration_types: command.integration_types ?? [0] }),
    ...(command.options?.length ? { options: command.options.map(option) } : {}),
  };
}

function withoutLocalizations(command: any): any {
  const strip = (o: any): any => {
    const { name_localizations: _n, description_localizations: _d, ...rest } = o;
    return { ...rest, ...(o.options ? { options: o.options.map(strip) } : {}), ...(o.choices ? { choices: o.choices.map(({ name_localizations: _c, ...c }: any) => c) } : {}) };
  };
  return strip(command);
}
