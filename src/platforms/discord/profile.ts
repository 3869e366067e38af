import type { FaceProfile } from '../../chat/profile.ts';

/**
 * Discord as the command layer sees it. Slash commands with named options (`/liq venue:binance …`),
 * names as registered (hyphens allowed). A button's custom_id holds up to 100 characters
 * (https://discord.com/developers/docs/components/reference#button); payloads are ASCII, so 100 bytes.
 * Pushed messages: 5 per 5 s in a channel, 50 requests a second overall
 * (https://discord.com/developers/docs/topics/rate-limits), so 1.1 s between two to one channel.
 */
export const DISCORD_PROFILE: FaceProfile = {
  id: 'discord',
  syntax: { options: 'named', prefix: '/', name: (canonical) => canonical },
  limits: { actionDataBytes: 100 },
  rateLimited: true,
  operator: false,
  oneShot: false,
  push: { pacing: { globalMs: 25, perChatMs: 1_100 }, canEdit: true, privateChats: true },
  ephemeralReplies: true,
  // A key goes into a modal (text inputs only the user sees; the bot reads no message content).
  forms: 'modal',
};
