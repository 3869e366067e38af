import { createHash } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  type APIApplicationCommandOptionChoice,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { optionApplies, optionRequired, subcommandOption, type Command, type Localized, type OptionSpec } from '../../chat/command.ts';
import { translator } from '../../chat/i18n.ts';

/**
 * The registry as Discord slash-command definitions, generated from each command's one spec.
 *
 * - Numeric kinds (number, price, percent, rate, leverage) are STRING options, so people can type
 *   `122k`, `10x` or `0.4%`; the dispatcher parses them with the grammar every face shares.
 * - integer → INTEGER with min/max; enum → STRING with choices (autocomplete above Discord's 25);
 *   string → STRING, with autocomplete for `autocomplete: 'symbol'`.
 * - Required options first (Discord refuses a required option after an optional one).
 * - English is the base text, Vietnamese the `vi` localization (Discord's Vietnamese locale).
 *   Names stay canonical in both languages: they are what /help, the error hints and the
 *   examples print, so one spelling works everywhere.
 */
export const DISCORD_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

/** Discord's rule is wider (any letter); ours is the CLI contract and what the issue asks: [a-z0-9-]. */
export const NAME_PATTERN = /^[a-z0-9-]{1,32}$/;

const NUMERIC_KINDS = new Set<OptionSpec['kind']>(['number', 'price', 'percent', 'rate', 'leverage']);
/** Long enough for `$1,000,000,000.50` or `0.0004%`; short enough that nobody pastes an essay. */
const NUMERIC_MAX_LENGTH = 40;
/** Coins people look up first, offered when no market data is stored yet. */
export const DEFAULT_SYMBOLS = ['BTC', 'ETH', 'SOL'] as const;

/** Global commands work in servers and in DMs with the bot; guild (development) commands ignore contexts. */
export type CommandScope = 'global' | 'guild';

export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** `text`, or `text` cut with an ellipsis to `max` characters (never splitting a surrogate pair). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

function describe(base: Localized, extra?: Localized): Localized {
  const one = (lang: 'en' | 'vi') => {
    const text = base[lang].trim();
    // The note (a default) is added when the description does not state one already and the whole fits.
    const more = extra && !/\b(default|mặc định)\b/iu.test(text) ? extra[lang] : undefined;
    if (more && text.length + more.length + 3 <= DISCORD_LIMITS.description) return `${text} (${more})`;
    return truncate(text, DISCORD_LIMITS.description);
  };
  return { en: one('en'), vi: one('vi') };
}

function assertName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) throw new Error(`discord: ${what} name "${name}" must match ${NAME_PATTERN} (lowercase letters, digits, hyphens, ≤32)`);
}

export function optionDefinition(spec: OptionSpec, subcommand?: string): APIApplicationCommandBasicOption {
  assertName(spec.name, 'option');
  const defaultNote =
    spec.default !== undefined
      ? { en: translator('en')('chat.help.default', { value: String(spec.default) }), vi: translator('vi')('chat.help.default', { value: String(spec.default) }) }
      : undefined;
  const text = describe(spec.description, defaultNote);
  const base = {
    name: spec.name,
    description: text.en,
    description_localizations: { vi: text.vi },
    required: optionRequired(spec, subcommand),
  };
  if (spec.kind === 'integer') {
    return {
      ...base,
      type: ApplicationCommandOptionType.Integer,
      ...(spec.min !== undefined ? { min_value: spec.min } : {}),
      ...(spec.max !== undefined ? { max_value: spec.max } : {}),
    };
  }
  if (NUMERIC_KINDS.has(spec.kind)) {
    return { ...base, type: ApplicationCommandOptionType.String, max_length: NUMERIC_MAX_LENGTH };
  }
  if (spec.kind === 'enum') {
    const choices = spec.choices ?? [];
    if (choices.length > DISCORD_LIMITS.choices) {
      // More than Discord lists: offer them as you type instead (the dispatcher still checks the value).
      return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true };
    }
    return {
      ...base,
      type: ApplicationCommandOptionType.String,
      choices: choices.map((c) => ({ name: truncate(c, DISCORD_LIMITS.choiceName), value: c })),
    };
  }
  return { ...base, type: ApplicationCommandOptionType.String, ...(spec.autocomplete ? { autocomplete: true } : {}) };
}

export function commandDefinition(command: Command, scope: CommandScope = 'global'): CommandDefinition {
  assertName(command.name, 'command');
  if (command.options.length > DISCORD_LIMITS.options) {
    throw new Error(`discord: /${command.name} has ${command.options.length} options; Discord allows ${DISCORD_LIMITS.options}`);
  }
  const text = describe(command.description);
  return {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: text.en,
    description_localizations: { vi: text.vi },
    options: commandOptions(command),
    // Alerts change the server's settings: offered to Manage Channels by default (the face checks again at run time).
    default_member_permissions: command.managesChat ? String(PermissionFlagsBits.ManageChannels) : null,
    nsfw: false,
    ...(scope === 'global'
      ? { contexts: [InteractionContextType.Guild, InteractionContextType.BotDM], integration_types: [ApplicationIntegrationType.GuildInstall] }
      : {}),
  };
}

/** Stable sort: required options first (Discord refuses a required option after an optional one), each group in declaration order. */
function basicOptions(specs: readonly OptionSpec[], subcommand?: string): APIApplicationCommandBasicOption[] {
  const required = (o: OptionSpec) => optionRequired(o, subcommand);
  return [...specs.filter(required), ...specs.filter((o) => !required(o))].map((o) => optionDefinition(o, subcommand));
}

/**
 * A command's options, or with a subcommand option (`/watch add …`) one SUB_COMMAND per choice
 * holding the options that go with it (Discord allows no other top-level option beside subcommands).
 */
function commandOptions(command: Command): APIApplicationCommandOption[] {
  const sub = subcommandOption(command);
  if (!sub) return basicOptions(command.options);
  return (sub.choices ?? []).map((choice): APIApplicationCommandSubcommandOption => {
    assertName(choice, 'subcommand');
    const text = describe(sub.choiceDescriptions?.[choice] ?? sub.description);
    const specs = command.options.filter((o) => !o.subcommand && optionApplies(o, choice));
    return {
      type: ApplicationCommandOptionType.Subcommand,
      name: choice,
      description: text.en,
      description_localizations: { vi: text.vi },
      options: basicOptions(specs, choice),
    };
  });
}

export function commandDefinitions(commands: readonly Command[], scope: CommandScope = 'global'): CommandDefinition[] {
  return commands.map((command) => commandDefinition(command, scope));
}

// ---------------------------------------------------------------------------------------------
// Has anything changed? Discord answers GET …/commands with ids, versions and defaults filled in;
// both sides are reduced to the fields we set, with Discord's defaults made explicit, then hashed.

type Loose = Record<string, unknown>;

const localizations = (value: unknown): Record<string, string> | null => {
  if (!value || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, string>).filter(([, v]) => typeof v === 'string' && v !== '');
  return entries.length ? Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) : null;
};

const orNull = <T>(value: T | undefined | null): T | null => (value === undefined ? null : value);

function comparableOption(option: Loose): Loose {
  const choices = option.choices as APIApplicationCommandOptionChoice[] | undefined;
  return {
    type: option.type,
    name: option.name,
    name_localizations: localizations(option.name_localizations),
    description: option.description,
    description_localizations: localizations(option.description_localizations),
    required: Boolean(option.required),
    autocomplete: Boolean(option.autocomplete),
    choices: choices?.length ? choices.map((c) => ({ name: c.name, name_localizations: localizations(c.name_localizations), value: c.value })) : null,
    min_value: orNull(option.min_value),
    max_value: orNull(option.max_value),
    min_length: orNull(option.min_length),
    max_length: orNull(option.max_length),
    options: Array.isArray(option.options) && option.options.length ? (option.options as Loose[]).map(comparableOption) : null,
  };
}

/** The part of a command definition we control, in one canonical shape. */
export function comparableCommand(command: Loose, scope: CommandScope): Loose {
  const sorted = (value: unknown) => (Array.isArray(value) ? [...(value as number[])].sort((a, b) => a - b) : null);
  return {
    type: command.type ?? ApplicationCommandType.ChatInput,
    name: command.name,
    name_localizations: localizations(command.name_localizations),
    description: command.description,
    description_localizations: localizations(command.description_localizations),
    default_member_permissions: orNull(command.default_member_permissions),
    nsfw: Boolean(command.nsfw),
    // Contexts only apply to global commands; Discord keeps none for guild ones.
    contexts: scope === 'global' ? sorted(command.contexts) : null,
    integration_types: scope === 'global' ? sorted(command.integration_types) : null,
    options: Array.isArray(command.options) ? (command.options as Loose[]).map(comparableOption) : [],
  };
}

/** A hash of the definitions that does not depend on their order or on fields Discord adds. */
export function definitionsHash(commands: readonly object[], scope: CommandScope): string {
  const canonical = commands
    .map((c) => comparableCommand(c as Loose, scope))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Interactions → dispatcher input.

export interface InteractionOption {
  name: string;
  type?: number;
  value?: string | number | boolean | null;
  options?: readonly InteractionOption[];
}

/**
 * Option values as the dispatcher takes them (`runNamed`): name → value, absent options left out.
 * A subcommand (`/watch add …` arrives as one SUB_COMMAND option holding the others) becomes the
 * value of the command's subcommand option, beside its own options.
 */
export function namedValues(options: readonly InteractionOption[], command?: Pick<Command, 'options'>): Record<string, string | number | boolean> {
  const named: Record<string, string | number | boolean> = {};
  const sub = command && subcommandOption(command);
  for (const option of options) {
    if (sub && option.type === ApplicationCommandOptionType.Subcommand) {
      named[sub.name] = option.name;
      Object.assign(named, namedValues(option.options ?? []));
    } else if (option.value !== undefined && option.value !== null) named[option.name] = option.value;
  }
  return named;
}

export interface AutocompleteSources {
  knownSymbols?: () => readonly string[];
}

/** What Discord offers while someone types into an autocomplete option: ≤25, prefix matches first. */
export function autocompleteChoices(spec: OptionSpec | undefined, typed: string, sources: AutocompleteSources): Array<{ name: string; value: string }> {
  if (!spec) return [];
  let pool: readonly string[] = [];
  let query = typed.trim();
  if (spec.autocomplete === 'symbol') {
    let known: readonly string[] = [];
    try {
      known = sources.knownSymbols?.() ?? [];
    } catch {
      known = [];
    }
    pool = known.length ? known : DEFAULT_SYMBOLS;
    query = query.toUpperCase();
  } else if (spec.kind === 'enum') {
    pool = spec.choices ?? [];
    query = query.toLowerCase();
  }
  const fold = (s: string) => (spec.autocomplete === 'symbol' ? s.toUpperCase() : s.toLowerCase());
  const starts = pool.filter((s) => fold(s).startsWith(query));
  const contains = query ? pool.filter((s) => !fold(s).startsWith(query) && fold(s).includes(query)) : [];
  return [...starts, ...contains]
    .filter((s) => s.length <= DISCORD_LIMITS.choiceValue)
    .slice(0, DISCORD_LIMITS.choices)
    .map((s) => ({ name: s, value: s }));
}
