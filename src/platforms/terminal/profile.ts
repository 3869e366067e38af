import type { FaceProfile } from '../../chat/profile.ts';

/**
 * The operator's own faces. The terminal chat types commands as Telegram does (`/adl-rank binance
 * short 122k …`) and numbers its buttons (no size limit); the one-shot CLI takes shell flags and
 * runs one command per process, so it may run the largest jobs. Neither can post unasked, and
 * neither is rate-limited: the per-user limits protect shared chats from floods, and here the only
 * user is the person running the bot (a script piped into `npm start` runs every line).
 */
export const TERMINAL_PROFILE: FaceProfile = {
  id: 'terminal',
  syntax: { options: 'words', prefix: '/', name: (canonical) => canonical },
  limits: {},
  rateLimited: false,
  operator: true,
  oneShot: false,
};

export const CLI_PROFILE: FaceProfile = {
  id: 'cli',
  syntax: { options: 'flags', prefix: 'npm run -s cli -- ', name: (canonical) => canonical },
  limits: {},
  rateLimited: false,
  operator: true,
  oneShot: true,
};
