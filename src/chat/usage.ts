import { optionApplies, optionRequired, subcommandOption, type Command, type CommandExample, type Lang, type OptionSpec } from './command.ts';
import { translator } from './i18n.ts';
import { commandLabel, type FaceProfile } from './profile.ts';

/**
 * How a command is written on a face, generated from its one definition and the face's profile:
 * its name, its examples and the help for its options, in the face's option syntax.
 */

/** Every word that calls this command in a chat line (without the slash), lowercase: `adl-rank`, `adl_rank`, `adlrank`, aliases. */
export function chatNames(command: Pick<Command, 'name' | 'aliases'>): string[] {
  const names = [command.name, command.name.replace(/-/g, '_'), command.name.replace(/-/g, ''), ...(command.aliases ?? [])];
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

const quote = (value: string) => (/\s/.test(value) ? `"${value}"` : value);

const NUMERIC_KINDS = new Set<OptionSpec['kind']>(['number', 'price', 'percent', 'rate', 'leverage', 'integer']);

/**
 * An example value as a reader of `lang` types it. Commands write examples the English way
 * (`0.5`, `1.5m`, `$102,000`); in Vietnamese `,` is the decimal mark and a `.` between digits
 * would be read as a thousands separator, so the value is written `0,5`, `1,5m`, `102000`:
 * only forms the parser accepts in that language.
 */
function localValue(option: OptionSpec, value: string, lang: Lang): string {
  if (lang !== 'vi' || !NUMERIC_KINDS.has(option.kind)) return value;
  return value
    .replace(/^\$/, '')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d)\.(\d)/g, '$1,$2');
}

/**
 * The example as a user of this face types it:
 *   words  `/liq binance long 122000 0.5 20x mode=cross`
 *   named  `/liq venue:binance side:long entry:122000 …`
 *   flags  `npm run -s cli -- liq --venue binance --side long …`
 * Positional options are written bare while they come in order; the rest by name.
 */
export function formatExample(command: Command, example: CommandExample, face: FaceProfile, lang: Lang = 'en'): string {
  const { syntax } = face;
  const given = (o: OptionSpec) => example.args[o.name] !== undefined;
  const value = (o: OptionSpec) => quote(localValue(o, example.args[o.name], lang));
  const name = `${syntax.prefix}${syntax.name(command.name)}`;
  if (syntax.options === 'named') {
    // A subcommand is typed bare (`/watch add venue:hyperliquid …`), the options by name.
    const parts = command.options.filter(given).map((o) => (o.subcommand ? example.args[o.name] : `${o.name}:${value(o)}`));
    return [name, ...parts].join(' ');
  }
  const flags = syntax.options === 'flags';
  const bare: string[] = [];
  const named: OptionSpec[] = [];
  let inOrder = true;
  // Only the options of the example's subcommand take positional slots (`/watch add hyperliquid 0x…`).
  const sub = subcommandOption(command);
  const subcommand = sub ? example.args[sub.name] : undefined;
  for (const option of command.options.filter((o) => optionApplies(o, subcommand))) {
    if (!given(option)) {
      if (option.positional) inOrder = false;
      continue;
    }
    const positionalHere = flags ? option.positional && option.cliPositional : option.positional;
    if (positionalHere && inOrder) bare.push(value(option));
    else {
      if (option.positional) inOrder = false;
      named.push(option);
    }
  }
  const namedParts = named.map((o) => (flags ? `--${o.name} ${value(o)}` : `${o.name}=${value(o)}`));
  return [name, ...bare, ...namedParts].join(' ');
}

export function firstExample(command: Command, face: FaceProfile, lang: Lang = 'en'): string {
  return command.examples.length ? formatExample(command, command.examples[0], face, lang) : commandLabel(face, command.name);
}

/** How to ask `help` about one command on this face (`/help adl_rank`, `/help command:liq`, `npm run -s cli -- help liq`). */
export function helpCall(help: Command, face: FaceProfile, about?: string): string {
  return formatExample(help, { args: about ? { [help.options[0]?.name ?? 'command']: face.syntax.name(about) } : {} }, face);
}

/** `venue (binance | bybit …, required) — Exchange` lines for `/help <command>`. */
export function optionHelpLines(command: Command, lang: Lang, face: FaceProfile): string[] {
  const t = translator(lang);
  return command.options.map((option) => {
    const facts: string[] = [t(`chat.kind.${option.kind}`)];
    if (option.choices?.length) facts[0] = option.choices.join(' | ');
    // With some subcommands only; "required with add" where it must be given.
    if (option.for?.length) facts.push(t('chat.help.for', { subcommands: option.for.join(', ') }));
    if (option.required) facts.push(t('chat.help.required'));
    else if (option.requiredFor?.length) facts.push(t('chat.help.required-for', { subcommands: option.requiredFor.join(', ') }));
    if (option.default !== undefined) facts.push(t('chat.help.default', { value: String(option.default) }));
    const aliases = option.aliases?.length ? ` (${option.aliases.join(', ')})` : '';
    const name = face.syntax.options === 'flags' ? `--${option.name}` : option.name;
    return `• \`${name}\`${aliases}: ${option.description[lang]} _(${facts.join(', ')})_`;
  });
}

/**
 * The positional order, as this face types it: `/liq <venue> <side> <entry> [qty] [leverage] [name=value …]`.
 * A command with subcommands gets one line each (`/watch add <venue> <address> [label]`, `/watch list`, …).
 */
export function usageLines(command: Command, face: FaceProfile, lang: Lang): string[] {
  const sub = subcommandOption(command);
  if (!sub) return [usageOf(command, face, lang, undefined)];
  return (sub.choices ?? []).map((choice) => usageOf(command, face, lang, choice));
}

function usageOf(command: Command, face: FaceProfile, lang: Lang, subcommand: string | undefined): string {
  const { syntax } = face;
  const name = [`${syntax.prefix}${syntax.name(command.name)}`, ...(subcommand ? [subcommand] : [])].join(' ');
  const options = command.options.filter((o) => !o.subcommand && optionApplies(o, subcommand));
  const required = (o: OptionSpec) => optionRequired(o, subcommand);
  if (syntax.options === 'named') return name;
  if (syntax.options === 'flags') return `${name} ${options.filter(required).map((o) => `--${o.name} <${o.name}>`).join(' ')}`.trim();
  const slots = options.filter((o) => o.positional).map((o) => (required(o) ? `<${o.name}>` : `[${o.name}]`));
  const named = options.some((o) => !o.positional) || !subcommand ? [translator(lang)('chat.help.named-slot')] : [];
  return [name, ...slots, ...named].join(' ');
}

/**
 * Messages name options the chat way (`leverage=150x`); with `named` syntax that is
 * `leverage:150x` and with `flags` `--leverage 150x`. Only names of this command's options are rewritten.
 */
export function inFaceSyntax(text: string, command: Command, face: FaceProfile): string {
  const style = face.syntax.options;
  if (style === 'words') return text;
  const names = new Set(command.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]));
  return text.replace(/(^|[\s`(])([a-z][a-z0-9-]*)=([^\s`),]*)/g, (whole, before: string, name: string, value: string) => {
    if (!names.has(name)) return whole;
    return style === 'named' ? `${before}${name}:${value}` : `${before}--${name}${value ? ` ${value}` : ''}`;
  });
}
