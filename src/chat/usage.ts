import type { Command, CommandExample, Lang, OptionSpec } from './command.ts';
import type { Platform } from './context.ts';
import { translator } from './i18n.ts';

/**
 * How a command is written on each face, generated from its one definition: the name
 * (Telegram has no hyphens: `adl-rank` → `adl_rank`), its examples and the help for its options.
 */
export function telegramName(command: Pick<Command, 'name'>): string {
  return command.name.replace(/-/g, '_');
}

/** Every word that calls this command in a chat line (without the slash), lowercase. */
export function chatNames(command: Pick<Command, 'name' | 'aliases'>): string[] {
  const names = [command.name, telegramName(command), command.name.replace(/-/g, ''), ...(command.aliases ?? [])];
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

const quote = (value: string) => (/\s/.test(value) ? `"${value}"` : value);

/**
 * The example as a user of `platform` types it:
 *   telegram / terminal  `/liq binance long 122000 0.5 20x mode=cross`
 *   discord              `/liq venue:binance side:long entry:122000 …`
 *   cli                  `npm run -s cli -- liq --venue binance --side long …`
 * Positional options are written bare while they come in order; the rest by name.
 */
export function formatExample(command: Command, example: CommandExample, platform: Platform): string {
  const given = (o: OptionSpec) => example.args[o.name] !== undefined;
  if (platform === 'discord') {
    const parts = command.options.filter(given).map((o) => `${o.name}:${example.args[o.name]}`);
    return [`/${command.name}`, ...parts].join(' ');
  }
  const bare: string[] = [];
  const named: OptionSpec[] = [];
  let inOrder = true;
  for (const option of command.options) {
    if (!given(option)) {
      if (option.positional) inOrder = false;
      continue;
    }
    const positionalHere = platform === 'cli' ? option.positional && option.cliPositional : option.positional;
    if (positionalHere && inOrder) bare.push(quote(example.args[option.name]));
    else {
      if (option.positional) inOrder = false;
      named.push(option);
    }
  }
  if (platform === 'cli') {
    return ['npm run -s cli --', command.name, ...bare, ...named.map((o) => `--${o.name} ${quote(example.args[o.name])}`)].join(' ');
  }
  const name = platform === 'telegram' ? telegramName(command) : command.name;
  return [`/${name}`, ...bare, ...named.map((o) => `${o.name}=${quote(example.args[o.name])}`)].join(' ');
}

export function firstExample(command: Command, platform: Platform): string {
  return command.examples.length ? formatExample(command, command.examples[0], platform) : `/${command.name}`;
}

/** `venue (binance | bybit …, required) — Exchange` lines for `/help <command>`. */
export function optionHelpLines(command: Command, lang: Lang, platform: Platform): string[] {
  const t = translator(lang);
  return command.options.map((option) => {
    const facts: string[] = [t(`chat.kind.${option.kind}`)];
    if (option.choices?.length) facts[0] = option.choices.join(' | ');
    if (option.required) facts.push(t('chat.help.required'));
    if (option.default !== undefined) facts.push(t('chat.help.default', { value: String(option.default) }));
    const aliases = option.aliases?.length ? ` (${option.aliases.join(', ')})` : '';
    const name = platform === 'cli' ? `--${option.name}` : option.name;
    return `• \`${name}\`${aliases}: ${option.description[lang]} _(${facts.join(', ')})_`;
  });
}

/** The positional order, as chat users type it: `/liq <venue> <side> <entry> [qty] [leverage]`. */
export function usageLine(command: Command, platform: Platform): string {
  const slots = command.options
    .filter((o) => o.positional)
    .map((o) => (o.required ? `<${o.name}>` : `[${o.name}]`));
  const name = platform === 'telegram' ? telegramName(command) : command.name;
  if (platform === 'discord') return `/${name}`;
  if (platform === 'cli') return `npm run -s cli -- ${name} ${command.options.filter((o) => o.required).map((o) => `--${o.name} <${o.name}>`).join(' ')}`.trim();
  return [`/${name}`, ...slots, '[key=value …]'].join(' ');
}

/**
 * Messages name options the chat way (`leverage=150x`); on Discord that is `leverage:150x` and on
 * the CLI `--leverage 150x`. Only names of this command's options are rewritten.
 */
export function inFaceSyntax(text: string, command: Command, platform: Platform): string {
  if (platform !== 'discord' && platform !== 'cli') return text;
  const names = new Set(command.options.flatMap((o) => [o.name, ...(o.aliases ?? [])]));
  return text.replace(/(^|[\s`(])([a-z][a-z0-9-]*)=([^\s`),]*)/g, (whole, before: string, name: string, value: string) => {
    if (!names.has(name)) return whole;
    return platform === 'discord' ? `${before}${name}:${value}` : `${before}--${name}${value ? ` ${value}` : ''}`;
  });
}
