import type { BotCommand } from 'grammy/types';
import type { Command, Lang } from '../../chat/command.ts';
import { TELEGRAM_PROFILE } from './profile.ts';

/**
 * Telegram command lines: `/liq@MyBot binance long 30000 1 10x` → the line the dispatcher reads
 * (`/liq binance long 30000 1 10x`) and whom it was addressed to; and the command menu that
 * setMyCommands registers (names with `_`, since Telegram allows no hyphen).
 */
export interface CommandLine {
  /** The command word, lowercase, without slash or mention (`adl_rank`). */
  name: string;
  /** The bot named after `@`, as typed (`MyBot`), when there was one. */
  mention?: string;
  /** The line for Dispatcher.runLine, `@BotName` removed. */
  line: string;
}

// Telegram: a command is `/` + up to 32 letters, digits and underscores, optionally `@username`,
// then a space or the end of the message.
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;

export function parseCommandLine(text: string): CommandLine | undefined {
  const trimmed = text.trimStart();
  const match = COMMAND.exec(trimmed);
  if (!match) return undefined;
  const name = match[1].toLowerCase();
  const rest = trimmed.slice(match[0].length).trim();
  return { name, mention: match[2], line: rest ? `/${name} ${rest}` : `/${name}` };
}

/**
 * Whether this bot should read the command: addressed to it or to nobody. `/cmd@OtherBot` belongs
 * to the other bot. Usernames compare case-insensitively, as Telegram's do.
 */
export function addressedToMe(command: CommandLine, botUsername: string | undefined): boolean {
  if (!command.mention) return true;
  return !!botUsername && command.mention.toLowerCase() === botUsername.toLowerCase();
}

const TELEGRAM_COMMAND_NAME = /^[a-z0-9_]{1,32}$/;
const DESCRIPTION_LIMIT = 256;

/** The command menu for one language: every registry command under its Telegram name. */
export function menuCommands(commands: readonly Command[], lang: Lang): BotCommand[] {
  const menu: BotCommand[] = [];
  for (const command of commands) {
    const name = TELEGRAM_PROFILE.syntax.name(command.name);
    if (!TELEGRAM_COMMAND_NAME.test(name)) continue;
    let description = command.description[lang].replace(/\s+/g, ' ').trim() || name;
    if (description.length > DESCRIPTION_LIMIT) description = `${description.slice(0, DESCRIPTION_LIMIT - 1).trimEnd()}…`;
    menu.push({ command: name, description });
  }
  return menu;
}
