import type { Decimal } from 'decimal.js';
import type { ChatContext } from './context.ts';
import type { Reply, ActionOutcome } from './reply.ts';

export type Lang = 'en' | 'vi';
export const LANGS: readonly Lang[] = ['en', 'vi'];

/** A user-visible string in every supported language. */
export type Localized = Record<Lang, string>;

/**
 * The kinds of option a command can declare. Numeric kinds are parsed with
 * `parseHumanNumber` (src/core/numbers.ts) and arrive in `run` as `Decimal`:
 * - number:   plain amount (`1.5`, `2k`, `$102,000`)
 * - price:    a price in USD (same grammar as number, must be > 0)
 * - percent:  `0.4%`, `-3%` or a bare `15` (read as 15%) → Decimal fraction (0.004, -0.03, 0.15)
 * - rate:     a fraction typed bare (`0.004`) or as a percent (`0.4%`) → Decimal fraction 0.004
 * - leverage: `10x`, `x10` or `10` → Decimal 10
 * - integer:  whole number (step numbers, N positions) → arrives as `number`
 * - enum:     one of `choices` (case-insensitive) → arrives as the canonical choice string
 * - string:   free text → `string`
 */
export type OptionKind = 'number' | 'price' | 'percent' | 'rate' | 'leverage' | 'integer' | 'enum' | 'string';

export interface OptionSpec {
  /** Canonical name: Discord option name, `key=` in Telegram, `--name` on the CLI. Lowercase, [a-z0-9-]. */
  name: string;
  /** Other accepted `key=` / `--key` spellings (e.g. `lev` for `leverage`). */
  aliases?: readonly string[];
  kind: OptionKind;
  description: Localized;
  required?: boolean;
  /** For `enum`: the allowed values (canonical spelling). */
  choices?: readonly string[];
  /** Inclusive numeric bounds, checked after parsing (in the parsed unit: percent as fraction). */
  min?: number;
  max?: number;
  /** Used when the option is absent. Numeric defaults are given as strings in the option's own grammar. */
  default?: string | number;
  /**
   * Positional slot for Telegram / terminal syntax (`/liq binance long 30000 1 10x`).
   * Options with `positional: true` are filled in declaration order by bare words.
   */
  positional?: boolean;
  /** Its positional slot is skipped when one of these options is named (`qty` when `contracts=` gives the size). */
  slotTakenBy?: readonly string[];
  /**
   * A bare word of this form fills the option wherever it stands, before the positional slots are
   * filled (`/liq binance DOGE long …`), unless the option is named or the word is, or nearly is, one of
   * the command's choices (`long`, `binance`, a typo of them).
   */
  bareWord?: RegExp;
  /** The one-shot CLI writes this option bare too (`cli -- explain adl`, `cli -- market BTC`); others as `--name`. */
  cliPositional?: boolean;
  /** Discord autocomplete source. */
  autocomplete?: 'symbol';
  /**
   * This `enum` option picks the command's subcommand (`/watch add …`, `/watch list`): chats and
   * the CLI write it as the first bare word, Discord registers each choice as a subcommand with
   * the options whose `for` names it. At most one per command, declared first.
   */
  subcommand?: boolean;
  /** For a subcommand option: what each choice does (Discord shows it under the subcommand). */
  choiceDescriptions?: Readonly<Record<string, Localized>>;
  /** Only with these subcommands (absent: with every one). Positional slots are filled per subcommand. */
  for?: readonly string[];
  /** Required with these subcommands only (`required` makes it required with all of them). */
  requiredFor?: readonly string[];
}

/** The command's subcommand option, if it has one. */
export function subcommandOption(command: Pick<Command, 'options'>): OptionSpec | undefined {
  return command.options.find((o) => o.subcommand);
}

/** Does `option` go with `subcommand` (undefined: the command has none)? */
export function optionApplies(option: OptionSpec, subcommand: string | undefined): boolean {
  return option.subcommand || subcommand === undefined || !option.for || option.for.includes(subcommand);
}

/** Is `option` required with `subcommand`? */
export function optionRequired(option: OptionSpec, subcommand: string | undefined): boolean {
  return Boolean(option.required || (subcommand !== undefined && option.requiredFor?.includes(subcommand)));
}

/** Parsed option values, keyed by canonical option name. */
export type OptionValue = Decimal | string | number;
export type ParsedArgs = Record<string, OptionValue | undefined>;

export interface CommandExample {
  /** option name → value as a user would type it (e.g. { venue: 'binance', entry: '30000' }) */
  args: Record<string, string>;
  /** positional words in Telegram/terminal order, if the example is best shown positionally */
  positional?: readonly string[];
}

export interface Command {
  /** Canonical (Discord / CLI) name, may contain a hyphen: `adl-rank`. Telegram uses `_` instead. */
  name: string;
  /** Extra Telegram / terminal names (without slash), e.g. `adlrank`. */
  aliases?: readonly string[];
  description: Localized;
  options: readonly OptionSpec[];
  examples: readonly CommandExample[];
  /** Cost class for the per-user rate limit: heavy commands get fewer runs per minute. */
  cost?: 'light' | 'heavy';
  /** True when the command may take longer than ~1 s (faces defer / show "typing"). */
  slow?: boolean;
  /**
   * True for commands whose main job is changing chat/server settings (`/alerts`): Discord offers
   * them only to members with Manage Channels by default, and every face computes
   * `ctx.canManageChat` before `run`, which refuses the changing actions to others.
   */
  managesChat?: boolean;
  /** `run` reads `ctx.canManageChat` for some of its actions (e.g. `/lang vi chat`) without being hidden on Discord. */
  checksChatManager?: boolean;
  run(args: ParsedArgs, ctx: ChatContext): Promise<Reply> | Reply;
  /** Button presses: `payload` is what the command put in `Action.payload` (without the command prefix). */
  onAction?(payload: string, ctx: ChatContext): Promise<ActionOutcome> | ActionOutcome;
  /**
   * The private form a reply asked for (`Reply.form`): its fields, in order. Undefined when the
   * payload no longer stands (a stale button). Faces ask it when they show the form.
   */
  form?(payload: string, ctx: ChatContext): FormSpec | undefined;
  /**
   * The form's answer: `values` by field name, exactly as the user typed them. They may be secret
   * (an API key): never echo, log or store them in plain.
   */
  onForm?(payload: string, values: Readonly<Record<string, string>>, ctx: ChatContext): Promise<Reply> | Reply;
}

/**
 * Private input a face collects without it ever being shown in the chat: a modal with text inputs
 * (Discord), or the user's next message in a private chat, deleted as soon as it is read (Telegram).
 */
export interface FormSpec {
  /** Up to 45 characters (Discord's modal title). */
  title: string;
  fields: FormField[];
}

export interface FormField {
  name: string;
  /** Up to 45 characters. */
  label: string;
  placeholder?: string;
  minLength: number;
  maxLength: number;
}
