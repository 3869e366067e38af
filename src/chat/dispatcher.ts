import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Command, FormSpec, Lang } from './command.ts';
import type { ChatContext, ChatPlace, ChatUser } from './context.ts';
import { isUserError } from './errors.ts';
import { langFromLocale, translator, type Params, type Translator } from './i18n.ts';
import { escapeMarkup } from './markup.ts';
import { parseArgs, splitWords, tokenize, type RawArgs } from './options.ts';
import { RateLimiter, type RateLimits } from './rate-limit.ts';
import { LANGUAGE_PREFERENCES, type LanguagePreferences } from './preferences.ts';
import { commandLabel, type FaceProfile } from './profile.ts';
import type { ActionOutcome, Reply } from './reply.ts';
import type { ServiceLookup } from './services.ts';
import { chatNames, firstExample, helpCall, inFaceSyntax } from './usage.ts';
import { nearestWord } from '../core/text.ts';
import { scrubSecrets } from '../logger.ts';

/**
 * Between the faces and the commands: finds the command, picks the language, applies the
 * rate limit and the permission guard, parses the options, runs the command and turns every
 * failure into a reply. A UserError becomes its translated message plus an example of correct
 * input in the face's own syntax; anything else is logged with an id and answered with an
 * apology that quotes the id. Faces never see an exception from here.
 */
export interface Invocation {
  /** The face's profile: its id keys stored choices; its syntax writes examples and hints. */
  face: FaceProfile;
  user: ChatUser;
  chat: ChatPlace;
  /** The platform's locale for this user (Discord `locale`, Telegram `language_code`), used until /lang is set. */
  locale?: string;
  /** An explicit language for this one call (the CLI's `--lang`), above the stored choice. */
  lang?: Lang;
  /** Asked only for commands that need it (Telegram costs an API call). */
  canManageChat?: () => boolean | Promise<boolean>;
}

/** Why a reply is an error: the user's input (`user`), the rate limit, or our fault (`internal`). */
export type Failure = 'user' | 'rate-limited' | 'internal';

export type DispatchResult =
  /**
   * `quiet`: the user was already told this (the rate-limit notice of this window): faces that can
   * stay silent do (a group is not spammed); those that must answer something answer privately.
   */
  | { kind: 'reply'; reply: Reply; command: Command; lang: Lang; failure?: Failure; quiet?: boolean }
  /** The first word names no command: faces decide whether to answer (groups usually stay quiet). */
  | { kind: 'unknown'; reply: Reply; lang: Lang };

export type ActionResult = { outcome: ActionOutcome; lang: Lang };

export interface DispatcherOptions {
  commands: readonly Command[];
  /** What commands may use; must provide LANGUAGE_PREFERENCES (the dispatcher reads the user's choice). */
  services: ServiceLookup;
  logger: Logger;
  /** Per-user limits on faces whose profile is `rateLimited`; no limit when absent. */
  rateLimits?: RateLimits;
  now?: () => Date;
  secrets?: readonly string[];
}

export class Dispatcher {
  readonly commands: readonly Command[];
  private readonly byName = new Map<string, Command>();
  private readonly limiter?: RateLimiter;
  private readonly now: () => Date;
  private readonly preferences: LanguagePreferences;

  constructor(private readonly options: DispatcherOptions) {
    this.commands = options.commands;
    const preferences = options.services.get(LANGUAGE_PREFERENCES);
    if (!preferences) throw new Error('dispatcher: services must provide LANGUAGE_PREFERENCES');
    this.preferences = preferences;
    for (const command of options.commands) {
      for (const name of chatNames(command)) {
        if (this.byName.has(name)) throw new Error(`commands: "${name}" is used by two commands`);
        this.byName.set(name, command);
      }
    }
    this.now = options.now ?? (() => new Date());
    if (options.rateLimits) this.limiter = new RateLimiter(options.rateLimits, () => this.now().getTime());
  }

  /** The help command, when the registry has one (error hints point to it). */
  private get help(): Command | undefined {
    return this.byName.get('help');
  }

  find(name: string): Command | undefined {
    return this.byName.get(name.trim().toLowerCase().replace(/^\//, ''));
  }

  /** The user's stored choice, else the platform locale, else English. */
  langFor(invocation: Pick<Invocation, 'face' | 'user' | 'locale' | 'lang'>): Lang {
    if (invocation.lang) return invocation.lang;
    return this.preferences.userLang(invocation.face.id, invocation.user.id) ?? langFromLocale(invocation.locale);
  }

  /** A chat line such as `/liq binance long 30000 1 10x` (the face has removed any `@BotName`). */
  async runLine(invocation: Invocation, line: string): Promise<DispatchResult> {
    const trimmed = line.trim();
    const space = trimmed.search(/\s/);
    const name = (space < 0 ? trimmed : trimmed.slice(0, space)).replace(/^\//, '');
    const rest = space < 0 ? '' : trimmed.slice(space + 1);
    const command = this.find(name);
    if (!command) return this.unknownCommand(invocation, name);
    return this.run(invocation, command, () => splitWords(command, tokenize(rest)));
  }

  /** Words already split (the CLI's argv). */
  runWords(invocation: Invocation, command: Command, words: readonly string[]): Promise<DispatchResult> {
    return this.run(invocation, command, () => splitWords(command, words));
  }

  /** Values already named (Discord options); still parsed and checked by the same rules. */
  runNamed(invocation: Invocation, command: Command, named: Record<string, string | number | boolean>): Promise<DispatchResult> {
    return this.run(invocation, command, () => ({ positional: [], named: Object.entries(named).map(([k, v]) => [k, String(v)]) }));
  }

  async run(invocation: Invocation, command: Command, raw: () => RawArgs): Promise<DispatchResult> {
    const lang = this.langFor(invocation);
    const t = translator(lang);
    const limited = this.rateLimited(invocation, command.cost ?? 'light', t);
    if (limited) return { kind: 'reply', reply: limited.reply, command, lang, failure: 'rate-limited', quiet: !limited.notify };
    try {
      const ctx = await this.context(invocation, command, lang);
      const args = parseArgs(command, raw(), lang);
      const reply = await command.run(args, ctx);
      return { kind: 'reply', reply: qualify(reply, command), command, lang };
    } catch (error) {
      const failure: Failure = isUserError(error) ? 'user' : 'internal';
      return { kind: 'reply', reply: this.errorReply(error, invocation, command, lang), command, lang, failure };
    }
  }

  /** A button press: `data` is `command:payload` as the reply carried it. */
  async runAction(invocation: Invocation, data: string): Promise<ActionResult> {
    const lang = this.langFor(invocation);
    const colon = data.indexOf(':');
    const command = colon > 0 ? this.find(data.slice(0, colon)) : undefined;
    if (!command?.onAction) {
      return { outcome: { kind: 'new', reply: errorText(translator(lang)('chat.error.stale-button'), translator(lang)) }, lang };
    }
    try {
      const ctx = await this.context(invocation, command, lang);
      const outcome = await command.onAction(data.slice(colon + 1), ctx);
      return { outcome: outcome.kind === 'close' ? outcome : { ...outcome, reply: qualify(outcome.reply, command) }, lang };
    } catch (error) {
      return { outcome: { kind: 'new', reply: this.errorReply(error, invocation, command, lang) }, lang };
    }
  }

  /** The private form `data` (`command:payload`, as a reply's `form` carried it) asks for, or undefined when stale. */
  async formSpec(invocation: Invocation, data: string): Promise<{ spec: FormSpec; lang: Lang } | undefined> {
    const lang = this.langFor(invocation);
    const colon = data.indexOf(':');
    const command = colon > 0 ? this.find(data.slice(0, colon)) : undefined;
    if (!command?.form) return undefined;
    const ctx = await this.context(invocation, command, lang);
    const spec = command.form(data.slice(colon + 1), ctx);
    return spec ? { spec, lang } : undefined;
  }

  /**
   * A private form's answer. The values may be secrets: they go to the command alone, and any
   * failure is logged with them scrubbed out (as the bot's own tokens are).
   */
  async runForm(invocation: Invocation, data: string, values: Readonly<Record<string, string>>): Promise<DispatchResult> {
    const lang = this.langFor(invocation);
    const t = translator(lang);
    const colon = data.indexOf(':');
    const command = colon > 0 ? this.find(data.slice(0, colon)) : undefined;
    if (!command?.onForm) return { kind: 'unknown', reply: errorText(t('chat.error.stale-button'), t), lang };
    const limited = this.rateLimited(invocation, command.cost ?? 'light', t);
    if (limited) return { kind: 'reply', reply: limited.reply, command, lang, failure: 'rate-limited', quiet: !limited.notify };
    try {
      const ctx = await this.context(invocation, command, lang);
      const reply = await command.onForm(data.slice(colon + 1), values, ctx);
      return { kind: 'reply', reply: qualify(reply, command), command, lang };
    } catch (error) {
      const failure: Failure = isUserError(error) ? 'user' : 'internal';
      return { kind: 'reply', reply: this.errorReply(error, invocation, command, lang, Object.values(values)), command, lang, failure };
    }
  }

  /** The context a command runs with; `canManageChat` is only asked for commands that read it. */
  async context(invocation: Invocation, command: Command | undefined, lang: Lang): Promise<ChatContext> {
    const needsManager = command?.managesChat || command?.checksChatManager;
    const { face } = invocation;
    let canManageChat = invocation.chat.kind === 'private' || face.operator;
    if (needsManager && !canManageChat && invocation.canManageChat) canManageChat = await invocation.canManageChat();
    const limit = face.limits.actionDataBytes ?? Number.POSITIVE_INFINITY;
    return {
      face,
      lang,
      t: translator(lang),
      user: invocation.user,
      chat: invocation.chat,
      canManageChat,
      actionPayloadBytes: command ? limit - Buffer.byteLength(`${command.name}:`) : limit,
      services: this.options.services,
      logger: this.options.logger.child({ face: face.id, command: command?.name }),
      now: this.now,
    };
  }

  /** `scrub`: values of this request (form answers) to remove from what is logged, with the bot's own secrets. */
  errorReply(error: unknown, invocation: Pick<Invocation, 'face'>, command: Command | undefined, lang: Lang, scrub: readonly string[] = []): Reply {
    const { face } = invocation;
    const t = translator(lang);
    if (isUserError(error)) {
      // Parameters carry what the user typed: made plain, so it is shown as typed and never as
      // the bot's markup. `{example}` is the command's example as this face types it.
      const withExample = (params: Params | undefined): Params | undefined =>
        params && plainParams('example' in params && command?.examples.length ? { ...params, example: firstExample(command, face, lang) } : params);
      const message = t(error.key, withExample(error.params));
      const hint = error.hintKey
        ? t(error.hintKey, withExample(error.hintParams))
        : command
          ? t('chat.hint.example', { example: firstExample(command, face, lang) })
          : '';
      const help = command && !face.oneShot && this.help ? t('chat.hint.help', { help: helpCall(this.help, face, command.name) }) : '';
      const lines = [message, hint].map((line) => (command ? inFaceSyntax(line, command, face) : line));
      return errorText([...lines, help].filter(Boolean).join('\n'), t);
    }
    const id = randomBytes(4).toString('hex');
    const secrets = [...(this.options.secrets ?? []), ...scrub];
    const err = error instanceof Error ? error : new Error(String(error));
    this.options.logger.error(
      { errorId: id, command: command?.name, face: face.id, err: { type: err.name, message: scrubSecrets(err.message, [...secrets]), stack: scrubSecrets(err.stack ?? '', [...secrets]) } },
      'command failed',
    );
    return errorText(t('chat.error.internal', { id }), t);
  }

  private unknownCommand(invocation: Invocation, name: string): DispatchResult {
    const lang = this.langFor(invocation);
    const t = translator(lang);
    const label = (n: string) => escapeMarkup(commandLabel(invocation.face, n));
    const suggestion = nearestWord(name.toLowerCase(), this.commands.map((c) => c.name));
    const text = suggestion
      ? t('chat.error.unknown-command-suggest', { name: label(name), suggestion: label(suggestion) })
      : t('chat.error.unknown-command', { name: label(name) });
    const help = this.help ? `\n${t('chat.hint.commands', { help: helpCall(this.help, invocation.face) })}` : '';
    return { kind: 'unknown', reply: errorText(`${text}${help}`, t), lang };
  }

  /** Whether this command would be refused by the rate limit now (nothing is counted). */
  wouldRefuse(invocation: Pick<Invocation, 'face' | 'user'>, command: Command): boolean {
    if (!this.limiter || !invocation.face.rateLimited) return false;
    return this.limiter.wouldRefuse(`${invocation.face.id}:${invocation.user.id}`, command.cost ?? 'light');
  }

  private rateLimited(invocation: Invocation, cost: 'light' | 'heavy', t: Translator): { reply: Reply; notify: boolean } | undefined {
    if (!this.limiter || !invocation.face.rateLimited) return undefined;
    const decision = this.limiter.take(`${invocation.face.id}:${invocation.user.id}`, cost);
    if (decision.ok) return undefined;
    const text = t('chat.rate-limited', { seconds: decision.retryAfterSeconds });
    return { reply: { tone: 'warn', ephemeral: true, blocks: [{ kind: 'text', text }] }, notify: decision.notify };
  }
}

function plainParams(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? escapeMarkup(value) : value]));
}

function errorText(text: string, t: Translator): Reply {
  return { title: t('chat.error.title'), tone: 'error', ephemeral: true, blocks: [{ kind: 'text', text }] };
}

/**
 * A command's buttons carry payloads relative to it; the face sends `command:payload` so a press
 * finds its way back. (Replies that no command answered, such as alerts, carry full payloads.)
 */
export function qualify(reply: Reply, command: Command): Reply {
  const form = reply.form && { ...reply.form, payload: `${command.name}:${reply.form.payload}` };
  if (!reply.actions?.length) return form ? { ...reply, form } : reply;
  return { ...reply, ...(form ? { form } : {}), actions: reply.actions.map((a) => ({ ...a, payload: `${command.name}:${a.payload}` })) };
}
