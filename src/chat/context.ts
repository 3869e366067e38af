import type { Logger } from 'pino';
import type { Lang } from './command.ts';
import type { Translator } from './i18n.ts';
import type { FaceProfile } from './profile.ts';
import type { ServiceLookup } from './services.ts';

export interface ChatUser {
  /** The face's user id, unique within that face. */
  id: string;
  name?: string;
}

export interface ChatPlace {
  /** The face's chat id (a channel, a group, a private chat; `terminal`). */
  id: string;
  kind: 'private' | 'group' | 'channel';
  /** The server (guild, workspace) the chat belongs to, when the face has one. */
  guildId?: string;
  title?: string;
}

/** Everything a command may know about who asks, where, and in which language. */
export interface ChatContext {
  /** The face this came from: how its people type commands, its limits, whether it can push. */
  face: FaceProfile;
  lang: Lang;
  t: Translator;
  user: ChatUser;
  chat: ChatPlace;
  /**
   * Set by the face: may this user change settings of this chat? (Discord: Manage Channels;
   * Telegram: chat administrator; private chats and the operator's own faces: always true.)
   */
  canManageChat: boolean;
  /**
   * Bytes a button payload of this command may take on this face (its limit less the `command:`
   * prefix the dispatcher adds); Infinity where the face has no limit.
   */
  actionPayloadBytes: number;
  services: ServiceLookup;
  logger: Logger;
  now(): Date;
}
