import { faceModule } from '../face.ts';
import { TELEGRAM_PROFILE } from './profile.ts';

export const telegramFace = faceModule(
  TELEGRAM_PROFILE,
  (config) => config.telegram,
  async () => (await import('./face.ts')).createTelegramFace,
  // The webhook's secret header, should a request ever be logged.
  ['*.headers["x-telegram-bot-api-secret-token"]'],
);
