import type { Logger } from 'pino';
import type { Lang } from './command.ts';
import type { Translator } from './i18n.ts';
import type { Services } from './services.ts';

export type Platform = 'discord' | 'telegram' | 'terminal' | 'cli';

export interface ChatUser {
  /** Platform user id, unique within the platform. */
  id: string;
  name?: string;
}

export interface ChatPlace {
  /** Discord channel id / Telegram chat id / `terminal`. */
  id: string;
  kind: 'private' | 'group' | 'channel';
  /** Discord server id, when in a server. */
  guildId?: string;
  title?: string;
}

/** Everything a command may know about who asks, where, and in which language. */
export interface ChatContext {
  platform: Platform;
  lang: Lang;
  t: Translator;
  user: ChatUser;
  chat: ChatPlace;
  /**
   * Set by the face: may this user change settings of this chat? (Discord: Manage Channels;
   * Telegram: chat administrator; private chats and the terminal: always true.)
   */
  canManageChat: boolean;
  services: Services;
  logger: Logger;
  now(): Date;
}
