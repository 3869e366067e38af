import type { FaceProfile } from '../chat/profile.ts';
import { discordFace } from './discord/index.ts';
import type { FaceModule } from './face.ts';
import { telegramFace } from './telegram/index.ts';
import { CLI_PROFILE, TERMINAL_PROFILE } from './terminal/profile.ts';

/**
 * The one list of faces. A new chat platform is a folder under src/platforms/ (profile.ts,
 * index.ts with its FaceModule, its code), one line here, and its settings in src/config.ts.
 */
export const CHAT_FACES: readonly FaceModule[] = [telegramFace, discordFace];

/** The operator's own faces (no tokens, never pushed to). */
export const LOCAL_PROFILES: readonly FaceProfile[] = [TERMINAL_PROFILE, CLI_PROFILE];

export const FACE_PROFILES: readonly FaceProfile[] = [...CHAT_FACES.map((face) => face.profile), ...LOCAL_PROFILES];

export function faceProfile(id: string): FaceProfile | undefined {
  return FACE_PROFILES.find((profile) => profile.id === id);
}
