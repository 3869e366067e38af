import { Decimal } from 'decimal.js';
import { optionApplies, optionRequired, subcommandOption, type Command, type Lang, type OptionSpec, type OptionValue, type ParsedArgs } from './command.ts';
import { UserError } from './errors.ts';
import { formatNumber, formatPercent, NumberInputError, parseHumanNumber } from '../core/numbers.ts';
import { editDistance, nearestWord } from '../core/text.ts';

/**
 * One option spec, one grammar, every face. Telegram and the terminal chat type
 * `/liq binance long 30000 1 10x` or `/liq venue=bybit side=short entry=65k qty=2 lev=20`;
 * the CLI types `liq --venue binance --entry 30000`; Discord delivers named values. All of them
 * end up in `parseArgs`, which fills positional slots, resolves aliases, applies defaults, parses
 * every value by its kind (numbers in the user's language) and checks bounds, so a command's
 * `run` only ever sees valid, typed values. Every mistake is a UserError (i18n namespace `chat`).
 */

/** What a face collected: bare words in order, and values given by name (key → text). */
export interface RawArgs {
  positional: string[];
  named: Array<[string, string]>;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

/** Splits a chat line into words; quotes keep spaces inside a word (`symbols="BTC, ETH"`). */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let closing: string | undefined;
  for (const ch of text.trim()) {
    if (closing) {
      if (ch === closing) closing = undefined;
      else word += ch;
      continue;
    }
    if (QUOTES[ch] !== undefined) {
      closing = QUOTES[ch];
      inWord = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += ch;
    inWord = true;
  }
  if (inWord) words.push(word);
  return words;
}

/** Canonical spelling of an option key as typed: `Other_MM` → `other-mm`. */
export function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/_/g, '-');
}

export function findOption(command: Command, key: string): OptionSpec | undefined {
  const wanted = normaliseKey(key);
  return command.options.find((o) => o.name === wanted || o.aliases?.includes(wanted));
}

/**
 * Words → positional and named values. `key=value` and `key:value` (Discord habit) name an
 * option when `key` is one; `--key value` and `--key=value` work too (the CLI and terminal).
 * A `key=` that names no option is refused rather than read as a positional word.
 */
export function splitWords(command: Command, words: readonly string[]): RawArgs {
  const raw: RawArgs = { positional: [], named: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith('--') && word.length > 2) {
      const body = word.slice(2);
      const eq = body.indexOf('=');
      const key = eq >= 0 ? body.slice(0, eq) : body;
      if (!findOption(command, key)) throw unknownOption(command, key);
      if (eq >= 0) {
        raw.named.push([key, body.slice(eq + 1)]);
      } else {
        const value = words[i + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) {
          throw new UserError('chat.error.missing-value', { option: normaliseKey(key) });
        }
        raw.named.push([key, value]);
        i++;
      }
      continue;
    }
    const pair = /^([A-Za-z][\w-]*)([=:])(.*)$/s.exec(word);
    if (pair) {
      const [, key, separator, value] = pair;
      if (findOption(command, key)) {
        raw.named.push([key, value]);
        continue;
      }
      if (separator === '=') throw unknownOption(command, key);
    }
    raw.positional.push(word);
  }
  return raw;
}

function unknownOption(command: Command, key: string): UserError {
  const names = command.options.map((o) => o.name);
  const suggestion = nearestWord(normaliseKey(key), [...names, ...command.options.flatMap((o) => o.aliases ?? [])]);
  const canonical = suggestion ? (findOption(command, suggestion)?.name ?? suggestion) : undefined;
  return new UserError(canonical ? 'chat.error.unknown-option-suggest' : 'chat.error.unknown-option', {
    option: key,
    suggestion: canonical ?? '',
    options: names.join(', ') || '–',
  });
}

/** Raw values → the typed ParsedArgs a command's `run` receives. */
export function parseArgs(command: Command, raw: RawArgs, lang: Lang): ParsedArgs {
  const given = new Map<string, string>();
  for (const [key, value] of raw.named) {
    const option = findOption(command, key);
    if (!option) throw unknownOption(command, key);
    if (given.has(option.name) && given.get(option.name) !== value) {
      throw new UserError('chat.error.duplicate', { option: option.name });
    }
    given.set(option.name, value);
  }
  const positional = [...raw.positional];
  // A subcommand (`/watch add …`) is the first bare word unless named; it decides which options follow.
  const sub = subcommandOption(command);
  let subcommand: string | undefined;
  if (sub) {
    if (!given.has(sub.name) && positional.length > 0) given.set(sub.name, positional.shift()!);
    const typed = given.get(sub.name);
    subcommand = typed === undefined || typed.trim() === '' ? undefined : (parseValue(sub, typed, lang) as string);
    if (subcommand !== undefined) {
      const stray = command.options.find((o) => given.has(o.name) && !optionApplies(o, subcommand));
      if (stray) {
        throw new UserError('chat.error.not-for-subcommand', { option: stray.name, subcommand, subcommands: (stray.for ?? []).join(', ') });
      }
    }
  }
  const applies = (o: OptionSpec) => optionApplies(o, subcommand);
  takeBareWords(command, positional, given, applies);
  const slots = command.options.filter(
    (o) => o.positional && !o.subcommand && applies(o) && !given.has(o.name) && !o.slotTakenBy?.some((name) => given.has(name)),
  );
  if (positional.length > slots.length) {
    const extra = positional.slice(slots.length);
    throw new UserError('chat.error.extra-words', {
      words: extra.join(' '),
      positional: command.options.filter((o) => o.positional && applies(o)).map((o) => o.name).join(' ') || '–',
    });
  }
  positional.forEach((word, i) => given.set(slots[i].name, word));

  const args: ParsedArgs = {};
  for (const option of command.options) {
    if (!applies(option)) continue;
    const text = given.get(option.name);
    if (text === undefined || text.trim() === '') {
      // The option's description says what it is (`action`: subscribe, list …), in the user's language.
      if (optionRequired(option, subcommand)) throw new UserError('chat.error.missing-about', { option: option.name, description: option.description[lang] });
      if (option.default !== undefined) args[option.name] = parseValue(option, String(option.default), 'en');
      continue;
    }
    args[option.name] = option === sub ? subcommand : parseValue(option, text, lang);
  }
  return args;
}

/** Options with a `bareWord` form take the first unnamed word of that form out of `positional`. */
function takeBareWords(command: Command, positional: string[], given: Map<string, string>, applies: (o: OptionSpec) => boolean): void {
  const choices = command.options.flatMap((o) => (o.kind === 'enum' ? (o.choices ?? []) : []));
  // A typo of a choice (`lomg`) stays a choice; a prefix does not (`HYPE` is a coin, not `hyperliquid`).
  const isChoiceLike = (word: string) => choices.some((c) => editDistance(word.toLowerCase(), c.toLowerCase()) <= Math.max(1, Math.floor(word.length / 3)));
  for (const option of command.options) {
    if (!option.bareWord || given.has(option.name) || !applies(option)) continue;
    const index = positional.findIndex((word) => option.bareWord!.test(word) && !isChoiceLike(word));
    if (index >= 0) given.set(option.name, positional.splice(index, 1)[0]);
  }
}

/** Shorthand for chat faces: the text after the command name → ParsedArgs. */
export function parseChatText(command: Command, text: string, lang: Lang): ParsedArgs {
  return parseArgs(command, splitWords(command, tokenize(text)), lang);
}

/** Forms the parser accepts in each language (a Vietnamese `$122,000` or `122.000` would be ambiguous). */
const KIND_EXAMPLES: Record<Lang, Record<OptionSpec['kind'], string>> = {
  en: {
    number: '1.5, 2k, 50000',
    price: '122000, 122k, $122,000',
    percent: '15%, -3%, 0.4%',
    rate: '0.004, 0.4%',
    leverage: '10x, 20',
    integer: '3, 200000, 200k',
    enum: '',
    string: '',
  },
  vi: {
    number: '1,5, 2k, 50000',
    price: '122000, 122k, 1,5tr',
    percent: '15%, -3%, 0,4%',
    rate: '0,004, 0,4%',
    leverage: '10x, 20',
    integer: '3, 200000, 200k',
    enum: '',
    string: '',
  },
};

/** One value of one option, parsed by its kind; throws UserError. */
export function parseValue(option: OptionSpec, text: string, lang: Lang): OptionValue {
  const value = text.trim();
  if (option.kind === 'string') return value;
  if (option.kind === 'enum') return parseChoice(option, value);

  let parsed;
  try {
    parsed = parseHumanNumber(value, lang);
  } catch (error) {
    if (!(error instanceof NumberInputError)) throw error;
    if (error.code === 'ambiguous' && error.readings) {
      throw new UserError('chat.error.ambiguous', { option: option.name, input: value, first: error.readings[0], second: error.readings[1] });
    }
    if (error.code === 'too-large') throw new UserError('chat.error.too-large', { option: option.name, input: value });
    throw new UserError('chat.error.number', { option: option.name, input: value, examples: KIND_EXAMPLES[lang][option.kind] });
  }
  const wrongUnit = () => new UserError('chat.error.unit', { option: option.name, input: value, examples: KIND_EXAMPLES[lang][option.kind] });
  let number: Decimal;
  switch (option.kind) {
    case 'percent':
      if (parsed.multiplier) throw wrongUnit();
      number = parsed.percent ? parsed.value : parsed.value.div(100);
      break;
    case 'rate':
      if (parsed.multiplier) throw wrongUnit();
      number = parsed.value;
      break;
    case 'leverage':
      if (parsed.percent) throw wrongUnit();
      number = parsed.value;
      if (number.lte(0)) throw new UserError('chat.error.positive', { option: option.name, input: value });
      break;
    default:
      if (parsed.percent || parsed.multiplier) throw wrongUnit();
      number = parsed.value;
  }
  if (option.kind === 'price' && number.lte(0)) throw new UserError('chat.error.positive', { option: option.name, input: value });
  if (option.kind === 'integer' && !number.isInteger()) {
    throw new UserError('chat.error.integer', { option: option.name, input: value });
  }
  const show = (bound: number) => (option.kind === 'percent' || option.kind === 'rate' ? formatPercent(bound, lang) : formatNumber(bound, lang));
  if (option.min !== undefined && number.lt(option.min)) {
    throw new UserError('chat.error.min', { option: option.name, input: value, min: show(option.min) });
  }
  if (option.max !== undefined && number.gt(option.max)) {
    throw new UserError('chat.error.max', { option: option.name, input: value, max: show(option.max) });
  }
  return option.kind === 'integer' ? number.toNumber() : number;
}

function parseChoice(option: OptionSpec, value: string): string {
  const choices = option.choices ?? [];
  const typed = value.toLowerCase();
  const exact = choices.find((c) => c.toLowerCase() === typed);
  if (exact) return exact;
  const suggestion = nearestWord(typed, choices);
  throw new UserError(suggestion ? 'chat.error.choice-suggest' : 'chat.error.choice', {
    option: option.name,
    input: value,
    choices: choices.join(', '),
    suggestion: suggestion ?? '',
  });
}
