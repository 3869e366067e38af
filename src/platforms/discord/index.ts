import { faceModule } from '../face.ts';
import { DISCORD_PROFILE } from './profile.ts';

export const discordFace = faceModule(DISCORD_PROFILE, (config) => config.discord, async () => (await import('./face.ts')).createDiscordFace);
