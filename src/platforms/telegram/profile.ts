import type { FaceProfile } from '../../chat/profile.ts';

/**
 * Telegram as the command layer sees it. Commands are `/name words… name=value`, names without
 * hyphens (Telegram allows letters, digits and `_`: `adl-rank` → `/adl_rank`). callback_data holds
 * 1–64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton). Pushed messages keep to
 * ~30 a second overall and 20 a minute in a group, so 3 s between two to one chat
 * (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 */
export const TELEGRAM_PROFILE: FaceProfile = {
  id: 'telegram',
  syntax: { options: 'words', prefix: '/', name: (canonical) => canonical.replace(/-/g, '_') },
  limits: { actionDataBytes: 64 },
  rateLimited: true,
  operator: false,
  oneShot: false,
  push: { pacing: { globalMs: 40, perChatMs: 3_000 }, canEdit: true, privateChats: true },
  // A key is the next message in the private chat, deleted by the bot as soon as it is read
  // (bots may delete messages in private chats: https://core.telegram.org/bots/api#deletemessage).
  forms: 'private-message',
};
